"""The read stage's handle on an input file: :class:`Source` (what was opened, and its
chunks), the header pick shared by every sheet reader, and encoding detection.

Below ``readers`` (CSV, XLSX, JSONL) and ``sheets`` (XLS, ODS), which both build a
``Source``; neither imports the other's internals through here.
"""
from __future__ import annotations

import codecs
import queue
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterator

from .chunks import Chunk
from .records import Tally

CHUNK_ROWS = 50_000        # rows per XLSX / JSONL chunk
HEADER_SCAN = 10           # rows searched for the header
MAX_COLUMNS = 1_000        # columns in a header (keys in a JSONL record); a real register has under a hundred


@dataclass
class Source:
    path: Path
    format: str                              # csv | xlsx | jsonl
    header: list[str]
    total: int                               # for progress: bytes or rows
    describe: str
    header_line: int = 1
    strict_keys: bool = False                # JSONL: keys are fact paths; unknown keys reject the row
    tally: Tally | None = None               # CSV: lines counted on the bytes and by the tokenizer
    _iter: Callable[[], Iterator[Chunk]] | None = None
    _sha: Any = None
    lang: str = "zh"

    def chunks(self) -> Iterator[Chunk]:
        assert self._iter is not None
        it = self._iter()
        if self.format != "csv":          # the CSV tokenizer bounds its cells itself, and its text is its bytes
            it = _bounded(it, str(self.path), self.lang)
        return _prefetch(it)

    @property
    def sha256(self) -> str:
        return self._sha.hexdigest()


# A workbook's shared strings and a Parquet file's dictionary repeat one value for many cells without
# its bytes being repeated in the file: 20,000 rows naming one 30,000-character shared string take
# 12 MB on disk and 600 million characters in memory. So, whatever the format says:
MAX_TEXT = 256_000_000     # characters of cell text in one input (1,048,576 rows × 21 columns × 11 characters)
CHUNK_CHARS = 4_000_000    # characters of cell text per chunk (XLSX rows are gathered up to this, or CHUNK_ROWS)

_LONG = {"zh": "第 {col} 列过长（{n:,} 个字符，超过 Excel 单元格上限 32,767）",
         "en": "column {col} is too long ({n:,} characters, over Excel's cell limit of 32,767)"}
_TOO_MUCH = {"zh": "单元格文字累计超过 {limit:,} 个字符的上限（到第 {row} 行为止；共享字符串或字典被反复引用？），不再读取；"
                   "请拆分文件",
             "en": "over {limit:,} characters of cell text in all (up to row {row}; a shared string or dictionary value "
                   "repeated?); not read further; split the file"}


