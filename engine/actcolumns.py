"""Many plain act dicts of one kind → typed columns (``gridlaw.batch.Columns``), validated column by column.

One dict at a time (``api.act_data``), validation is most of the cost of a large batch. Here each field is
checked over all acts at once, by the rules the compiled validator follows (``acts_compiled.FIELDS``, generated
from the act models). A column check only vouches for what it is sure of (exact types, listed codes,
canonical ISO dates); an act it cannot vouch for (written forms such as 盐城 or 2024/5/1, lists of
appraisals, anything odd) goes through ``act_data`` alone. So every act gets exactly the values, or the
errors, that checking it alone gives (tests/test_check_many.py compares both on generated batches).
"""
from __future__ import annotations

import datetime as dt
import functools
import operator
from itertools import repeat
from typing import Any

import numpy as np

from .acts_compiled import FIELDS, MODEL_OF_KIND
from .errors import InputError, Problem


class _Absent:
    """A field left out (not the same as null for fields the model fills in or requires)."""


_ABSENT = _Absent()
_NONE = type(None)
_BOOL_CODE = {True: 1, False: 0, None: 2}    # bool columns in one pass: value and known
_SCALAR = ("bool", "int", "date", "literal", "str")


def act_columns(kind: str, acts: list[Any], alone: dict[int, dict] | None = None) -> tuple[Any, dict[int, list[Problem]]]:
    """(Columns of ``acts``, problems by position). ``acts`` are plain dicts whose kind is ``kind``; a row
    listed in ``alone`` was validated on its own already (its flat facts, as ``facts._flatten`` gives them).
    A row with problems has no values (every fact unknown) and is the caller's to drop."""
    from .batch import Columns, _column

    n = len(acts)
    alone = dict(alone or {})
    slow: set[int] = set()
    cols: dict[str, list] = {}
    kinds: dict[str, str] = {}                     # path → field kind, for the typed arrays
    fast = [i for i in range(n) if i not in alone] if alone else None
    dicts = acts if fast is None else [acts[i] for i in fast]
    parsed: dict[str, np.ndarray] = {}            # date path → the days numpy read while checking them
    _model(MODEL_OF_KIND[kind], dicts, fast, n, "", cols, kinds, slow, parsed)
    if slow:
        from .api import act_data
        from .facts import _flatten

        for i in sorted(slow):
            try:
                flat: dict[str, Any] = {}
                _flatten(act_data(acts[i]), "", flat)
                alone[i] = flat
            except InputError as exc:
                alone[i] = exc        # kept in order with the rest; sorted out below
    problems: dict[int, list[Problem]] = {}
    for i, flat in alone.items():
        for values in cols.values():
            values[i] = None
        if isinstance(flat, InputError):
            problems[i] = list(flat.problems)
            continue
        for path, value in flat.items():
            cols.setdefault(path, [None] * n)[i] = value
    data, known = {}, {}
    for path, values in cols.items():
        k = kinds.get(path)
        if k == "bool":
            codes = np.fromiter(map(_BOOL_CODE.__getitem__, values), dtype=np.int8, count=n)
            data[path], known[path] = codes == 1, codes != 2
        elif k == "date":
            arr = parsed.get(path) if not alone else None
            if arr is None:
                arr = np.array(values, dtype="datetime64[D]")     # None → NaT; ISO strings and dates alike
            data[path], known[path] = arr, ~np.isnat(arr)
        elif k in ("literal", "str"):
            arr = np.empty(n, dtype=object)
            arr[:] = values
            data[path], known[path] = arr, np.fromiter(map(operator.is_not, values, repeat(None)), dtype=bool, count=n)
        else:                                  # ints, lists, and facts only rows validated alone carry
            data[path], known[path] = _column(values)
    return Columns(n, data, known), problems


