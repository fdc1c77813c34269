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

Everything above the condition compiler is the compiled program's (engine/program.py), shared with
the scalar executor: which rule versions are in force on each row's date, which findings count
(displacement), which pairs conflict, and the folds of engine/verdicts.py (outcome codes ordered so
that every verdict is a maximum). Derived facts (ages, the appraisal run, the reading of task texts,
checklist lookups) come from engine/derive.py, the same functions the scalar path applies per act.

Rows whose ``date`` is unknown (the scalar path never sees them: ``date`` is
required by every act model) are evaluated under the latest version of every layer, without derived ages.
"""
from __future__ import annotations

import datetime as dt
import functools
import operator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable, Iterable

import numpy as np

from .derive import derive_columns
from .evaluate import Answer, answer, conflicts_of
from .layers import Conflict
from .loader import CompiledRule, Pack
from .conditions import KnownTrue
from .structures import applicability, requirement
from .packspec import All, Any_, Condition, Not
from .program import Program, compile_stack
from .verdicts import (CODE as _CODE, DECIDED_BY, DECISION_INDEX, DECISIONS, NA, OUTCOME_CODES, REV, SAT,  # noqa: F401
                       UNK, VIO, overall_codes_array, question_codes_array, verdict_of)

if TYPE_CHECKING:
    from .lexicon import Inference

__all__ = ["Columns", "BatchResult", "OUTCOME_CODES", "columns_from_facts", "evaluate_columns", "compile_kind"]

_DECISION_OF_CODE = np.array(DECISION_INDEX, dtype=np.int8)   # [code + 1] -> index into DECISIONS
_WANTED = {d: _CODE[o] for d, o in DECIDED_BY.items()}


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


def compile_cond(cond: Condition | KnownTrue) -> Node:
    """A condition as a function ctx -> (T, F) bool arrays."""
    if isinstance(cond, KnownTrue):
        known_true = compile_cond(cond.cond)

        def is_true(ctx: _Ctx) -> tuple[np.ndarray, np.ndarray]:
            t, _ = known_true(ctx)
            return t, ~t
        return is_true
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
    applies: Node | None  # structures.applicability: T applies, F does not, neither unknown (None: always)
    ok: Node              # structures.requirement: returns (okT, okF)
    on_sat: int           # outcome codes (engine/structures.py): ok true,
    on_breach: int        # applicable and ok false,
    on_unknown: int       # ok or applicability unknown


def _compile_rule(rule: CompiledRule) -> _RuleFn:
    applies = applicability(rule.spec)
    on_sat, on_breach, on_unknown = (_CODE[o] for o in rule.outcomes)
    return _RuleFn(rule, compile_cond(applies) if applies is not None else None, compile_cond(requirement(rule.spec)),
                   on_sat, on_breach, on_unknown)


def compile_kind(program: Program | Pack, kind: str) -> list[_RuleFn]:
    """The rules of the program's ``kind``, compiled once into column functions (kept on the program)."""
    if not isinstance(program, Program):
        program = compile_stack(program, with_national=False)
    cache = program.__dict__.setdefault("_columnar", {})
    fns = cache.get(kind)
    if fns is None:
        kp = program.kinds.get(kind)
        fns = cache[kind] = [_compile_rule(e.rule) for e in kp.entries] if kp else []
    return fns


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
    program: Program | None = field(default=None, repr=False)
    kind: str | None = None
    slots_on: np.ndarray | None = field(default=None, repr=False)     # bool (instruments, n): in force on the row's date
    conflict_masks: list[tuple[Conflict, np.ndarray]] = field(default_factory=list, repr=False)
    dates: np.ndarray | None = field(default=None, repr=False)        # datetime64[D] (n,), NaT = unknown

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

    def conflicts(self, i: int) -> list[Conflict]:
        """The conflicts of norms on row i (``Decision.conflicts``)."""
        return [c for c, mask in self.conflict_masks if mask[i]]

    def _day(self, i: int) -> dt.date | None:
        if self.dates is None or np.isnat(self.dates[i]):
            return None
        return self.dates[i].astype(dt.date)

    def questions(self, i: int) -> list[Answer]:
        """The verdict on each question row i raises, layer by layer (``Decision.questions``)."""
        if self.program is None or self.kind is None:
            return []
        day = self._day(i)
        slots = tuple(bool(x) for x in self.slots_on[:, i]) if self.slots_on is not None else ()
        codes = {j: int(c) for j, c in enumerate(self.outcomes[:, i].tolist())}
        return answer(self.program, self.kind, day or self.program.top.latest.meta.effective, slots, codes,
                      self.conflicts(i))[1]

    def layers(self, i: int) -> list[dict]:
        """Every layer of the stack on row i's date, in force or not (``Decision.layers``)."""
        if self.program is None:
            return []
        day = self._day(i)
        return self.program.layers_on(day or self.program.top.latest.meta.effective)

    def question_verdicts(self) -> dict[str, np.ndarray]:
        """question -> int8 (n,) code per row (-1 not_in_force; else an outcome code: verdicts.verdict_of)."""
        kp = self.program.kinds.get(self.kind) if self.program is not None and self.kind else None
        if kp is None:
            return {}
        out: dict[str, np.ndarray] = {}
        for q in kp.questions:
            in_force_max = np.zeros(self.n, dtype=np.int8)
            out_of_force = np.zeros(self.n, dtype=bool)
            for s in kp.slots_of[q]:
                rows = [j for j in kp.index_of[q] if kp.entries[j].part.slot == s]
                m = self.outcomes[rows].max(axis=0) if rows else np.zeros(self.n, dtype=np.int8)
                on = self.slots_on[s]
                np.maximum(in_force_max, np.where(on, m, NA).astype(np.int8), out=in_force_max)
                out_of_force |= ~on
            code = question_codes_array(in_force_max, out_of_force)
            for c, mask in self.conflict_masks:   # a displacing text that lets through what the higher forbade
                if c.kind == "displaces" and any(kp.entries[j].rule.id == c.lower for j in kp.index_of[q]):
                    code[mask & (code >= NA) & (code <= SAT)] = REV
            out[q] = code
        return out

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


