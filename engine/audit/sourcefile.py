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

    def chunks(self) -> Iterator[Chunk]:
        assert self._iter is not None
        return _prefetch(self._iter())

    @property
    def sha256(self) -> str:
        return self._sha.hexdigest()


def detect_encoding(sample: bytes, complete: bool = False) -> str | None:
    """utf-8-sig, utf-16, utf-8 or gb18030 — or None for bytes that are none of them (binary)."""
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if b"\x00" in sample:
        return None
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