def _model(model: str, dicts: list, rows: list[int] | None, n: int, prefix: str, cols: dict[str, list],
           kinds: dict[str, str], slow: set[int], parsed: dict[str, np.ndarray]) -> None:
    """Check ``dicts`` (the dicts of ``rows`` at this level; None: rows 0..n-1) against one model's fields,
    filling ``cols``; the rows the check cannot vouch for go to ``slow``."""
    keys, age_of, fields = FIELDS[model]
    at = rows.__getitem__ if rows is not None else int

    def reject(js: list[int]) -> None:
        slow.update(map(at, js))

    names = _present(dicts, keys, fields)
    raw, odd = _extractor(model, names)(dicts, names)
    if odd:                                     # keys the sample did not show: a field, or not one of the model's
        extra = set().union(*(dicts[j] for j in odd)) - names
        if not keys.issuperset(extra):          # an unknown field: the model names it
            reject([j for j in odd if not keys.issuperset(dicts[j])])
        if extra & keys:
            names = names | (extra & keys)
            raw, _ = _extractor(model, names)(dicts, names)
    mine: dict[str, list] = {}
    for name, kind, detail, optional, absent, lo, hi, min_len in fields:
        if name not in names:
            continue                            # in no act (only "pass" fields can be left out everywhere)
        col = raw[name]
        types = set(map(type, col))
        if not (absent == "pass" and optional):
            if _Absent in types:
                if absent == "reject":
                    reject([j for j, v in enumerate(col) if v is _ABSENT])
                    fill = None
                elif absent == "pass":
                    fill = None
                else:                           # a default the model fills in
                    fill = absent[1]
                col = [fill if v is _ABSENT else v for v in col]
                types = set(map(type, col))
            if not optional and _NONE in types:
                reject([j for j, v in enumerate(col) if v is None])
        types.discard(_NONE)
        if kind == "model":
            sub = [j for j, v in enumerate(col) if type(v) is dict]
            if len(sub) < len(col):
                reject([j for j, v in enumerate(col) if v is not None and type(v) is not dict])
            whole = rows is None and len(sub) == n
            _model(detail, col if whole else [col[j] for j in sub], None if whole else [at(j) for j in sub], n,
                   f"{prefix}{name}.", cols, kinds, slow, parsed)
            continue
        if kind == "model_list":
            reject([j for j, v in enumerate(col) if v is not None])      # appraisals: act by act
            continue
        bad, days = _refused(kind, detail, lo, hi, min_len, col, types)
        reject(bad)
        mine[prefix + name] = col
        if days is not None and rows is None:
            parsed[prefix + name] = days
        kinds[prefix + name] = kind
    for path, col in mine.items():
        if rows is None:
            cols[path] = col
            continue
        full = cols.setdefault(path, [None] * n)
        for r, v in zip(rows, col):
            full[r] = v
    if prefix:
        return
    if age_of and age_of + ".age" in cols and age_of + ".birth_date" in cols:
        _check_ages(cols, age_of, slow)
    for who in ("candidate", "worker"):
        _check_person(cols, who, slow, parsed)


_SAMPLE = 256


def _present(dicts: list, keys: frozenset, fields: tuple) -> frozenset:
    """The fields to read: every field whose absence means something (required, defaulted), and the fields
    the first acts hold (the extractor lists the acts that hold others)."""
    names = {f[0] for f in fields if f[4] != "pass"}
    names.update(*dicts[:_SAMPLE])
    return frozenset(names & keys)


@functools.lru_cache(maxsize=64)
def _extractor(model: str, names: frozenset) -> Any:
    """A function reading ``names`` from every dict in one pass (each dict once, while it is in the cache:
    column by column, 200,000 dicts are walked once per field), and listing the dicts with other keys."""
    keys, _, fields = FIELDS[model]
    read = [(f[0], not (f[4] == "pass" and f[3])) for f in fields if f[0] in names]
    src = ["def extract(ds, names):", *[f"    c{i} = []; a{i} = c{i}.append" for i in range(len(read))],
           "    odd = []", "    holds = names.issuperset", "    for j, d in enumerate(ds):", "        g = d.get",
           *[f"        a{i}(g({name!r}{', _ABSENT' if marked else ''}))" for i, (name, marked) in enumerate(read)],
           "        if not holds(d):", "            odd.append(j)",
           "    return {" + ", ".join(f"{name!r}: c{i}" for i, (name, _) in enumerate(read)) + "}, odd"]
    scope = {"_ABSENT": _ABSENT}
    exec(compile("\n".join(src), f"<gridlaw.actcolumns {model}>", "exec"), scope)    # noqa: S102 (field names from the models)
    return scope["extract"]


def _refused_at(kind: str, detail: Any, lo: Any, hi: Any, min_len: int | None, col: list, types: set) -> list[int]:
    """Positions in ``col`` whose (non-null) value the compiled validator would not take as it stands
    (``types``: the types of the non-null values); dates in :func:`_refused`."""
    if kind == "bool":
        return [] if types <= {bool} else [j for j, v in enumerate(col) if v is not None and type(v) is not bool]
    if kind == "int":
        if types <= {int}:
            vals = [v for v in col if v is not None]
            if not vals or ((lo is None or min(vals) >= lo) and (hi is None or max(vals) <= hi)):
                return []
        return [j for j, v in enumerate(col) if v is not None and (type(v) is not int or (lo is not None and v < lo)
                                                                   or (hi is not None and v > hi))]
    if kind == "literal":
        if types <= {str} and (set(col) - {None}) <= detail:
            return []
        return [j for j, v in enumerate(col) if v is not None and (type(v) is not str or v not in detail)]
    if kind == "literal_list":
        return [j for j, v in enumerate(col) if v is not None and (
            type(v) is not list or not all(type(x) is str and x in detail for x in v))]
    if kind == "str":
        if types <= {str}:
            return [j for j, v in enumerate(col) if v is not None and (v.strip() != v or (min_len and len(v) < min_len))]
        return [j for j, v in enumerate(col) if v is not None and (type(v) is not str or v.strip() != v
                                                                   or (min_len and len(v) < min_len))]
    raise ValueError(kind)


