"""Columnar (numpy) evaluation of many acts of one kind, with exactly the scalar semantics.

The scalar path (:func:`gridlaw.evaluate.evaluate`) walks one ``facts_of`` dict
at a time. Here a batch of acts is a :class:`Columns` — one array per fact plus
a "known" mask — and every rule condition of a ``(pack, kind)`` is compiled
once into a function over columns. Three-valued logic is carried as two bool
arrays per node, ``T`` (known true) and ``F`` (known false); unknown is
``~T & ~F``. That gives, row by row, exactly the scalar rules:

* ``all``: T = ∧T, F = ∨F  (so all(true, unknown) = unknown)
* ``any``: T = ∨T, F = ∧F  (so any(true, unknown) = true)
* ``not``: swap T and F      (so not unknown = unknown)
* a comparison: T = known ∧ cmp, F = known ∧ ¬cmp; ``known`` is never unknown.

Outcome codes are ordered so that the decision is a function of the row's
maximum code: violated(4) > unknown(3) > review(2) > satisfied(1) >
not_applicable(0) mirrors non_compliant > insufficient_facts > needs_review >
compliant > not_addressed.

Before the rules run, :func:`evaluate_columns` applies what ``facts_of`` and
``evaluate.prepare`` do per act: ``candidate.age`` / ``worker.age`` from the
birth date at the act's date, ``worker.consecutive_failed_years`` from the
appraisals, the task (or matter) nature read from its text when not stated
(gridlaw.lexicon; one reading per distinct text; unclassified leaves it unknown),
``task.assists_power_act`` from the same reading, the optional checklist lookups
(a match is true, no match stays unknown), and ``not_in_force`` for rows dated before the pack takes
effect. Nothing from pack data is ``eval``-ed: every node is a closure.

Rows whose ``date`` is unknown (the scalar path never sees them: ``date`` is
required by every act model) are evaluated as in force, without derived ages.
"""
from __future__ import annotations

import datetime as dt
import functools
import operator
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable

import numpy as np

from .acts import _consecutive_failed
from .checklist import Checklist
from .evaluate import DECISIONS
from .lexicon import Inference, infer_many
from .loader import CompiledRule, Pack
from .packspec import All, Any_, Condition, Not

__all__ = ["Columns", "BatchResult", "OUTCOME_CODES", "columns_from_facts", "evaluate_columns", "compile_kind"]

OUTCOME_CODES = ("not_applicable", "satisfied", "review", "unknown", "violated")
NA, SAT, REV, UNK, VIO = range(5)
_CODE = {name: code for code, name in enumerate(OUTCOME_CODES)}
# max outcome code of a row -> index into DECISIONS
_DECISION_OF_MAX = np.array([DECISIONS.index(d) for d in
                             ("not_addressed", "compliant", "needs_review", "insufficient_facts", "non_compliant")],
                            dtype=np.int8)
_NOT_IN_FORCE = np.int8(DECISIONS.index("not_in_force"))
_WANTED = {"non_compliant": VIO, "insufficient_facts": UNK, "needs_review": REV, "compliant": SAT}


# --------------------------------------------------------------------------- columns


@dataclass
class Columns:
    """A batch of acts of one kind: fact -> values, and fact -> known mask.

    A fact absent from ``data`` is unknown in every row; a fact in ``data`` but
    not in ``known`` is known wherever its value is not ``None`` (object arrays)
    or everywhere (typed arrays, NaT excepted)."""

    n: int
    data: dict[str, np.ndarray]
    known: dict[str, np.ndarray]
    _cache: dict = field(default_factory=dict, repr=False, compare=False)

    def known_mask(self, fact: str) -> np.ndarray | None:
        arr = self.data.get(fact)
        if arr is None:
            return None
        mask = self.known.get(fact)
        if mask is not None:
            return mask
        if arr.dtype == object:
            return np.not_equal(arr, None)
        if arr.dtype.kind == "M":
            return ~np.isnat(arr)
        return np.ones(self.n, dtype=bool)


