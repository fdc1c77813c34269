"""CSV records that cannot be lost or merged silently.

The tokenizer follows RFC 4180 as Excel reads it: a quote is special only at the
start of a field (``张"三`` is text); inside a quoted field ``""`` is a quote and
the field ends at a quote followed by the delimiter or the end of the line. It
walks the file line by line, carrying an open quoted field across blocks, and:

- a quoted field that never closes (end of file, or past 1 MiB), that closes on
  garbage (``"张"三"``), or that spans lines and closes into a record of the
  wrong width (an unclosed ``"张三`` swallowing the rows below it) is one
  rejected record at the row where it began; reading resumes at the next line;
- a cell longer than Excel's 32,767 characters is a rejected record;
- a line that does not decode is a rejected record;
- a row's number is the one Excel shows: one per record, whatever line breaks
  its cells hold.

Every physical line is accounted for exactly once (``Tally``), and the audit
checks that against a count of line breaks made independently from the bytes.
"""
from __future__ import annotations

import csv
from dataclasses import dataclass, field

MAX_CELL = 32_767          # Excel's limit on the characters of one cell
MAX_OPEN = 1 << 20         # characters an open quoted field may gather before it counts as never closed
MAX_LINE = 32 << 20        # bytes of one line: a longer one is passed over (the reader hands on LONG_LINE + its size)
LONG_LINE = b"\x00gridlaw-long-line:"
_BAD = ("\udc80", "\udcff")

_LONG = LONG_LINE.decode()
csv.field_size_limit(1 << 30)   # sizes are checked here, per cell, with the row named

_T = {
    "zh": {"unclosed": "引号未闭合（本行的引号直到下一条记录或文件末尾都没有闭合）；本行未读取，已从下一行继续读取",
           "garbage": "引号闭合后紧跟其他字符（{text}）；本行未读取",
           "long": "第 {col} 列过长（{n:,} 个字符，超过 Excel 单元格上限 32,767）",
           "fields": "有 {got} 列，表头有 {want} 列",
           "decode": "无法按 {enc} 解码", "cr": "行内有单独的回车符（CR），无法确定行界",
           "nul": "含有空字符（NUL，二进制数据）；本行未读取",
           "line": "这一行有 {n:,} 字节，超过每行 32 MB 的上限（没有换行？）；本行未读取，已从下一行继续读取"},
    "en": {"unclosed": "a quote opened on this row is never closed before the next record; row not read, reading resumed at the next line",
           "garbage": "text follows a closing quote ({text}); row not read",
           "long": "column {col} is too long ({n:,} characters, over Excel's cell limit of 32,767)",
           "fields": "has {got} fields, the header has {want}",
           "decode": "cannot be decoded as {enc}", "cr": "a bare carriage return (CR) inside the row",
           "nul": "holds a NUL character (binary data); row not read",
           "line": "this line has {n:,} bytes, over the limit of 32 MB per line (no line breaks?); row not read, reading resumed at the next line"},
}


@dataclass
class Tally:
    """Lines and records seen: physical lines are counted twice, independently."""
    lines_in_bytes: int = 0       # line breaks counted on the raw bytes (+1 for a last unterminated line)
    lines_in_records: int = 0     # lines consumed by records, blank rows and the header
    records: int = 0              # records (rows as Excel numbers them), blank ones included

    def balanced(self) -> bool:
        return self.lines_in_bytes == self.lines_in_records


@dataclass
class Records:
    """The records of one block: good rows, rejected rows (row, reason, cells as far as read), blank count."""
    rows: list[list[str]] = field(default_factory=list)
    numbers: list[int] = field(default_factory=list)
    bad: list[tuple[int, str, list[str]]] = field(default_factory=list)
    blank: int = 0


def _scan(s: str, d: str, quoted: bool) -> tuple[str, int]:
    """Where line ``s`` leaves the record: ("end", 0), ("open", 0) inside a quoted field, or
    ("garbage", i) for text after a closing quote at i."""
    i, n = 0, len(s)
    while True:
        if quoted:
            j = s.find('"', i)
            while j >= 0 and j + 1 < n and s[j + 1] == '"':
                j = s.find('"', j + 2)
            if j < 0:
                return "open", 0
            if j + 1 == n:
                return "end", 0
            if s[j + 1] != d:
                return "garbage", j
            i, quoted = j + 2, False
        if i < n and s[i] == '"':
            quoted, i = True, i + 1
            continue
        k = s.find(d, i)
        if k < 0:
            return "end", 0
        i = k + 1


