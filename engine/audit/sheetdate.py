"""The sheet's own 填报日期, for rows without a date of their own.

A clerk writes it in the caption (…登记表（填报日期：2024年5月10日）), on a signature line under the last
record (填报人：王会计  审核人：李主任  填报日期：2024年7月3日) or in a 注 line. Only lines that are not records
(``sheetrows.classify``) are read below the table, so a record's own cells never set the sheet's date.
A 填报日期 *column* is each row's own date (headers.yaml maps it to ``date``), not read here.
"""
from __future__ import annotations

import datetime as dt
import re
from typing import Any

from .sourcefile import Source, cell_str, detect_encoding

SHEET_DATE = re.compile(r"(?:填报|填表|制表|报送|统计|截止)(?:日期|时间)\s*(?:[:：]|为)?\s*"
                        r"(\d{4}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}\s*日?)")
_TAIL_ROWS = 30                      # footer lines sit within the last rows of a sheet
_TAIL_BYTES = 1 << 16
_MAX_SHEET_BYTES = 32 << 20          # a spreadsheet is opened a second time only when small enough


def sheet_date(source: Source) -> tuple[dt.date, str] | None:
    """(填报日期, where it was written: 表头 or 表尾) from the caption, else the footer lines; None if neither."""
    from .sheets import title_above

    if source.format in ("jsonl", "parquet"):
        return None
    try:
        caption = title_above(source)
    except Exception:       # a caption is a hint; never fail the audit over it
        caption = ""
    day = _date_in(caption)
    if day is not None:
        return day, "表头"
    try:
        rows = _tail_rows(source)
    except Exception:       # likewise a footer
        return None
    from ..sheetrows import classify

    for cells in reversed(rows):
        texts = [cell_str(c) for c in cells]
        if classify(texts) is None:
            continue
        day = _date_in(" ".join(t for t in texts if t))
        if day is not None:
            return day, "表尾"
    return None


def _date_in(text: str) -> dt.date | None:
    from ..dates import BadValue, parse_date

    m = SHEET_DATE.search(text or "")
    if not m:
        return None
    try:
        day = parse_date(m.group(1))
    except BadValue:
        return None
    return day if isinstance(day, dt.date) else None


def _tail_rows(source: Source) -> list[list[Any]]:
    p = source.path
    if not p.is_file() or p.stat().st_size > _MAX_SHEET_BYTES and source.format != "csv":
        return []
    if source.format in ("xls", "ods") or p.suffix.lower() in (".xlsx", ".xlsm"):
        from python_calamine import CalamineWorkbook

        from .sheets import _sheet_title

        ws = CalamineWorkbook.from_path(str(p)).get_sheet_by_name(_sheet_title(source))
        return ws.to_python(skip_empty_area=False)[-_TAIL_ROWS:]
    import csv
    import io

    with open(p, "rb") as f:
        size = f.seek(0, 2)
        f.seek(max(0, size - _TAIL_BYTES))
        raw = f.read()
    if size > _TAIL_BYTES:
        raw = raw.split(b"\n", 1)[-1]           # the first line may be cut
    enc = detect_encoding(raw) or "gb18030"
    text = raw.decode(enc, errors="replace")
    return list(csv.reader(io.StringIO(text)))[-_TAIL_ROWS:]