def _column(values: list[Any]) -> tuple[np.ndarray, np.ndarray]:
    known = np.fromiter((v is not None for v in values), dtype=bool, count=len(values))
    present = [v for v in values if v is not None]
    if present and all(type(v) is bool for v in present):
        return np.array([bool(v) if v is not None else False for v in values], dtype=bool), known
    if present and all(type(v) is int for v in present):
        return np.array([v if v is not None else 0 for v in values], dtype=np.int64), known
    if present and all(type(v) in (int, float) for v in present):
        return np.array([v if v is not None else np.nan for v in values], dtype=np.float64), known
    if present and all(type(v) is dt.date for v in present):
        return np.array([v if v is not None else "NaT" for v in values], dtype="datetime64[D]"), known
    arr = np.empty(len(values), dtype=object)
    arr[:] = [tuple(v) if isinstance(v, list) else v for v in values]
    return arr, known


def columns_from_facts(facts_list: list[dict]) -> Columns:
    """Columns from ``facts_of()`` dicts (a convenience; builds in Python, ~1 µs per fact value).

    Lists become tuples (hashable, same ``in`` semantics); ints, floats, bools
    and dates get typed arrays; anything else (strings, enums, mixed) an object array."""
    names: dict[str, None] = {}
    for facts in facts_list:
        names.update(dict.fromkeys(facts))
    data: dict[str, np.ndarray] = {}
    known: dict[str, np.ndarray] = {}
    for name in names:
        data[name], known[name] = _column([facts.get(name) for facts in facts_list])
    return Columns(len(facts_list), data, known)


# --------------------------------------------------------------------------- evaluation context


class _Ctx:
    """The columns of one evaluation (after derived facts), with per-run memos."""

    def __init__(self, cols: Columns, data: dict[str, np.ndarray], known: dict[str, np.ndarray]):
        self.cols = cols
        self.n = cols.n
        self.data = data
        self.known = known
        self.memo: dict[Any, tuple[np.ndarray, np.ndarray]] = {}
        z = np.zeros(cols.n, dtype=bool)
        z.flags.writeable = False
        self.zeros = z

    def column(self, fact: str) -> tuple[np.ndarray, np.ndarray] | None:
        arr = self.data.get(fact)
        if arr is None:
            return None
        return arr, self.known[fact]

    def factorize(self, fact: str) -> tuple[np.ndarray, list[Any]] | None:
        """codes (-1 where unknown) and unique values of an object column, cached on the Columns."""
        arr, known = self.data[fact], self.known[fact]
        cache = self.cols._cache
        hit = cache.get(("factorize", fact))
        if hit is not None and hit[0] is arr and hit[1] is known:
            return hit[2], hit[3]
        index: dict[Any, int] = {}
        setdefault = index.setdefault
        try:
            codes = np.fromiter((setdefault(v, len(index)) if k else -1 for v, k in zip(arr.tolist(), known.tolist())),
                                dtype=np.int32, count=len(arr))
        except TypeError:  # unhashable values (lists of dicts …): no factorisation
            return None
        uniques = list(index)
        cache[("factorize", fact)] = (arr, known, codes, uniques)
        return codes, uniques


Node = Callable[[_Ctx], tuple[np.ndarray, np.ndarray]]


# --------------------------------------------------------------------------- compiling conditions


def _freeze(value: Any) -> Any:
    return tuple(value) if isinstance(value, list) else value


def compile_cond(cond: Condition) -> Node:
    """A condition as a function ctx -> (T, F) bool arrays."""
    if isinstance(cond, All):
        parts = [compile_cond(c) for c in cond.all]

        def all_(ctx: _Ctx) -> tuple[np.ndarray, np.ndarray]:
            t, f = parts[0](ctx)
            for p in parts[1:]:
                pt, pf = p(ctx)
                t, f = t & pt, f | pf
            return t, f
        return all_
    if isinstance(cond, Any_):
        parts = [compile_cond(c) for c in cond.any]

        def any_(ctx: _Ctx) -> tuple[np.ndarray, np.ndarray]:
            t, f = parts[0](ctx)
            for p in parts[1:]:
                pt, pf = p(ctx)
                t, f = t | pt, f & pf
            return t, f
        return any_
    if isinstance(cond, Not):
        inner = compile_cond(cond.not_)

        def not_(ctx: _Ctx) -> tuple[np.ndarray, np.ndarray]:
            t, f = inner(ctx)
            return f, t
        return not_
    return _compile_compare(cond.fact, *cond.op)