class Tokenizer:
    """Turns decoded lines (without their line breaks) into records, block after block."""

    def __init__(self, delim: str, ncol: int, first_row: int, tally: Tally, lang: str = "zh", enc: str = "UTF-8"):
        self.d = delim
        self.ncol = ncol
        self.row = first_row
        self.tally = tally
        self.t = _T.get(lang, _T["zh"])
        self.enc = enc
        self.pending: list[str] = []     # lines of a record still inside a quoted field
        self.pending_chars = 0

    def feed(self, lines: list[str], final: bool = False) -> Records:
        out = Records()
        todo = lines[::-1]                       # a stack: lines to read, the next one last
        while True:
            self._run(todo, out)
            if not (final and self.pending):
                return out
            # end of file inside a quoted field: the opening line is the bad record; re-read the rest
            todo = self._reject_open(out)[::-1]

    def _run(self, todo: list[str], out: Records) -> None:
        d = self.d
        while todo:
            line = todo.pop()
            # a CR before the line break ends the line (CRLF) unless it sits inside a quoted cell
            s = line[:-1] if line.endswith("\r") else line
            if not self.pending:
                if '"' not in s:
                    self._record(out, s, 1)
                    continue
                state, at = _scan(s, d, False)
                if state == "garbage":
                    self._reject(out, self.t["garbage"].format(text=s[at:at + 12]), s, 1)
                    continue
                if state == "end":
                    self._record(out, s, 1)
                    continue
                self.pending, self.pending_chars = [line], len(line)
                continue
            state, at = _scan(s, d, True)
            self.pending_chars += len(line)
            if state == "end":
                text = "\n".join(self.pending + [s])
                if self._width(text) == self.ncol or self._width(text) is None:
                    span = len(self.pending) + 1
                    self.pending, self.pending_chars = [], 0
                    self._record(out, text, span)
                    continue
            elif state == "open" and self.pending_chars <= MAX_OPEN:
                self.pending.append(line)
                continue
            # text after a closing quote, a record of the wrong width once the quote closes, or too
            # much gathered: the quote that opened the record never closed. Reject its first line
            # and read every line after it again as records.
            todo.append(line)
            todo.extend(self._reject_open(out)[::-1])

    def _width(self, text: str) -> int | None:
        """Fields of a record, trailing empty ones past the header's width not counted."""
        try:
            cells = next(csv.reader([text], delimiter=self.d))
        except (csv.Error, StopIteration):
            return None
        n = len(cells)
        while n > self.ncol and not cells[n - 1].strip():
            n -= 1
        return n

    def _reject_open(self, out: Records) -> list[str]:
        """Reject the open record's first line; the lines it swallowed, to read again."""
        first, rest = self.pending[0], self.pending[1:]
        self.pending, self.pending_chars = [], 0
        self._reject(out, self.t["unclosed"], first, 1)
        return rest

    def _reject(self, out: Records, why: str, text: str, span: int, cells: list[str] | None = None) -> None:
        """A rejected record keeps what can be read of its cells (its id, at least) for the results."""
        if cells is None:
            cells = [c.strip().strip('"') for c in text[:4096].split(self.d)]
        out.bad.append((self.row, why, [c if len(c) <= 256 else "" for c in cells]))
        self._advance(span)

    def _advance(self, span: int) -> None:
        self.row += 1
        self.tally.records += 1
        self.tally.lines_in_records += span

    def _record(self, out: Records, text: str, span: int) -> None:
        if text.startswith(_LONG):
            return self._reject(out, self.t["line"].format(n=int(text[len(_LONG):] or 0)), "", span, [])
        if _BAD[0] <= max(text, default=" ") and any(_BAD[0] <= ch <= _BAD[1] for ch in text):
            return self._reject(out, self.t["decode"].format(enc=self.enc), text.encode("utf-8", "replace").decode(), span)
        if "\x00" in text:
            return self._reject(out, self.t["nul"], text.replace("\x00", ""), span)
        if '"' in text or "\r" in text:
            try:
                cells = next(csv.reader([text], delimiter=self.d))
            except csv.Error:
                return self._reject(out, self.t["cr"], text, span)
            except StopIteration:
                cells = []
        else:
            cells = text.split(self.d)
        if not any(c.strip() for c in cells):
            out.blank += 1
            return self._advance(span)
        if len(cells) != self.ncol:
            if len(cells) > self.ncol and not any(c.strip() for c in cells[self.ncol:]):
                cells = cells[:self.ncol]          # trailing empty cells (",,," past the last column)
            else:
                return self._reject(out, self.t["fields"].format(got=len(cells), want=self.ncol), text, span, cells)
        if len(text) > MAX_CELL:
            long = next((k for k, c in enumerate(cells) if len(c) > MAX_CELL), None)
            if long is not None:
                return self._reject(out, self.t["long"].format(col=long + 1, n=len(cells[long])), text, span, cells)
        out.rows.append(cells)
        out.numbers.append(self.row)
        self._advance(span)
