"""Birth dates and ID numbers as township sheets give them.

- 出生年月 to the month (1990.05, 1990年5月, 1990-05): the age on the record date is exact
  when the whole month gives one age, and good enough when the two possible ages meet
  every age condition of the packs alike (33 or 34 are both 18 or over); otherwise the
  birth date stays unknown for that row, and the row's note says between which ages it
  hangs and that the day decides.
- A number cell 1996.1 (January, or October with its zero lost) is settled from the row's
  身份证号 when the number was born in January or October of that year; else the row is
  refused with advice. 1996.2 … 1996.9 are months as written.
- 身份证号: checked by :mod:`gridlaw.idnumber` (length, digits, birth date, check character;
  an unknown place code is a warning). A bad number makes the row unauditable, with the
  reason (a number Excel cut to …000 included). A good one gives the birth date when none
  is written, and citizenship when the 是否中国公民 column says nothing: a mainland resident
  ID is issued to citizens only.
- A birth date after the record's date is a typo: the row is refused, never judged.
"""
from __future__ import annotations

import datetime as dt
import re
from typing import Any, Callable

import numpy as np

from ..acts import age_on
from ..dates import AmbiguousMonth, MonthDate, parse_date

_T = {
    "zh": {"hangs": "出生年月“{written}”只写到月份：{day} 时为 {lo} 或 {hi} 周岁，取决于出生日；"
                    "与年龄有关的条件（如年满十八周岁）待查明，请补充出生日期（居民身份证）",
           "from_id": "出生日期取自身份证号：{birth}",
           "month_from_id": "出生年月数字单元格 {written} 分不清是 1 月还是 10 月，按身份证号定为 {birth}",
           "month_number": "出生年月数字单元格 {written} 分不清是 1 月还是 10 月{why}；请把该格设为文本，写作 {y}.01 或 {y}.10",
           "month_id_differs": "，身份证号中的出生日期 {birth} 也无从判断",
           "bad_id": "身份证号“{value}”无效：{why}",
           "citizen": "身份证号为大陆居民身份证号码：视为中华人民共和国公民",
           "future": "出生日期 {birth} 晚于审查基准日 {day}，应为笔误；请核对出生日期或身份证号"},
    "en": {"hangs": "birth given to the month ({written}): aged {lo} or {hi} on {day} depending on the day; "
                    "age conditions (e.g. 18 or over) stay unknown: give the full birth date (ID card)",
           "from_id": "birth date read from the ID number: {birth}",
           "month_from_id": "the birth month number {written} (January or October?) settled from the ID number: {birth}",
           "month_number": "the birth month number {written} could be January or October{why}; make the cell text and "
                           "write {y}.01 or {y}.10",
           "month_id_differs": " and the ID number's birth date {birth} does not settle it",
           "bad_id": "ID number {value!r} is not valid: {why}",
           "citizen": "a mainland resident ID number: taken as a PRC citizen",
           "future": "birth date {birth} is after the review date {day}: a typo; check the birth date or ID number"},
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
    """Adjust ``data``/``known`` of ``{who}birth_date`` (and ``{who}citizen``) in place (see the module doc).

    ``columns``: the raw cells of the birth date and ID number columns (fact -> list), when present."""
    from ..idnumber import BadIdNumber, parse_id_number

    t = _T.get(lang, _T["zh"])
    birth = who + "birth_date"
    m = len(base)
    if birth not in data:
        data[birth] = np.full(m, np.datetime64("NaT"), dtype="datetime64[D]")
        known[birth] = np.zeros(m, dtype=bool)
    day_arr = data.get("date")
    raw_birth = columns.get(birth)
    hanging: set[int] = set()
    ambiguous: dict[int, MonthDate] = {}
    if raw_birth is not None:
        for i in _month_candidates(raw_birth):
            cell = _cell(raw_birth, i)
            if not known[birth][i] or not _month_only(cell):
                continue
            first = parse_date(cell)
            if isinstance(first, AmbiguousMonth):
                known[birth][i] = False          # January or October: the ID number may settle it below
                ambiguous[i] = first
                continue
            day = _day(day_arr, known, i)
            if day is None:
                continue
            lo, hi = age_on(first.last_day(), day), age_on(first, day)
            if lo != hi and (tests is None or _day_decides(lo, hi, tests)):
                known[birth][i] = False
                hanging.add(i)
                _note(notes, int(base[i]), t["hangs"].format(written=first.written(), day=day.isoformat(), lo=lo, hi=hi))
    raw_id = columns.get(who + "id_number")
    settled: set[int] = set()
    if raw_id is not None:
        citizen = who + "citizen"
        # the plain numbers (18 ASCII characters, right check character, real birth date, known province) are
        # read by column; every other cell by parse_id_number, which words its reasons and warnings
        fast, births, mainland = _plain_ids(raw_id, day_arr, known.get("date"))
        cit = fast & mainland
        if cit.any():
            if citizen not in known:
                data[citizen] = np.zeros(m, dtype=bool)
                known[citizen] = np.zeros(m, dtype=bool)
            new = cit & ~known[citizen]
            data[citizen][new] = True
            known[citizen][new] = True
        for i in np.flatnonzero(fast & ~known[birth]).tolist():
            _id_gives_birth(i, births[i].astype(dt.date), raw_birth, ambiguous, hanging, settled, data, known, birth,
                            int(base[i]), notes, t)
        rest = np.flatnonzero(~fast)
        if hasattr(raw_id, "to_pylist"):                      # blanks (null) need no look
            rest = rest[np.asarray(raw_id.is_valid(), dtype=bool)[rest]]
            others = raw_id.take(rest).to_pylist() if len(rest) else []
        else:
            others = [raw_id[i] for i in rest.tolist()]
        for i, cell in zip(rest.tolist(), others):
            if cell is None or not str(cell).strip():
                continue
            day = _day(day_arr, known, i)
            try:
                got = parse_id_number(cell, day, lang)
            except BadIdNumber as exc:
                reject(base[i:i + 1], t["bad_id"].format(value=_shown_id(cell), why=exc))
                continue
            row = int(base[i])
            if got.warning:
                _note(notes, row, got.warning)
            if got.shows_citizenship and citizen in known and not known[citizen][i]:
                data[citizen][i] = True
                known[citizen][i] = True
            elif got.shows_citizenship and citizen not in known:
                data[citizen] = np.zeros(m, dtype=bool)
                known[citizen] = np.zeros(m, dtype=bool)
                data[citizen][i] = known[citizen][i] = True
            if not known[birth][i]:
                _id_gives_birth(i, got.birth, raw_birth, ambiguous, hanging, settled, data, known, birth, row, notes, t)
    for i, amb in ambiguous.items():
        if i in settled:
            continue
        id_birth = _id_birth(raw_id, i)
        why = t["month_id_differs"].format(birth=id_birth) if id_birth else ""
        reject(base[i:i + 1], t["month_number"].format(written=amb.written(), why=why, y=amb.year))
    _refuse_future(birth, data, known, base, reject, t)


def _id_gives_birth(i: int, born: dt.date, raw_birth: Any, ambiguous: dict, hanging: set, settled: set, data: dict,
                    known: dict, birth: str, row: int, notes: dict, t: dict) -> None:
    """Row i's birth date is unknown and its ID number is good: the number gives it, unless a birth date
    was written but is bad (its own reason says so) or a month cell 1996.1 is not January/October."""
    if i in ambiguous:
        amb = ambiguous[i]
        if born.year != amb.year or born.month not in (1, 10):
            return                       # refused below, with the ID's date in the reason
        _note(notes, row, t["month_from_id"].format(written=amb.written(), birth=born.isoformat()))
        settled.add(i)
    elif raw_birth is not None and i not in hanging and str(_cell(raw_birth, i) or "").strip():
        return      # a birth date was written but is bad: its own reason says so; the ID is not a fallback
    else:
        notes.setdefault(row, t["from_id"].format(birth=born.isoformat()))
    data[birth][i] = np.datetime64(born, "D")
    known[birth][i] = True


_WEIGHTS = np.array([7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2])
_CHECK = np.frombuffer(b"10X98765432", dtype=np.uint8).astype(np.uint32)


def _eighteen(cells: Any) -> np.ndarray:
    """The cells of exactly 18 characters as an (m, 18) array of code points, zeros elsewhere. A pyarrow
    column is read from its data buffer: a cell of 18 bytes is 18 characters when all are ASCII, and a
    byte past ASCII is no digit, so such a row fails the digit test whatever its length in characters."""
    m = len(cells)
    if hasattr(cells, "to_pylist"):
        import pyarrow as pa
        import pyarrow.compute as pc

        col = cells.combine_chunks() if isinstance(cells, pa.ChunkedArray) else cells
        if pa.types.is_string(col.type) or pa.types.is_large_string(col.type):
            hit = pc.fill_null(pc.equal(pc.binary_length(col), 18), False)
            rows = np.flatnonzero(hit.to_numpy(zero_copy_only=False))
            out = np.zeros((m, 18), dtype=np.uint8)
            if len(rows):
                sub = col.take(pa.array(rows))        # contiguous: 18 bytes a row
                bufs = sub.buffers()
                width = np.int64 if pa.types.is_large_string(sub.type) else np.int32
                start = int(np.frombuffer(bufs[1], dtype=width)[sub.offset])
                out[rows] = np.frombuffer(bufs[2], dtype=np.uint8, count=18 * len(rows), offset=start).reshape(-1, 18)
            return out
        cells = cells.to_pylist()
    u = np.array([c if type(c) is str and len(c) == 18 else "" for c in cells], dtype="U18")
    return u.view(np.uint32).reshape(m, 18)


def _plain_ids(cells: Any, day_arr: Any, date_known: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(plain, birth, mainland) per row: ``plain`` where ``parse_id_number(cell, day)`` takes the cell as it
    stands with no warning (18 ASCII characters, digits and a final digit or X, the right check character, a
    real birth date from 1900 to the row's day, today when the day is unknown, and a mainland or 81-83
    province); ``birth`` the date in the number; ``mainland`` where the number shows citizenship."""
    from ..idnumber import _RESIDENT_PERMIT, MAINLAND

    m = len(cells)
    c = _eighteen(cells)                                   # (m, 18) code points; 0 where not 18 characters
    d = c[:, :17].astype(np.int32) - 48
    last = c[:, 17]
    ok = ((d >= 0) & (d <= 9)).all(axis=1) & (((last >= 48) & (last <= 57)) | (last == 88))
    d = np.where(ok[:, None], d, 0)
    ok &= _CHECK[(d * _WEIGHTS).sum(axis=1) % 11] == last
    year = d[:, 6] * 1000 + d[:, 7] * 100 + d[:, 8] * 10 + d[:, 9]
    month, day = d[:, 10] * 10 + d[:, 11], d[:, 12] * 10 + d[:, 13]
    ok &= (year >= 1900) & (month >= 1) & (month <= 12) & (day >= 1)
    months = ((year - 1970) * 12 + month - 1).astype("datetime64[M]")
    births = months.astype("datetime64[D]") + np.where(ok, day - 1, 0).astype("timedelta64[D]")
    ok &= births.astype("datetime64[M]") == months          # the 31st of a 30-day month rolls over: refused
    on = np.full(m, np.datetime64(dt.date.today(), "D"))
    if day_arr is not None:
        when = np.asarray(day_arr).astype("datetime64[D]")
        has = np.ones(m, dtype=bool) if date_known is None else np.asarray(date_known, dtype=bool)
        on = np.where(has & ~np.isnat(when), when, on)
    ok &= births <= on
    province = d[:, 0] * 10 + d[:, 1]
    mainland = np.isin(province, list(MAINLAND))
    ok &= mainland | np.isin(province, list(_RESIDENT_PERMIT))
    return ok, births, mainland


def _id_birth(raw_id: Any, i: int) -> str | None:
    from ..idnumber import BadIdNumber, parse_id_number

    cell = None if raw_id is None else _cell(raw_id, i)
    if cell is None or not str(cell).strip():
        return None
    try:
        return parse_id_number(cell, dt.date(2100, 12, 31)).birth.isoformat()
    except BadIdNumber:
        return None


def _refuse_future(birth: str, data: dict, known: dict, base: np.ndarray, reject: Callable, t: dict) -> None:
    """A birth date after the record's date is an input error, not a minor's application."""
    day_arr = data.get("date")
    if day_arr is None:
        return
    day_known = known.get("date", np.ones(len(base), dtype=bool))
    later = known[birth] & day_known & (data[birth].astype("datetime64[D]") > day_arr.astype("datetime64[D]"))
    for i in np.flatnonzero(later).tolist():
        known[birth][i] = False
        reject(base[i:i + 1], t["future"].format(birth=_iso(data[birth][i]), day=_iso(day_arr[i])))


def _iso(v: Any) -> str:
    return str(np.datetime64(v, "D"))


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


def _note(notes: dict[int, str], row: int, text: str) -> None:
    """Add to the row's note: a 备注 remark or an ID warning already there stays (it may send the row to review)."""
    notes[row] = f"{notes[row]}；{text}" if notes.get(row) else text


def _shown_id(cell: Any) -> str:
    """The bad ID cell as the reason quotes it. A number cell (3.20902199502281e+17) would show 15 digits of a
    person's ID number, which masking (18-character numbers) does not catch: it is quoted as Excel shows it, short."""
    text = str(cell).strip()
    if isinstance(cell, float) or re.fullmatch(r"\d(?:\.\d+)?[eE]\+?\d+", text):
        try:
            return f"{float(text):.1E}"
        except ValueError:
            pass
    return text