_ORDER = {"eq": operator.eq, "ne": operator.ne, "lt": operator.lt, "le": operator.le, "gt": operator.gt,
          "ge": operator.ge}


def _compile_compare(fact: str, op: str, value: Any) -> Node:
    key = (fact, op, _freeze(value))

    def node(ctx: _Ctx) -> tuple[np.ndarray, np.ndarray]:
        hit = ctx.memo.get(key)
        if hit is None:
            hit = ctx.memo[key] = _compare(ctx, fact, op, value)
        return hit
    return node


def _compare(ctx: _Ctx, fact: str, op: str, value: Any) -> tuple[np.ndarray, np.ndarray]:
    col = ctx.column(fact)
    if op == "known":
        present = col[1] if col is not None else ctx.zeros
        return (present, ~present) if value else (~present, present)
    if col is None:
        return ctx.zeros, ctx.zeros
    arr, known = col
    res = _truth(ctx, fact, arr, known, op, value)
    return known & res, known & ~res


def _truth(ctx: _Ctx, fact: str, arr: np.ndarray, known: np.ndarray, op: str, value: Any) -> np.ndarray:
    """Where known, the comparison's truth; elsewhere anything (it is masked)."""
    if arr.dtype == object:
        return _truth_object(ctx, fact, arr, known, op, value)
    if op in _ORDER:
        v = _typed_scalar(arr, value)
        if v is _INCOMPARABLE:
            if op in ("eq", "ne"):
                return np.full(len(arr), op == "ne")
            return _truth_python(arr, known, lambda x: _ORDER[op](x, value))
        return _ORDER[op](arr, v)
    if op in ("in", "not_in"):
        opts = [v for v in (_typed_scalar(arr, o) for o in value) if v is not _INCOMPARABLE]
        hit = np.isin(arr, np.array(opts)) if opts else np.zeros(len(arr), dtype=bool)
        return hit if op == "in" else ~hit
    # includes* on a scalar column: Python raises in the scalar path too; mirror per row
    return _truth_python(arr, known, _python_test(op, value))


_INCOMPARABLE = object()


def _typed_scalar(arr: np.ndarray, value: Any) -> Any:
    """``value`` as a scalar numpy compares the way Python compares it with the column's values."""
    kind = arr.dtype.kind
    if kind == "M":
        if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
            return np.datetime64(value, "D")
        return _INCOMPARABLE
    if kind in "biuf":
        if isinstance(value, (bool, int, float)):
            return value
        return _INCOMPARABLE
    if kind == "U" and isinstance(value, str):  # numpy unicode columns compare like Python str
        return value
    return _INCOMPARABLE


def _python_test(op: str, value: Any) -> Callable[[Any], bool]:
    if op in _ORDER:
        fn = _ORDER[op]
        return lambda v: fn(v, value)
    if op == "in":
        options = frozenset(value)
        return lambda v: v in options
    if op == "not_in":
        options = frozenset(value)
        return lambda v: v not in options
    if op == "includes":
        return lambda v: value in v
    if op == "includes_all":
        wanted = frozenset(value)
        return lambda v: wanted.issubset(v)
    if op == "includes_any":
        wanted = frozenset(value)
        return lambda v: not wanted.isdisjoint(v)
    raise AssertionError(op)


def _truth_python(arr: np.ndarray, known: np.ndarray, test: Callable[[Any], bool]) -> np.ndarray:
    out = np.zeros(len(arr), dtype=bool)
    idx = np.flatnonzero(known)
    if len(idx):
        out[idx] = np.fromiter((bool(test(v)) for v in arr[idx].tolist()), dtype=bool, count=len(idx))
    return out


