"""The rows of one .xlsx sheet, streamed, each with the number the sheet gives it.

openpyxl's read-only ``iter_rows`` is not used for the data, for three reasons found with
hostile workbooks (issue 19):

- it stops at the row the sheet's ``<dimension>`` declares, so a workbook whose dimension
  says ``A1:D2`` silently loses every record below row 2; rows are read here to the end of
  the XML, whatever the dimension says;
- it pads every row to the dimension's width (``A1:XFD…`` makes each row 16,384 cells) and
  silently drops a row whose number does not increase; here a row is as wide as the header
  and an out-of-order row is rejected at its number;
- one damaged cell (a shared-string index past the table, ``<v>abc</v>`` in a number cell)
  ends the whole sheet with a traceback; here it costs only its row.

Empty rows are dropped from the XML before it is parsed (``_EmptyRowsDropped``): a sheet
with 1,000,000 styled but empty rows below one record took 84 s in openpyxl's parser and
now takes the time to inflate and scan the XML (a few seconds). A run of empty rows is
replaced by the last of them as ``<row r="N"/>``, so rows without an ``r`` attribute after
it keep their numbers. Rows without ``r`` are never dropped (their number is their position).
"""
from __future__ import annotations

import re
import warnings
from typing import IO, Any, Iterator

# One run of rows that hold no value: self-closing rows, or rows of self-closing / empty cells
# (a cell has a value only through a child: <v>, <is>, <f>). Namespace prefixes are allowed. Only
# rows whose first attribute is r (as Excel and openpyxl write them) are matched: a greedy pattern
# without alternatives inside the tag scans about 70 MB of XML a second, four times the general one.
_EMPTY_RUN = re.compile(
    rb'(?:<(?:\w+:)?row\s+r="(\d+)"[^>]*(?:/>|>(?:<(?:\w+:)?c\b[^>]*/>|<(?:\w+:)?c\b[^>]*>\s*</(?:\w+:)?c>|\s)*'
    rb'</(?:\w+:)?row>)\s*)+')
_ROW_START = re.compile(rb"<(?:\w+:)?row\b")
_HOLD = 4 << 20            # a row longer than this is passed on unfiltered (filtering is only a speed-up)


class _EmptyRowsDropped:
    """A file-like view of a sheet's XML without its runs of empty rows (see the module's doc)."""

    def __init__(self, raw: IO[bytes]) -> None:
        self.raw = raw
        self.buf = b""             # read, not yet filtered (the last row may be incomplete)
        self.out = b""             # filtered, handed out from self.pos on
        self.pos = 0
        self.eof = False

    def _fill(self) -> bytes:
        """The next piece of filtered XML (b"" at the end)."""
        while not self.eof:
            data = self.raw.read(1 << 20)
            if not data:
                self.eof = True
                rest, self.buf = self.buf, b""
                return rest
            self.buf += data
            # cut before the last row's start: every row before it is complete
            cut = self.buf.rfind(b"<row")
            if cut < 0:
                last = None
                for last in _ROW_START.finditer(self.buf, max(0, len(self.buf) - len(data) - 64)):
                    pass
                cut = last.start() if last else -1
            if cut <= 0:
                if len(self.buf) > _HOLD:
                    rest, self.buf = self.buf, b""
                    return rest
                continue
            body, self.buf = self.buf[:cut], self.buf[cut:]
            out = _EMPTY_RUN.sub(lambda m: b'<row r="' + m.group(1) + b'"/>', body)
            if out:
                return out
        return b""

    def read(self, n: int = -1) -> bytes:
        if self.pos >= len(self.out):
            self.out, self.pos = self._fill(), 0
        if n < 0:
            parts = [self.out[self.pos:]]
            while piece := self._fill():
                parts.append(piece)
            self.out, self.pos = b"", 0
            return b"".join(parts)
        data = self.out[self.pos:self.pos + n]
        self.pos += len(data)
        return data

    def close(self) -> None:
        self.raw.close()


class BadCell:
    """A cell openpyxl could not read; the row holding it is rejected at its number."""

    def __init__(self, ref: str, detail: str) -> None:
        self.ref, self.detail = ref, detail