def _bounded(chunks: Iterator[Chunk], name: str, lang: str) -> Iterator[Chunk]:
    """A cell over Excel's 32,767 characters costs its row (as in a CSV); past MAX_TEXT characters of
    cell text in all, the input is refused, naming the limit and the row reached."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    from ..errors import InputError, Problem
    from .records import MAX_CELL

    total = 0
    for chunk in chunks:
        n = chunk.n
        if n == 0:
            yield chunk
            continue
        long = np.zeros(n, dtype=bool)
        first_long: dict[int, tuple[int, int]] = {}
        for ci, col in enumerate(chunk.columns):
            if isinstance(col, (pa.Array, pa.ChunkedArray)):
                if not (pa.types.is_string(col.type) or pa.types.is_large_string(col.type)):
                    continue
                lens = pc.fill_null(pc.utf8_length(col), 0).to_numpy(zero_copy_only=False)
                total += int(lens.sum())
                hit = lens > MAX_CELL
                for i in np.flatnonzero(hit & ~long):
                    first_long.setdefault(int(i), (ci, int(lens[i])))
                long |= hit
            else:
                for i, v in enumerate(col):
                    if isinstance(v, str):
                        total += len(v)
                        if len(v) > MAX_CELL and not long[i]:
                            long[i] = True
                            first_long[i] = (ci, len(v))
        if total > MAX_TEXT:
            raise InputError([Problem(name, _TOO_MUCH["en" if lang == "en" else "zh"].format(
                limit=MAX_TEXT, row=int(chunk.lines[-1])), code="too_much_text",
                en=_TOO_MUCH["en"].format(limit=MAX_TEXT, row=int(chunk.lines[-1])))])
        if not long.any():
            yield chunk
            continue
        keep = ~long
        t = _LONG["en" if lang == "en" else "zh"]
        bad = list(chunk.bad) + [(int(chunk.lines[i]), t.format(col=first_long[i][0] + 1, n=first_long[i][1]))
                                 for i in sorted(first_long)]
        cols = [c.filter(pa.array(keep)) if isinstance(c, (pa.Array, pa.ChunkedArray)) else
                [v for v, k in zip(c, keep) if k] for c in chunk.columns]
        yield Chunk(chunk.header, chunk.lines[keep], cols, bad, chunk.blank, chunk.progress)


def detect_encoding(sample: bytes, complete: bool = False) -> str | None:
    """utf-8-sig, utf-16, utf-8 or gb18030 — or None for bytes that are none of them (binary)."""
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if sample.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        return "utf-32"                       # refused by name: FF FE 00 00 would pass for UTF-16
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    lines_with_nul = sum(1 for line in sample.split(b"\n") if b"\x00" in line)
    if lines_with_nul > max(1, sample.count(b"\n") // 100):
        return None                           # binary (or UTF-16 without a BOM); a NUL in a row or two costs those rows
    for enc in ("utf-8", "gb18030"):
        try:
            codecs.getincrementaldecoder(enc)().decode(sample, final=complete)
            return enc
        except UnicodeDecodeError:
            continue
    # Neither decodes all of it: a UTF-8 file with a line or two pasted from a GBK source. It is
    # UTF-8 when nearly every line is; the odd lines are then rejected at their rows, as past the sample.
    lines = sample.split(b"\n")
    if not complete and len(lines) > 1:
        lines = lines[:-1]                    # the last line may be cut mid-character
    bad = 0
    for line in lines:
        try:
            line.decode("utf-8")
        except UnicodeDecodeError:
            bad += 1
    return "utf-8" if bad <= max(1, len(lines) // 20) and bad < len(lines) else None


def header_of(head: list[tuple[int, Any]], score: Any) -> tuple[list[str], int]:
    """The header among the first non-blank rows ((sheet row, cells) pairs): its cells, trailing blanks
    dropped, and its row number as the sheet shows it."""
    cands = [[cell_str(c) for c in row] for _, row in head]
    best = pick_header(cands, score)
    header = cands[best]
    while header and not header[-1]:
        header.pop()
    return header, head[best][0]


def pick_header(rows: list[list[str]], score: Callable[[list[str]], int]) -> int:
    """The row naming the most known columns; failing that, the first row as wide as most rows."""
    best = max(range(len(rows)), key=lambda i: (score(rows[i]), -i))
    if score(rows[best]) > 0:
        return best
    width = [sum(1 for c in r if c) for r in rows]
    common = max(set(width), key=lambda w: (width.count(w), w))
    return width.index(common)


def cell_str(c: Any) -> str:
    if c is None:
        return ""
    return str(c).strip()


# --------------------------------------------------------------------------- prefetch


def _prefetch(it: Iterator[Chunk], depth: int = 2) -> Iterator[Chunk]:
    """Read and parse the next chunk on a second thread while this one is evaluated."""
    q: queue.Queue = queue.Queue(maxsize=depth)
    stop = threading.Event()
    DONE = object()

    def run() -> None:
        try:
            for chunk in it:
                while not stop.is_set():
                    try:
                        q.put(chunk, timeout=0.1)
                        break
                    except queue.Full:
                        continue
                if stop.is_set():
                    return
            q.put(DONE)
        except BaseException as exc:  # re-raised in the consumer
            q.put(exc)

    th = threading.Thread(target=run, name="gridlaw-audit-reader", daemon=True)
    th.start()
    try:
        while True:
            item = q.get()
            if item is DONE:
                return
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stop.set()