def _truth_object(ctx: _Ctx, fact: str, arr: np.ndarray, known: np.ndarray, op: str, value: Any) -> np.ndarray:
    # A few equality tests on an object column are cheapest as numpy elementwise ==;
    # anything else is decided once per unique value and spread back by code.
    if op in ("eq", "ne") and not isinstance(value, (list, tuple)):
        hit = np.equal(arr, value) if value is not None else np.zeros(len(arr), dtype=bool)
        return hit if op == "eq" else ~hit
    if op in ("in", "not_in") and len(value) <= 3:
        hit = np.zeros(len(arr), dtype=bool)
        for o in dict.fromkeys(value):
            hit |= np.equal(arr, o)
        return hit if op == "in" else ~hit
    test = _python_test(op, value)
    fz = ctx.factorize(fact)
    if fz is None:
        return _truth_python(arr, known, test)
    codes, uniques = fz
    lut = np.fromiter((bool(test(u)) for u in uniques), dtype=bool, count=len(uniques))
    lut = np.append(lut, False)  # code -1 (unknown) -> last slot
    return lut[codes]


# --------------------------------------------------------------------------- compiled rules


@dataclass
class _RuleFn:
    rule: CompiledRule
    roles: tuple[str, ...] | None
    when: Node | None
    ok: Node              # returns (okT, okF)
    on_sat: int           # outcome codes (engine/structures.py): ok true,
    on_breach: int        # applicable and ok false,
    on_unknown: int       # ok or applicability unknown
    trigger: Node | None  # applies only where known true
    exempt: Node | None   # does not apply where known true; unknown → applicability unknown


@functools.lru_cache(maxsize=None)
def _compiled(pack_key: int, kind: str, pack_ref: Any) -> list[_RuleFn]:
    pack: Pack = pack_ref.pack
    out: list[_RuleFn] = []
    for rule in pack.by_kind.get(kind, ()):
        spec = rule.spec
        if spec.require is not None:
            ok = compile_cond(spec.require)
        else:
            bad = compile_cond(spec.forbid)  # type: ignore[arg-type]
            ok = (lambda b: (lambda ctx: b(ctx)[::-1]))(bad)
        on_sat, on_breach, on_unknown = (_CODE[o] for o in rule.outcomes)
        out.append(_RuleFn(rule, tuple(sorted(rule.roles)) if rule.roles is not None else None,
                           compile_cond(spec.when) if spec.when is not None else None, ok, on_sat, on_breach,
                           on_unknown, compile_cond(spec.trigger) if spec.trigger is not None else None,
                           compile_cond(spec.exempt) if spec.exempt is not None else None))
    return out


class _PackRef:
    """Hashable handle on a Pack for the compile cache (Pack itself is an unhashable dataclass)."""

    __slots__ = ("pack",)

    def __init__(self, pack: Pack):
        self.pack = pack

    def __hash__(self) -> int:
        return id(self.pack)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _PackRef) and other.pack is self.pack


def compile_kind(pack: Pack, kind: str) -> list[_RuleFn]:
    """The rules of ``pack`` for ``kind``, compiled once (cached per pack object and kind)."""
    return _compiled(id(pack), kind, _PackRef(pack))


# --------------------------------------------------------------------------- results