def _parser_class() -> Any:
    from openpyxl.utils.cell import coordinate_to_tuple, get_column_letter
    from openpyxl.worksheet._reader import WorkSheetParser

    class Parser(WorkSheetParser):
        def parse_cell(self, element: Any) -> dict:
            try:
                return super().parse_cell(element)
            except Exception as exc:  # noqa: BLE001 — any damage in one cell costs only its row
                ref = element.get("r")
                try:
                    self.col_counter = coordinate_to_tuple(ref)[1]
                except Exception:  # noqa: BLE001 — no usable reference: the cell after the last one
                    self.col_counter += 1
                    ref = f"{get_column_letter(min(max(self.col_counter, 1), 16384))}{self.row_counter}"
                return {"row": self.row_counter, "column": self.col_counter, "value": BadCell(ref, str(exc)),
                        "data_type": "e", "style_id": 0}

        def parse_row(self, row: Any) -> tuple[int, list]:
            try:
                return super().parse_row(row)
            except ValueError:                  # r="x": the row cannot be placed; it follows the last one
                r = row.attrib.pop("r", "")
                number, cells = super().parse_row(row)
                return number, [*cells, {"row": number, "column": 0, "value": BadCell(f"r={r!r}", "row number"),
                                         "data_type": "e", "style_id": 0}]

    return Parser


def sheet_rows(wb: Any, ws: Any) -> Iterator[tuple[int, list[tuple[int, Any]]]]:
    """(row number, [(column, value), …]) for every row element of the sheet, in file order, empty
    rows dropped early. ``XmlDamaged`` ends it when the XML itself is broken."""
    from xml.etree.ElementTree import ParseError

    parser = _parser_class()(_EmptyRowsDropped(ws._get_source()), ws._shared_strings, data_only=True,
                             epoch=wb.epoch, date_formats=wb._date_formats,
                             timedelta_formats=wb._timedelta_formats)
    last = 0
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")           # openpyxl warns in English about odd dates; the row says it
            for number, cells in parser.parse():
                last = number
                yield number, [(c["column"], c["value"]) for c in cells]
    except ParseError as exc:
        raise XmlDamaged(last, str(exc)) from None
    finally:
        parser.source.close()


class XmlDamaged(Exception):
    """The sheet's XML is not well-formed after row ``after``; nothing past that point can be read."""

    def __init__(self, after: int, detail: str) -> None:
        super().__init__(after, detail)
        self.after, self.detail = after, detail


def load_workbook(path: Any) -> Any:
    """openpyxl's read-only workbook, with the sheet size read from the XML's head only.

    openpyxl looks for ``<dimension>`` with end events, so for a sheet without one it parses the
    whole sheet (8 s for a million empty rows) just to open the workbook, and a sheet whose XML
    breaks anywhere cannot be opened at all. Here the scan stops at the start of ``<sheetData>``."""
    import openpyxl
    from openpyxl.worksheet._read_only import ReadOnlyWorksheet

    if ReadOnlyWorksheet._get_size is not _size_from_head:
        ReadOnlyWorksheet._get_size = _size_from_head
    return openpyxl.load_workbook(path, read_only=True, data_only=True)


def _size_from_head(self: Any) -> None:
    from xml.etree.ElementTree import ParseError, iterparse

    from openpyxl.worksheet.dimensions import SheetDimension
    from openpyxl.xml.constants import SHEET_MAIN_NS

    src = self._get_source()
    try:
        for _, el in iterparse(src, events=("start",)):
            if el.tag == f"{{{SHEET_MAIN_NS}}}dimension":
                dims = SheetDimension(ref=el.get("ref")).boundaries if el.get("ref") else None
                if dims is not None:
                    self._min_column, self._min_row, self._max_column, self._max_row = dims
                break
            if el.tag == f"{{{SHEET_MAIN_NS}}}sheetData":
                break
    except (ParseError, ValueError, TypeError):
        pass                          # no size: only the progress display needs it
    finally:
        src.close()