def _refused(kind: str, detail: Any, lo: Any, hi: Any, min_len: int | None, col: list, types: set) -> Any:
    """Positions in ``col`` whose (non-null) value the compiled validator would not take as it stands
    (``types``: the types of the non-null values), and a date column's days when numpy parsed them."""
    if kind != "date":
        return _refused_at(kind, detail, lo, hi, min_len, col, types), None
    if types <= {str}:
        try:
            days = np.array(col, dtype="datetime64[D]")        # None → NaT
        except ValueError:
            return [j for j, v in enumerate(col) if v is not None and _day(v) is None], None
        return np.flatnonzero(~_canonical(col, days)).tolist(), days
    return [j for j, v in enumerate(col) if v is not None and _day(v) is None], None   # dates as dates: act by act


def _day(v: Any) -> dt.date | None:
    """The compiled validator's reading of a date value (gridlaw.acts_compiled._day)."""
    from .acts_compiled import _day as day

    return day(v)


_DIGITS = np.array([0, 1, 2, 3, 5, 6, 8, 9])
_YEAR_1, _YEAR_9999 = np.datetime64("0001-01-01", "D"), np.datetime64("9999-12-31", "D")


def _canonical(col: list, days: np.ndarray) -> np.ndarray:
    """Where a column of ISO strings (or None) holds exactly YYYY-MM-DD in ASCII digits, a real date of the
    years 1–9999 (what date.fromisoformat takes after the validator's regex), or None. numpy parsed
    ``days`` from the same strings; it also takes 2024-05, NaT or ' 2024-05-01', which the shape refuses."""
    u = np.array(col, dtype="U11")                # None → 'None'; a longer string keeps 11 characters
    c = u.view(np.uint32).reshape(len(col), 11)
    d = c[:, _DIGITS]
    shaped = (c[:, 10] == 0) & (c[:, 4] == 45) & (c[:, 7] == 45) & ((d >= 48) & (d <= 57)).all(axis=1)
    nat = np.isnat(days)
    return (shaped & ~nat & (days >= _YEAR_1) & (days <= _YEAR_9999)) | (nat & (u == "None"))


def _check_ages(cols: dict[str, list], who: str, slow: set[int]) -> None:
    """The model's validator: a stated age must match the birth date (rare: checked act by act)."""
    ages, births, days = cols[who + ".age"], cols[who + ".birth_date"], cols.get("date")
    for r, (a, b) in enumerate(zip(ages, births)):
        if a is not None and b is not None and r not in slow:
            b, d = _day(b), _day(days[r])
            if b is None or d is None:
                slow.add(r)
                continue
            if d.year - b.year - ((d.month, d.day) < (b.month, b.day)) != a:
                slow.add(r)


def _check_person(cols: dict[str, list], who: str, slow: set[int], parsed: dict[str, np.ndarray]) -> None:
    """What ``api._checked`` checks on every path: ID number, phone, a birth date after the act. A row that
    fails goes to ``act_data`` alone, which names the problem."""
    from .idnumber import BadIdNumber, parse_id_number, phone_ok

    days = cols.get("date")
    births = cols.get(who + ".birth_date")
    if births is not None and days is not None:
        try:
            b = parsed.get(who + ".birth_date")
            b = np.array(births, dtype="datetime64[D]") if b is None else b
            d = parsed.get("date")
            d = np.array(days, dtype="datetime64[D]") if d is None else d
            slow.update(np.flatnonzero(b > d).tolist())          # NaT compares False
        except ValueError:                                       # a date written otherwise: its row is slow
            for r, (x, y) in enumerate(zip(births, days)):
                if x is not None and y is not None and r not in slow:
                    x, y = _day(x), _day(y)
                    if x is None or y is None or x > y:
                        slow.add(r)
    numbers = cols.get(who + ".id_number")
    if numbers is not None:
        for r, v in enumerate(numbers):
            if v is not None and r not in slow:
                try:
                    parse_id_number(v, _day(days[r]) if days is not None else None)
                except (BadIdNumber, ValueError, TypeError):
                    slow.add(r)
    phones = cols.get(who + ".phone")
    if phones is not None:
        for r, v in enumerate(phones):
            if v is not None and not phone_ok(v):
                slow.add(r)
