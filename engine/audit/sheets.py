"""Old Excel (.xls) and OpenDocument (.ods) sheets, read with python-calamine (a maintained
Rust reader), and the title text above a sheet's header (for the role it names).

Cells come back typed (numbers, dates, strings); merged cells keep their value in the
first cell and leave the rest empty, so a merged title row is one filled cell.
"""
from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any, Callable, Iterator

import numpy as np

from ..errors import InputError, Problem
from .chunks import Chunk
from .sourcefile import CHUNK_ROWS, HEADER_SCAN, Source, cell_str, detect_encoding, header_of


def open_calamine(p: Path, sheet: str | None, score: Callable[[list[str]], int], lang: str) -> Source:
    from python_calamine import CalamineWorkbook

    name = str(p)
    kind = "ODS" if p.suffix.lower() == ".ods" else "XLS"
    if kind == "ODS":                 # an OpenDocument file is a zip too: bounded before inflating
        from ..zipguard import check_zip

        check_zip(p, name, lang)
    try:
        wb = CalamineWorkbook.from_path(name)
    except Exception as exc:  # calamine raises its own error types for damaged files
        raise InputError([Problem(name, f"cannot read as {kind}: {exc}" if lang == "en"
                                  else f"无法作为 {kind} 读取：文件已损坏，或不是该格式；请另存为 XLSX 或 CSV",
                                  en=f"cannot read as {kind}: {exc}")]) from None
    names = wb.sheet_names
    if sheet is None:
        title = names[0]
    elif sheet in names:
        title = sheet
    elif sheet.isdigit() and 1 <= int(sheet) <= len(names):
        title = names[int(sheet) - 1]
    else:
        raise InputError([Problem(name, (f"no sheet {sheet!r}; sheets: " if lang == "en" else f"没有工作表“{sheet}”；现有：")
                                  + "、".join(names))])
    ws = wb.get_sheet_by_name(title)
    rows = ws.to_python(skip_empty_area=False)
    first = ws.start[0] + 1 if ws.start else 1
    head = [(first + i, r) for i, r in enumerate(rows) if any(cell_str(c) for c in r)][:HEADER_SCAN]
    if not head:
        raise InputError([Problem(name, "the sheet is empty" if lang == "en" else f"工作表“{title}”是空的")])
    header, header_row = header_of(head, score)
    sha = hashlib.sha256(p.read_bytes())
    data = rows[header_row - first + 1:]
    src = Source(p, kind.lower(), header, len(data),
                 f"{kind} · sheet {title!r}" if lang == "en" else f"{kind} · 工作表“{title}”",
                 header_line=header_row, _sha=sha)

    def gen() -> Iterator[Chunk]:
        ncol = len(header)
        buf: list[tuple] = []
        lines: list[int] = []
        blank = 0
        for i, row in enumerate(data):
            if not any(cell_str(c) for c in row):
                blank += 1
                continue
            cells = tuple(None if c == "" else c for c in row[:ncol]) + (None,) * max(ncol - len(row), 0)
            buf.append(cells)
            lines.append(header_row + 1 + i)
            if len(buf) >= CHUNK_ROWS:
                yield Chunk(header, np.array(lines, dtype=np.int64), [list(c) for c in zip(*buf)], [], blank, i + 1)
                buf, lines, blank = [], [], 0
        if buf or blank:
            cols = [list(c) for c in zip(*buf)] if buf else [[] for _ in range(ncol)]
            yield Chunk(header, np.array(lines, dtype=np.int64), cols, [], blank, len(data))

    src._iter = gen
    return src


def title_above(source: Source) -> str:
    """The text of the filled rows above the header (a sheet's caption), joined; '' if none."""
    if source.header_line <= 1 or source.format == "jsonl":
        return ""
    p = source.path
    rows: list[list[Any]] = []
    try:
        if source.format == "xlsx":        # streamed: calamine would build every cell of the sheet
            from .xlsxrows import edge_rows

            rows = edge_rows(p, _sheet_title(source), head=source.header_line - 1)
        elif source.format in ("xls", "ods") or p.suffix.lower() in (".xlsx", ".xlsm"):
            from python_calamine import CalamineWorkbook

            ws = CalamineWorkbook.from_path(str(p)).get_sheet_by_name(_sheet_title(source))
            rows = ws.to_python(skip_empty_area=False)[:source.header_line - 1]
        else:
            import csv
            import io


            raw = p.read_bytes()[:1 << 16]
            enc = detect_encoding(raw) or "utf-8"
            text = raw.decode(enc, errors="replace")
            rows = list(csv.reader(io.StringIO(text)))[:source.header_line - 1]
    except Exception:  # a caption is a hint; never fail the audit over it
        return ""
    return " ".join(cell_str(c) for r in rows for c in r if cell_str(c))


def _sheet_title(source: Source) -> str:
    d = source.describe
    for q in ("“", "'"):
        if q in d:
            return d.split(q, 1)[1].rstrip("”'")
    return d