@dataclass
class BatchResult:
    """Outcome per rule per row, decision per row. Rows decided ``not_in_force`` have every
    outcome ``not_applicable`` (the scalar path gives them no findings at all)."""

    rules: list[CompiledRule]
    outcomes: np.ndarray              # int8 (len(rules), n), codes into OUTCOME_CODES
    decisions: np.ndarray             # int8 (n,), index into gridlaw.evaluate.DECISIONS
    known: dict[str, np.ndarray] = field(default_factory=dict, repr=False)   # after derived facts / inference
    inference_codes: np.ndarray | None = field(default=None, repr=False)     # int32 (n,), -1 = none
    inference_list: list[Inference] = field(default_factory=list, repr=False)
    in_force: np.ndarray | None = field(default=None, repr=False)           # bool (n,); False = not_in_force

    @property
    def n(self) -> int:
        return len(self.decisions)

    @property
    def rule_ids(self) -> list[str]:
        return [r.id for r in self.rules]

    def decision(self, i: int) -> str:
        return DECISIONS[self.decisions[i]]

    def outcome(self, rule_index: int, i: int) -> str:
        return OUTCOME_CODES[self.outcomes[rule_index, i]]

    def deciding_rules(self, i: int) -> list[str]:
        wanted = _WANTED.get(self.decision(i))
        if wanted is None:
            return []
        return [self.rules[j].id for j in np.flatnonzero(self.outcomes[:, i] == wanted)]

    def missing_facts(self, i: int) -> list[str]:
        """Facts (in rule order, once each) that the row's unknown findings hang on — ``Decision.missing``."""
        seen: dict[str, None] = {}
        for j in np.flatnonzero(self.outcomes[:, i] == UNK):
            for name in self.rules[j].asks:
                k = self.known.get(name)
                if k is None or not k[i]:
                    seen.setdefault(name)
        return list(seen)

    def inferences(self, i: int) -> list[Inference]:
        """The text inference made for row i (as in ``Decision.inferences``; hedged ones included)."""
        if self.inference_codes is None or self.inference_codes[i] < 0:
            return []
        return [self.inference_list[self.inference_codes[i]]]

    def decision_counts(self) -> dict[str, int]:
        counts = np.bincount(self.decisions, minlength=len(DECISIONS))
        return {d: int(c) for d, c in zip(DECISIONS, counts) if c}

    def outcome_counts(self) -> dict[str, dict[str, int]]:
        """rule id -> {outcome: rows} (zero counts left out)."""
        out: dict[str, dict[str, int]] = {}
        for j, rule in enumerate(self.rules):
            counts = np.bincount(self.outcomes[j], minlength=len(OUTCOME_CODES))
            out[rule.id] = {o: int(c) for o, c in zip(OUTCOME_CODES, counts) if c}
        return out


# --------------------------------------------------------------------------- derived facts


