"""Birth dates as township sheets give them.

- 出生年月 to the month (1990.05, 1990年5月, 1990-05): the age on the record date is exact
  when the whole month gives one age, and good enough when the two possible ages meet
  every age condition of the packs alike (33 or 34 are both 18 or over); otherwise the
  birth date stays unknown for that row, and the row's note says between which ages it
  hangs and that the day decides.
- No birth date but a 身份证号: the date is read from the number once python-stdnum's
  ``stdnum.cn.ric`` accepts it (length, check digit, date, place code); a number it
  rejects makes the row unauditable, with the reason.
"""
from __future__ import annotations

import datetime as dt
from typing import Any, Callable

import numpy as np

from ..acts import age_on
from ..dates import MonthDate, parse_date

_T = {
    "zh": {"hangs": "出生年月“{written}”只写到月份：{day} 时为 {lo} 或 {hi} 周岁，取决于出生日；"
                    "与年龄有关的条件（如年满十八周岁）待查明，请补充出生日期（居民身份证）",
           "from_id": "出生日期取自身份证号：{birth}",
           "bad_id": "身份证号“{value}”无效：{why}；出生日期无从核实，请核对身份证号或填写出生日期",
           "InvalidLength": "应为 18 位", "InvalidFormat": "前 17 位应为数字",
           "InvalidChecksum": "校验码不符", "InvalidComponent": "出生日期或地区码无效"},
    "en": {"hangs": "birth given to the month ({written}): aged {lo} or {hi} on {day} depending on the day; "
                    "age conditions (e.g. 18 or over) stay unknown: give the full birth date (ID card)",
           "from_id": "birth date read from the ID number: {birth}",
           "bad_id": "ID number {value!r} is not valid: {why}; the birth date cannot be checked: correct the ID "
                     "number or give the birth date",
           "InvalidLength": "it must have 18 characters", "InvalidFormat": "the first 17 must be digits",
           "InvalidChecksum": "the check digit is wrong", "InvalidComponent": "its birth date or place code is invalid"},
}


def age_tests(packs: Any, fact: str) -> list[tuple[str, Any]]:
    """Every comparison the packs make on ``fact`` (an age): [(op, value)], e.g. [("ge", 18)]."""
    out: list[tuple[str, Any]] = []

    def walk(c: Any) -> None:
        if c is None:
            return
        for attr in ("all", "any"):
            for sub in getattr(c, attr, None) or ():
                walk(sub)
        if getattr(c, "not_", None) is not None:
            walk(c.not_)
        if getattr(c, "fact", None) == fact:
            out.append(c.op)
    for pack in packs.values():
        for rule in pack.rules:
            for part in (rule.spec.when, rule.spec.require, rule.spec.forbid):
                walk(part)
    return out


_CMP = {"ge": lambda a, v: a >= v, "gt": lambda a, v: a > v, "le": lambda a, v: a <= v, "lt": lambda a, v: a < v,
        "eq": lambda a, v: a == v, "ne": lambda a, v: a != v, "in": lambda a, v: a in v, "not_in": lambda a, v: a not in v}


def _day_decides(lo: int, hi: int, tests: list[tuple[str, Any]]) -> bool:
    """Whether some age condition of the packs comes out differently at ``lo`` and at ``hi``."""
    return any(op in _CMP and _CMP[op](lo, v) != _CMP[op](hi, v) for op, v in tests)


def settle_birth_dates(who: str, columns: dict[str, Any], data: dict, known: dict, base: np.ndarray,
                       reject: Callable[[np.ndarray, str], None], notes: dict[int, str], lang: str,
                       tests: list[tuple[str, Any]] | None = None) -> None:
    """Adjust ``data``/``known`` of ``{who}birth_date`` in place (see the module doc).

    ``columns``: the raw cells of the birth date and ID number columns (fact -> list), when present."""
    t = _T.get(lang, _T["zh"])
    birth = who + "birth_date"
    m = len(base)
    if birth not in data:
        data[birth] = np.full(m, np.datetime64("NaT"), dtype="datetime64[D]")
        known[birth] = np.zeros(m, dtype=bool)
    day_arr = data.get("date")
    raw_birth = columns.get(birth)
    hanging: set[int] = set()
    if raw_birth is not None:
        for i in _month_candidates(raw_birth):
            cell = _cell(raw_birth, i)
            if not known[birth][i] or not _month_only(cell):
                continue
            first = parse_date(cell)
            day = _day(day_arr, known, i)
            if day is None:
                continue
            lo, hi = age_on(first.last_day(), day), age_on(first, day)
            if lo != hi and (tests is None or _day_decides(lo, hi, tests)):
                known[birth][i] = False
                hanging.add(i)
                notes[int(base[i])] = t["hangs"].format(written=first.written(), day=day.isoformat(), lo=lo, hi=hi)
    raw_id = columns.get(who + "id_number")
    if raw_id is None:
        return
    from stdnum.cn import ric
    from stdnum.exceptions import ValidationError

    for i in np.flatnonzero(~known[birth]).tolist():
        if raw_birth is not None and i not in hanging and str(_cell(raw_birth, i) or "").strip():
            continue      # a birth date was written but is bad: its own reason says so; the ID is not a fallback
        cell = _cell(raw_id, i)
        if cell is None or not str(cell).strip():
            continue
        number = str(cell).strip()
        try:
            got = ric.get_birth_date(ric.validate(number))
        except ValidationError as exc:
            reject(base[i:i + 1], t["bad_id"].format(value=number, why=t.get(type(exc).__name__, str(exc))))
            continue
        data[birth][i] = np.datetime64(got, "D")
        known[birth][i] = True
        notes.setdefault(int(base[i]), t["from_id"].format(birth=got.isoformat()))


_MONTH_RX = r"^\s*\d{4}\s*(?:[-/.]\s*\d{1,2}|年\s*\d{1,2}\s*月份?)\s*$"


def _month_candidates(col: Any) -> list[int]:
    """Rows whose cell may be a year-month: one regex pass over a pyarrow column."""
    if hasattr(col, "to_pylist"):
        import re

        import pyarrow.compute as pc

        enc = pc.dictionary_encode(col)            # per distinct value: a birth column has few
        words = enc.dictionary
        short = np.flatnonzero(pc.less_equal(pc.utf8_length(words), 9).to_numpy(zero_copy_only=False))
        if not len(short):                         # full dates (1990-05-01) are longer: nothing to look at
            return []
        rx = re.compile(_MONTH_RX)
        ok = np.zeros(len(words), dtype=bool)
        for j, w in zip(short.tolist(), words.take(short).to_pylist()):
            ok[j] = bool(w) and bool(rx.match(w))
        if not ok.any():
            return []
        idx = pc.fill_null(enc.indices, len(ok)).to_numpy(zero_copy_only=False)   # null → the False slot
        return np.flatnonzero(np.append(ok, False)[idx]).tolist()
    return [i for i, v in enumerate(col) if isinstance(v, (str, float))]


def _cell(col: Any, i: int) -> Any:
    return col[i].as_py() if hasattr(col, "to_pylist") else col[i]


def _month_only(cell: Any) -> bool:
    try:
        return isinstance(parse_date(cell), MonthDate)
    except ValueError:
        return False


def _day(day_arr: Any, known: dict, i: int) -> dt.date | None:
    if day_arr is None or not known.get("date", np.ones(1, bool))[i]:
        return None
    v = day_arr[i]
    return v.astype("datetime64[D]").astype(dt.date) if hasattr(v, "astype") else v
