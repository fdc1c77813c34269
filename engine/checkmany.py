"""``gridlaw.check_many``: many acts at once, each answered exactly as ``gridlaw.check`` answers it alone.

The acts are validated by column (gridlaw.actcolumns), grouped by kind and city, evaluated by column
under the same compiled program ``check`` runs (gridlaw.batch.evaluate_columns), and each act's answer
is built once per distinct pattern of outcomes: many acts share the same (decision, violated, unknown,
review) answer, and they share the one tuple.
"""
from __future__ import annotations

from itertools import repeat
from typing import Any, Iterable, NamedTuple

from .errors import InputError, Problem


class Checked(NamedTuple):
    """One act's answer. ``decision`` as ``Decision.decision`` (None: the act is bad input, ``problems``
    says where, exactly as ``check`` would raise them); ``violated``, ``unknown`` and ``review``: the
    ids of the rules whose counted finding is violated / unknown / review, in rule order (a finding
    displaced by a lower rule does not count, as in ``Decision.deciding``)."""
    decision: str | None
    violated: tuple[str, ...] = ()
    unknown: tuple[str, ...] = ()
    review: tuple[str, ...] = ()
    problems: tuple[Problem, ...] = ()


def check_many(acts: Iterable[Any], checklist: Any = None, national: bool = True, city: str | None = None,
               pack: str | None = None) -> list[Checked]:
    """Check every act (dicts or models, of any kinds and cities) under the law in force on its date;
    one :class:`Checked` per act, in order. A bad act gets its problems and the others go on.
    ``city`` / ``pack``: as in ``api.check``, every act under that city's law or under that pack."""
    from .acts_compiled import CITIES, MODEL_OF_KIND
    from .api import act_data, checklist_of
    from .facts import _flatten

    acts = list(acts)
    checklist = checklist_of(checklist)
    out: list[Checked | None] = [None] * len(acts)
    groups: dict[tuple | None, list[int]] = {}
    if set(map(type, acts)) == {dict}:
        kinds, cities = list(map(dict.get, acts, repeat("kind"))), list(map(dict.get, acts, repeat("city")))
        if set(map(type, kinds)) == {str} == set(map(type, cities)) and len(set(kinds)) == len(set(cities)) == 1:
            groups[(kinds[0], cities[0])] = list(range(len(acts)))
    if not groups:
        for i, a in enumerate(acts):
            k, c = (a.get("kind"), a.get("city")) if type(a) is dict else (None, None)
            groups.setdefault((k, c) if type(k) is str and type(c) is str else None, []).append(i)
    # acts not plainly of a known kind and city (models, written forms 盐城 / 人员聘用, bad input): alone
    alone: dict[int, dict] = {}
    for key in [k for k in groups if k is None or k[0] not in MODEL_OF_KIND or k[1] not in CITIES]:
        for i in groups.pop(key):
            try:
                data = act_data(acts[i])
            except InputError as exc:
                out[i] = Checked(None, problems=tuple(exc.problems))
                continue
            flat: dict[str, Any] = {}
            _flatten(data, "", flat)
            alone[i] = flat
            groups.setdefault((data["kind"], data["city"]), []).append(i)
    if city or pack:     # the acts are valid for their own city first (as check), then judged under the override
        moved: dict[tuple | None, list[int]] = {}
        for (kind, own), rows in groups.items():
            moved.setdefault((kind, city or own), []).extend(rows)
        groups = moved
    for (kind, where), rows in groups.items():
        rows.sort()
        pre = {j: alone[i] for j, i in enumerate(rows) if i in alone}
        for j, checked in enumerate(_check_group(kind, where, [acts[i] for i in rows], pre, checklist, national,
                                                 pack or where)):
            out[rows[j]] = checked
    return out  # type: ignore[return-value]


def _foreign_pack(pack: str, city: str) -> Any:
    """The problem ``api.check`` raises when a county pack is asked about another city's act; else None."""
    from .layers import load_target

    law = load_target(pack)
    home = law.latest.meta.extends or (law.id if law.latest.meta.layer == "city" else None)
    if home and home != city:
        return Problem("<act>", f"the act is for {city}, the pack {law.id} is {home}'s law; "
                                f"set city: {home} or choose another pack", None, "city")
    return None


def _check_group(kind: str, city: str, acts: list[Any], alone: dict[int, dict], checklist: Any,
                 national: bool, target: str) -> list[Checked]:
    import numpy as np

    from .actcolumns import act_columns
    from .batch import evaluate_columns
    from .layers import load_target
    from .program import compile_stack
    from .verdicts import CODE, DECISIONS

    cols, problems = act_columns(kind, acts, alone)
    wrong = _foreign_pack(target, city) if target != city else None
    if wrong is not None:        # as check: a bad act's own problems first, then the pack that is not its city's
        return [Checked(None, problems=tuple(problems.get(i) or (wrong,))) for i in range(len(acts))]
    program = compile_stack(load_target(target), national)
    res = evaluate_columns(program, kind, cols, checklist)
    ids = res.rule_ids
    outcomes, decisions = res.outcomes, res.decisions
    # one integer key per act from the rules whose outcome varies (3 bits each), then one answer per key
    varies = [j for j in range(len(ids)) if outcomes[j].min() != outcomes[j].max()] if cols.n else []
    if 3 * len(varies) + 3 <= 63:
        key = decisions.astype(np.int64)
        for b, j in enumerate(varies):
            key = key | (outcomes[j].astype(np.int64) << (3 * b + 3))
        _, first, inverse = np.unique(key, return_index=True, return_inverse=True)
    else:
        table = np.vstack([outcomes[varies], decisions[None, :]]).T
        _, first, inverse = np.unique(table, axis=0, return_index=True, return_inverse=True)
    vio, unk, rev = CODE["violated"], CODE["unknown"], CODE["review"]
    per = []
    for i in first.tolist():
        col = outcomes[:, i]
        per.append(Checked(DECISIONS[decisions[i]], tuple(ids[j] for j in np.flatnonzero(col == vio).tolist()),
                           tuple(ids[j] for j in np.flatnonzero(col == unk).tolist()),
                           tuple(ids[j] for j in np.flatnonzero(col == rev).tolist())))
    answers = list(map(per.__getitem__, inverse.ravel().tolist()))
    for i, ps in problems.items():
        answers[i] = Checked(None, problems=tuple(ps))
    return answers