# --------------------------------------------------------------------------- evaluate


def evaluate_columns(program: Program | Pack, kind: str, cols: Columns, checklist: Any = None) -> BatchResult:
    """Evaluate every row of ``cols`` (acts of ``kind``) under a compiled program (or one pack alone):
    outcome per rule per row, decision per row."""
    if not isinstance(program, Program):
        program = compile_stack(program, with_national=False)
    n = cols.n
    data: dict[str, np.ndarray] = {}
    known: dict[str, np.ndarray] = {}
    for name, arr in cols.data.items():
        if len(arr) != n:
            raise ValueError(f"column {name!r} has {len(arr)} rows, expected {n}")
        data[name] = arr
        known[name] = cols.known_mask(name)  # type: ignore[assignment]
    codes, inferences = derive_columns(n, data, known, checklist)
    ctx = _Ctx(cols, data, known)

    kp = program.kinds.get(kind)
    entries = kp.entries if kp else []
    # each version in force on the row's date (an unknown date: the latest version of every layer)
    date, date_k = (data["date"], known["date"]) if "date" in data else (None, None)
    part_on: dict[int, np.ndarray] = {}
    for part in program.parts:
        if date is None:
            on = np.full(n, part.end is None)
        else:
            on = date_k & (date >= np.datetime64(part.start, "D"))
            if part.end is not None:
                on &= date < np.datetime64(part.end, "D")
            on |= ~date_k & (part.end is None)
        part_on[id(part)] = on
    slots_on = np.zeros((len(program.instruments), n), dtype=bool)
    for part in program.parts:
        slots_on[part.slot] |= part_on[id(part)]

    compiled = compile_kind(program, kind)
    outcomes = np.zeros((len(compiled), n), dtype=np.int8)
    for j, rf in enumerate(compiled):
        live = part_on[id(entries[j].part)]
        if not live.any():
            continue  # the version is not in force on any row's date: not_applicable everywhere
        a_t, a_f = rf.applies(ctx) if rf.applies is not None else (None, None)
        if a_f is not None and a_f.all():
            continue  # not_applicable everywhere; the condition need not be computed
        ok_t, ok_f = rf.ok(ctx)
        row = outcomes[j]
        row.fill(rf.on_unknown)
        row[ok_f if a_t is None else ok_f & a_t] = rf.on_breach
        row[ok_t] = rf.on_sat
        if a_f is not None:
            row[a_f] = NA
        if not live.all():
            row[~live] = NA

    # conflicts from the raw outcomes, then displaced findings out of the count
    conflict_masks: list[tuple[Conflict, np.ndarray]] = []
    for link in kp.links if kp else ():
        lo, hi = entries[link.lower], entries[link.higher]
        lower = outcomes[link.lower]
        mask = part_on[id(lo.part)] & part_on[id(hi.part)] & (outcomes[link.higher] == VIO) & (
            (lower != VIO) if link.kind == "displaces" else (lower == SAT))
        if mask.any():
            conflict_masks.append((Conflict(link.kind, lo.rule.id, hi.rule.id, lo.part.layer, hi.part.layer), mask))
    for j, e in enumerate(entries):
        for d in e.displacers:
            outcomes[j][part_on[id(entries[d].part)]] = NA

    counted_max = outcomes.max(axis=0) if len(compiled) else np.zeros(n, dtype=np.int8)
    ruled = {e.part.slot for e in entries}
    out_of_force = np.zeros(n, dtype=bool)
    for s in ruled:
        out_of_force |= ~slots_on[s]
    bumped = None
    for c, mask in conflict_masks:
        if c.kind == "displaces":
            bumped = mask if bumped is None else bumped | mask
    code = overall_codes_array(counted_max, out_of_force, bumped)
    decisions = _DECISION_OF_CODE[code + 1]
    if codes is not None:   # nothing is read for a row under no law in force (as the scalar path)
        nothing = np.ones(n, dtype=bool)
        for e in entries:
            nothing &= ~part_on[id(e.part)]
        codes[nothing] = -1
    return BatchResult([e.rule for e in entries], outcomes, decisions, known, codes, inferences,
                       decisions != DECISIONS.index("not_in_force"), program, kind, slots_on, conflict_masks,
                       date)


def rows_of(result: BatchResult, decision: str) -> np.ndarray:
    """Indices of the rows with the given decision."""
    return np.flatnonzero(result.decisions == DECISIONS.index(decision))


def iter_findings(result: BatchResult, i: int, include_not_applicable: bool = False) -> Iterable[tuple[str, str]]:
    """(rule id, outcome) of row i, in rule order."""
    for j, rule in enumerate(result.rules):
        code = result.outcomes[j, i]
        if include_not_applicable or code != NA:
            yield rule.id, OUTCOME_CODES[code]