def _as_dates(arr: np.ndarray, known: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    if arr.dtype.kind == "M":
        return arr.astype("datetime64[D]", copy=False), known & ~np.isnat(arr)
    out = np.full(len(arr), np.datetime64("NaT"), dtype="datetime64[D]")
    idx = np.flatnonzero(known)
    if len(idx):
        vals = arr[idx]
        try:  # datetime.date / datetime objects: via the ordinal, ~40x faster than numpy's object cast
            days = np.fromiter((v.toordinal() for v in vals.tolist()), dtype=np.int64, count=len(idx)) - _EPOCH_ORDINAL
            out[idx] = days.astype("datetime64[D]")
        except AttributeError:  # ISO strings, numpy datetimes
            out[idx] = vals.astype("datetime64[D]")
    return out, known & ~np.isnat(out)


_EPOCH_ORDINAL = dt.date(1970, 1, 1).toordinal()


def _ymd(d: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    months = d.astype("datetime64[M]")
    y = months.astype("datetime64[Y]").astype(np.int64)
    m = months.astype(np.int64) - y * 12
    day = (d - months).astype(np.int64)
    return y, m, day


def _age(date: np.ndarray, birth: np.ndarray) -> np.ndarray:
    """Completed years at ``date`` (``acts.age_on``), via a day -> (year, month*32+day) table over the range seen."""
    d = date.astype(np.int64)
    b = birth.astype(np.int64)
    lo = min(int(d.min()), int(b.min()))
    hi = max(int(d.max()), int(b.max()))
    if hi - lo > 200_000:  # absurd ranges (typos like year 9999): compute directly
        yd, md, dd = _ymd(date)
        yb, mb, db = _ymd(birth)
        return yd - yb - ((md < mb) | ((md == mb) & (dd < db))).astype(np.int64)
    days = np.arange(lo, hi + 1).astype("datetime64[D]")
    y, m, dd = _ymd(days)
    md = m * 32 + dd
    d -= lo
    b -= lo
    return y[d] - y[b] - (md[d] < md[b]).astype(np.int64)


def _fill(data: dict, known: dict, n: int, name: str, rows: np.ndarray, values: np.ndarray, dtype: Any) -> None:
    """Set ``name`` to ``values`` on the bool mask ``rows`` (only where it was unknown), copy-on-write."""
    old = data.get(name)
    if old is None:
        new = np.zeros(n, dtype=dtype) if dtype is not object else np.full(n, None, dtype=object)
        k = np.zeros(n, dtype=bool)
    else:
        new = old.copy() if old.dtype == dtype or dtype is object else old.astype(np.result_type(old.dtype, dtype))
        k = known[name].copy()
    new[rows] = values
    k |= rows
    data[name], known[name] = new, k


def _derive(cols: Columns, data: dict, known: dict, checklist: Checklist | None) -> tuple[np.ndarray | None, list[Inference]]:
    n = cols.n
    date = data.get("date")
    date_k = None
    if date is not None:
        date, date_k = _as_dates(date, known["date"])
        data["date"], known["date"] = date, date_k
    for who in ("candidate", "worker"):
        age, birth = f"{who}.age", f"{who}.birth_date"
        if birth in data and date is not None:
            b, bk = _as_dates(data[birth], known[birth])
            rows = bk & date_k & ~known.get(age, np.zeros(n, dtype=bool))
            if rows.any():
                _fill(data, known, n, age, rows, _age(date[rows], b[rows]), np.int64)
    cfy, apps = "worker.consecutive_failed_years", "worker.appraisals"
    if apps in data:
        rows = known[apps] & ~known.get(cfy, np.zeros(n, dtype=bool))
        idx = np.flatnonzero(rows)
        if len(idx):
            runs = [_consecutive_failed([_appraisal(a) for a in v]) for v in data[apps][idx].tolist()]
            got = np.fromiter((r is not None for r in runs), dtype=bool, count=len(idx))  # None: a gap leaves it unknown
            rows = np.zeros(n, dtype=bool)
            rows[idx[got]] = True
            vals = np.fromiter((r for r in runs if r is not None), dtype=np.int64, count=int(got.sum()))
            _fill(data, known, n, cfy, rows, vals, np.int64)

    codes: np.ndarray | None = None
    inferences: list[Inference] = []
    handled = np.zeros(n, dtype=bool)
    for prefix in ("task.", "matter."):
        text = prefix + "text"
        if text not in data:
            continue
        rows = known[text] & ~handled          # scalar: task.text wins over matter.text
        handled |= rows
        nature = prefix + "nature"
        todo = rows & ~known.get(nature, np.zeros(n, dtype=bool))
        idx = np.flatnonzero(todo)
        if len(idx):
            if codes is None:
                codes = np.full(n, -1, dtype=np.int32)
            texts = data[text][idx].tolist()
            slot: dict[str, int] = {}
            row_codes = np.empty(len(idx), dtype=np.int32)
            base = len(inferences)
            for j, t in enumerate(texts):  # one reading per distinct text
                s = slot.get(t)
                if s is None:
                    s = slot[t] = base + len(slot)
                row_codes[j] = s
            inferences += infer_many(list(slot), nature)  # all distinct texts of the chunk, read together
            codes[idx] = row_codes
            # per distinct reading, then gathered: the value (None = unclassified) and whether the worker assists
            values = np.array([i.value for i in inferences] + [None], dtype=object)[row_codes]
            use = values != None  # noqa: E711 (element-wise)
            if use.any():
                mask = np.zeros(n, dtype=bool)
                mask[idx[use]] = True
                _fill(data, known, n, nature, mask, values[use], object)
                if prefix == "task.":
                    aid = "task.assists_power_act"
                    assists = np.array([i.assists for i in inferences] + [False], dtype=bool)[row_codes]
                    mask &= ~known.get(aid, np.zeros(n, dtype=bool))
                    if mask.any():
                        _fill(data, known, n, aid, mask, assists[use & mask[idx]], bool)
        if checklist is not None and prefix == "task.":
            on = "task.on_checklist"
            todo = rows & ~known.get(on, np.zeros(n, dtype=bool))
            idx = np.flatnonzero(todo)
            # a checklist published after the act's date still shows the matter listed; checklist_published
            # (below) is then false, so it is never used as a list in force (as evaluate.checklist_facts)
            if len(idx):
                # listed → true, not listed → false, possibly listed → unknown (Checklist.lookup, issue 16 §4)
                cache: dict[str, bool | None] = {}
                got = [cache[t] if t in cache else cache.setdefault(t, checklist.lookup(t).value)
                       for t in data[text][idx].tolist()]
                settled = np.fromiter((g is not None for g in got), dtype=bool, count=len(idx))
                if settled.any():
                    mask = np.zeros(n, dtype=bool)
                    mask[idx[settled]] = True
                    _fill(data, known, n, on, mask, np.array([g for g in got if g is not None], dtype=bool), bool)
            if checklist.published is not None and date is not None:
                pub = "task.checklist_published"
                todo = rows & date_k & ~known.get(pub, np.zeros(n, dtype=bool))
                if todo.any():
                    _fill(data, known, n, pub, todo, np.datetime64(checklist.published, "D") <= date[todo], bool)
    return codes, inferences


def _appraisal(a: Any) -> dict:
    if isinstance(a, dict):
        return a
    if isinstance(a, (tuple, list)):
        return {"year": a[0], "passed": a[1]}
    return {"year": a.year, "passed": a.passed}


# --------------------------------------------------------------------------- evaluate


def evaluate_columns(pack: Pack, kind: str, cols: Columns, checklist: Checklist | None = None) -> BatchResult:
    """Evaluate every row of ``cols`` (acts of ``kind``) under ``pack``: outcome per rule, decision per row."""
    n = cols.n
    data: dict[str, np.ndarray] = {}
    known: dict[str, np.ndarray] = {}
    for name, arr in cols.data.items():
        if len(arr) != n:
            raise ValueError(f"column {name!r} has {len(arr)} rows, expected {n}")
        data[name] = arr
        known[name] = cols.known_mask(name)  # type: ignore[assignment]
    codes, inferences = _derive(cols, data, known, checklist)
    ctx = _Ctx(cols, data, known)

    compiled = compile_kind(pack, kind)
    outcomes = np.zeros((len(compiled), n), dtype=np.int8)
    role_memo: dict[tuple[str, ...], tuple[np.ndarray, np.ndarray]] = {}
    for j, rf in enumerate(compiled):
        # applicability: T = applies, F = does not apply, neither = unknown
        if rf.roles is not None:
            at = role_memo.get(rf.roles)
            if at is None:
                at = role_memo[rf.roles] = _compare(ctx, "role", "in", list(rf.roles))
            a_t, a_f = at
        else:
            a_t, a_f = None, None
        if rf.trigger is not None:
            t_t, _ = rf.trigger(ctx)
            a_f = ~t_t if a_f is None else a_f | ~t_t
            a_t = t_t if a_t is None else a_t & t_t
        if rf.exempt is not None:
            e_t, e_f = rf.exempt(ctx)
            a_f = e_t if a_f is None else a_f | e_t
            a_t = e_f if a_t is None else a_t & e_f
        if rf.when is not None:
            w_t, w_f = rf.when(ctx)
            a_t = w_t if a_t is None else a_t & w_t
            a_f = w_f if a_f is None else a_f | w_f
        if a_f is not None and a_f.all():
            continue  # not_applicable everywhere; the condition need not be computed
        ok_t, ok_f = rf.ok(ctx)
        row = outcomes[j]
        row.fill(rf.on_unknown)
        row[ok_f if a_t is None else ok_f & a_t] = rf.on_breach
        row[ok_t] = rf.on_sat
        if a_f is not None:
            row[a_f] = NA

    if len(compiled):
        decisions = _DECISION_OF_MAX[outcomes.max(axis=0)]
    else:
        decisions = np.full(n, DECISIONS.index("not_addressed"), dtype=np.int8)
    in_force = np.ones(n, dtype=bool)
    if "date" in data:
        early = known["date"] & (data["date"] < np.datetime64(pack.meta.effective, "D"))
        if early.any():
            decisions[early] = _NOT_IN_FORCE
            outcomes[:, early] = NA
            if codes is not None:
                codes[early] = -1
        in_force = ~early
    return BatchResult(list(pack.by_kind.get(kind, ())), outcomes, decisions, known, codes, inferences, in_force)


def rows_of(result: BatchResult, decision: str) -> np.ndarray:
    """Indices of the rows with the given decision."""
    return np.flatnonzero(result.decisions == DECISIONS.index(decision))


def iter_findings(result: BatchResult, i: int, include_not_applicable: bool = False) -> Iterable[tuple[str, str]]:
    """(rule id, outcome) of row i, in rule order."""
    for j, rule in enumerate(result.rules):
        code = result.outcomes[j, i]
        if include_not_applicable or code != NA:
            yield rule.id, OUTCOME_CODES[code]
