"""Dates as people write them: 2024-05-01, 2024/5/1, 2024年5月1日, 20240501, an Excel
serial number, and (for birth dates) the month only: 1990.05, 1990年5月, 1990-05.
Used by ``check`` (act dates) and ``audit`` (cells); no numpy, so ``check`` stays light."""
from __future__ import annotations

import datetime as dt
import re
from typing import Any, Callable

DATE_MSG = {
    "zh": {"date": "无法识别的日期（可写作 2021-10-01、2021/10/1、2021年10月1日）",
           "date_range": "日期超出 1900—2100 年",
           "month_number": "数字单元格 {value} 分不清是 1 月还是 10 月；请把该格设为文本，写作 {y}.01 或 {y}.10"},
    "en": {"date": "not a date (write 2021-10-01, 2021/10/1 or 2021年10月1日)",
           "date_range": "date outside 1900–2100",
           "month_number": "the number {value} could be January or October; make the cell text and write {y}.01 or {y}.10"},
}
EXCEL_EPOCH = dt.date(1899, 12, 30)


class BadValue(ValueError):
    pass


class MonthDate(dt.date):
    """A date written to the month only (出生年月 1990.05, 1990年5月, 1990-05), held as the
    month's first day; :mod:`gridlaw.audit.birth` decides per row whether the age it gives
    is exact or hangs on the day."""

    month_only = True

    def last_day(self) -> dt.date:
        nxt = dt.date(self.year + self.month // 12, self.month % 12 + 1, 1)
        return nxt - dt.timedelta(days=1)

    def written(self) -> str:
        return f"{self.year}年{self.month}月"


class AmbiguousMonth(MonthDate):
    """A number cell 1990.1: January, or October with its trailing zero lost. Never used as a date:
    the birth-date step settles it from the row's ID number or refuses the row."""

    def written(self) -> str:
        return f"{self.year}.1"


_DATE_PATTERNS = (
    re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[ T].*)?$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
)
_MONTH_PATTERN = re.compile(r"^(\d{4})\s*(?:[-/.]\s*(\d{1,2})|年\s*(\d{1,2})\s*月份?)$")   # 1990.05 / 1990-05 / 1990年5月


def parse_date(raw: Any, msg: dict[str, str] = DATE_MSG["zh"], is_unknown: Callable[[Any], bool] = lambda v: False
               ) -> dt.date | None:
    if isinstance(raw, dt.datetime):
        return raw.date()
    if isinstance(raw, dt.date):
        return raw
    if isinstance(raw, float) and 1900 < raw < 2101 and not raw.is_integer():
        # a number cell typed 1990.05 or 1996.2 (February: no month is 20); 1990.1 lost its
        # trailing zero (January or October?): gridlaw.audit.birth settles it from the ID number
        # on the row, or refuses it
        text = repr(raw)
        if text.split(".")[1] == "1":
            return AmbiguousMonth(int(raw), 1, 1)
        return _month(text, msg)
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        return _serial(raw, msg)
    text = str(raw).strip()
    if not text:
        return None
    if _MONTH_PATTERN.match(text):
        return _month(text, msg)
    for pat in _DATE_PATTERNS:
        m = pat.match(text)
        if m:
            try:
                day = dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
            except ValueError:
                raise BadValue(msg["date"]) from None
            if not 1900 <= day.year <= 2100:
                raise BadValue(msg["date_range"])
            return day
    if re.fullmatch(r"\d{5}(\.0+)?", text):
        return _serial(float(text), msg)
    if is_unknown(text):
        return None
    raise BadValue(msg["date"])


def _month(text: str, msg: dict[str, str]) -> MonthDate:
    m = _MONTH_PATTERN.match(text)
    if m is None:
        raise BadValue(msg["date"])
    year, month = int(m.group(1)), int(m.group(2) or m.group(3))
    if not 1 <= month <= 12:
        raise BadValue(msg["date"])
    if not 1900 <= year <= 2100:
        raise BadValue(msg["date_range"])
    return MonthDate(year, month, 1)


def _serial(value: float, msg: dict[str, str]) -> dt.date:
    """An Excel serial date (1900 system): 44470 = 2021-10-01."""
    if 19000101 <= value <= 21001231 and float(value).is_integer():
        text = str(int(value))
        try:
            return dt.date(int(text[:4]), int(text[4:6]), int(text[6:]))
        except ValueError:
            raise BadValue(msg["date"]) from None
    if not 10000 <= value < 100000:
        raise BadValue(msg["date"])
    return EXCEL_EPOCH + dt.timedelta(days=int(value))
