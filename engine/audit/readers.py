"""Input files, streamed in chunks: CSV, XLSX, JSONL.

CSV comes in UTF-8, UTF-8 with BOM, GBK/GB18030 (what Excel writes on a
Chinese Windows machine) or UTF-16 (Excel's "Unicode text"); the encoding is
detected from the bytes (BOM, then strict UTF-8, then GB18030) and the
delimiter from the header line. The file is read in blocks of a few MB cut at
line breaks. A block without quotes whose every line is a record of the header's
width is parsed by pyarrow's multi-threaded CSV parser (the usual case); any
other block goes through the record tokenizer (``records.py``), which carries an
open quoted field into the next block and rejects a malformed record at its row.
Rows are numbered as Excel shows them (one per record).

A few title rows above the header (a sheet's caption, as HR sheets often have)
are skipped: the header is the row, among the first ten, that names the most
known columns.
"""
from __future__ import annotations

import codecs
import csv
import hashlib
import io
import json
import os
from pathlib import Path
from typing import Any, Callable, Iterator

import numpy as np

from ..errors import InputError, Problem
from ..yamlsrc import MAX_DEPTH, json_depth_ok
from .chunks import Chunk
from .records import LONG_LINE, MAX_CELL, MAX_LINE, Tally, Tokenizer
from .xlsxrows import BadCell
from .sourcefile import CHUNK_CHARS, CHUNK_ROWS, HEADER_SCAN, MAX_COLUMNS, Source, cell_str, detect_encoding, header_of, pick_header

BLOCK = 8 << 20            # bytes per CSV block (≈ 50,000 rows of a typical sheet)
_DELIMS = (",", "\t", ";", "|")
HEADER_ROWS = 1000         # an .xlsx header is looked for among the filled rows of the first rows

_T = {
    "zh": {"fields": "有 {got} 列，表头有 {want} 列", "decode": "无法按 {enc} 解码",
           "json": "不是合法的 JSON（第 {col} 列附近）", "deep": "嵌套超过 {n} 层，不是一条记录", "object": "每行应是一个 JSON 对象（{{…}}），实际是{t}",
           "dup": "键“{k}”重复出现；每个键只能写一次", "surrogate": "含有无效字符（孤立的代理码位 {c}），不是合法的 Unicode 文本",
           "wide": "有 {n:,} 个字段，超过每条记录 {limit:,} 个的上限",
           "cell": "单元格 {ref} 已损坏，无法读取", "line": "这一行超过 32 MB 的上限（没有换行？）；本行未读取", "order": "行号 {n} 不在上一行（第 {prev} 行）之后：工作表的行次序已损坏",
           "xml": "第 {after} 行之后工作表的 XML 已损坏，其后的内容无法读取"},
    "en": {"fields": "has {got} fields, the header has {want}", "decode": "cannot be decoded as {enc}",
           "json": "not valid JSON: {msg} (col {col})", "deep": "nested deeper than {n} levels: not a record", "object": "each line must be a JSON object (an act), got {t}",
           "dup": "key {k!r} appears twice; write each key once", "surrogate": "holds an invalid character (a lone surrogate {c}): not valid Unicode text",
           "wide": "has {n:,} fields, over the limit of {limit:,} per record",
           "cell": "cell {ref} is damaged and cannot be read", "line": "this line is over the 32 MB limit (no line breaks?); not read", "order": "row number {n} does not follow the row before it ({prev}): the sheet's row order is damaged",
           "xml": "the sheet's XML is damaged after row {after}; nothing after it can be read"},
}


def open_source(path: str | Path, sheet: str | None = None, score: Callable[[list[str]], int] | None = None,
                lang: str = "zh", block: int = BLOCK) -> Source:
    """Open an input file; InputError (one line, naming the file) if it cannot be read at all."""
    p = Path(path)
    name = str(path)
    if not p.exists():
        if p.is_symlink():                # a dangling link, or a loop (a → b → a)
            raise InputError([Problem(name, "a symbolic link that leads to no file (dangling, or a loop)" if lang == "en"
                                      else "符号链接无法解析（指向不存在的文件，或形成循环）", code="bad_link",
                                      en="a symbolic link that leads to no file (dangling, or a loop)")])
        raise InputError([Problem(name, "no such file" if lang == "en" else "文件不存在")])
    if p.is_dir():
        raise InputError([Problem(name, "is a folder, not a file" if lang == "en" else "这是文件夹，不是文件")])
    st_mode = p.stat().st_mode
    import stat as _stat

    if not _stat.S_ISREG(st_mode):         # a FIFO would block the first read forever; /dev/zero never ends
        from ..safefile import not_regular

        problem = not_regular(name, st_mode)
        raise InputError([Problem(name, problem.en if lang == "en" else problem.message, code=problem.code,
                                  en=problem.en)])
    src = _open(p, name, sheet, score or (lambda row: 0), lang, block)
    src.lang = lang
    return src


def _open(p: Path, name: str, sheet: str | None, score: Callable[[list[str]], int], lang: str, block: int) -> Source:
    t = _T.get(lang, _T["zh"])
    try:
        with open(p, "rb") as f:
            head = f.read(8)
    except OSError as exc:
        from ..safefile import unreadable

        u = unreadable(name, exc)
        raise InputError([Problem(name, u.en if lang == "en" else u.message, code=u.code, en=u.en)]) from None
    ext = p.suffix.lower()
    if head.startswith(b"\xd0\xcf\x11\xe0") or ext == ".ods":   # old Excel (.xls) / OpenDocument
        from .sheets import open_calamine

        return open_calamine(p, sheet, score, lang)
    if ext in (".xlsx", ".xlsm") or head.startswith(b"PK\x03\x04"):
        return _open_xlsx(p, sheet, score, lang)
    if ext in (".jsonl", ".ndjson", ".json") or head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith((b"{", b"[")):
        return _open_jsonl(p, t, lang)
    return _open_csv(p, score, t, lang, block)


# --------------------------------------------------------------------------- encodings


_ENC_NAME = {"utf-8-sig": "UTF-8 (BOM)", "utf-8": "UTF-8", "gb18030": "GBK/GB18030", "utf-16": "UTF-16"}


# --------------------------------------------------------------------------- CSV


def _open_csv(p: Path, score: Callable[[list[str]], int], t: dict, lang: str, block: int) -> Source:
    name = str(p)
    size = p.stat().st_size
    with open(p, "rb") as f:
        sample = f.read(1 << 20)
    complete = len(sample) == size
    if not sample.strip():
        raise InputError([Problem(name, "the file is empty" if lang == "en" else "文件是空的")])
    enc = detect_encoding(sample, complete)
    if enc is None:
        raise InputError([Problem(name, "not a text file in UTF-8 or GBK/GB18030 (binary data?); save it as CSV "
                                        "(UTF-8) or XLSX" if lang == "en" else
                                  "不是 UTF-8 或 GBK/GB18030 文本（可能是二进制文件）；请另存为 CSV（UTF-8）或 XLSX")])
    if enc == "utf-32":
        raise InputError([Problem(name, "this is UTF-32 text; save it as CSV (UTF-8) or UTF-16" if lang == "en" else
                                  "这是 UTF-32 文本；请另存为 CSV（UTF-8）或 UTF-16", code="utf32",
                                  en="this is UTF-32 text; save it as CSV (UTF-8) or UTF-16")])
    if enc == "utf-16":
        return _open_csv_utf16(p, score, t, lang)
    cr_only = b"\n" not in sample and b"\r" in sample     # Excel's "CSV (Macintosh)": read as if CR were LF
    if cr_only:
        sample = sample.replace(b"\r", b"\n")
    text = codecs.getincrementaldecoder(enc)(errors="replace").decode(sample, final=complete)
    delim = _sniff(text)
    header, header_end, header_row = _find_header(text, delim, score)
    if header is None:
        raise InputError([Problem(name, "no header row found" if lang == "en" else "没有找到表头行")])
    # byte offset just after the header record's last line
    offset = 0
    for _ in range(header_end):
        offset = sample.index(b"\n", offset) + 1 if b"\n" in sample[offset:] else len(sample)
    sha = hashlib.sha256()
    src = Source(p, "csv", header, size, f"CSV · {_ENC_NAME[enc]} · {_delim_desc(delim, lang)}",
                 header_line=header_row, _sha=sha)

    def gen() -> Iterator[Chunk]:
        tally = src.tally = Tally(lines_in_records=header_end, records=header_row)
        with open(p, "rb") as raw:
            f = _Hashed(raw, sha, cr_only)
            pre = f.read(offset)
            tally.lines_in_bytes += pre.count(b"\n")
            data_enc = "utf-8" if enc == "utf-8-sig" else enc
            tok = Tokenizer(delim, len(header), header_row + 1, tally, lang, _ENC_NAME.get(enc, enc))
            yield from _csv_blocks(f, None, header, delim, data_enc, tok, block, offset, pre_tail=pre[-1:])

    src._iter = gen
    return src


class _Hashed:
    """The file's bytes hashed as read (the manifest's SHA-256 is of the file itself); in a CR-only
    file each CR is handed on as LF, one byte for one, so offsets stay those of the file."""

    def __init__(self, f: Any, sha: Any, cr_only: bool) -> None:
        self.f, self.sha, self.cr_only = f, sha, cr_only

    def read(self, n: int) -> bytes:
        data = self.f.read(n)
        self.sha.update(data)
        return data.replace(b"\r", b"\n") if self.cr_only else data


def _open_csv_utf16(p: Path, score: Callable[[list[str]], int], t: dict, lang: str) -> Source:
    """UTF-16 (Excel's "Unicode text", tab-separated): transcoded to UTF-8 line by line as it is read
    (``Utf16Lines``), so a stray or missing byte costs only the row it is in."""
    from .utf16 import Utf16Lines

    size = p.stat().st_size
    with open(p, "rb") as raw:
        head = Utf16Lines(raw).read(1 << 20)
    text = head.decode("utf-8", errors="replace")
    delim = _sniff(text)
    header, header_end, header_row = _find_header(text, delim, score)
    if header is None:
        raise InputError([Problem(str(p), "no header row found" if lang == "en" else "没有找到表头行")])
    sha = hashlib.sha256()
    src = Source(p, "csv", header, size, f"CSV · UTF-16 · {_delim_desc(delim, lang)}", header_line=header_row,
                 _sha=sha)

    def gen() -> Iterator[Chunk]:
        with open(p, "rb") as raw:
            r = Utf16Lines(raw, sha)
            tally = src.tally = Tally(lines_in_records=header_end, records=header_row)
            buf = b""
            while buf.count(b"\n") < header_end:
                more = r.read(1 << 16)
                if not more:
                    break
                buf += more
            cut = 0
            for _ in range(header_end):      # every line the reader hands on ends in exactly one LF
                cut = buf.index(b"\n", cut) + 1
            tally.lines_in_bytes += header_end
            tok = Tokenizer(delim, len(header), header_row + 1, tally, lang, "UTF-16")
            yield from _csv_blocks(r, None, header, delim, "utf-8", tok, BLOCK, 0, lead=buf[cut:],
                                   progress=lambda: r.pos)

    src._iter = gen
    return src


codecs.register_error("gridlaw-bad", lambda exc: ("\udcff", exc.end))   # -> b"\xff" under surrogateescape


def _delim_desc(d: str, lang: str) -> str:
    name = {"\t": "Tab", ",": ",", ";": ";", "|": "|"}[d]
    return f"separated by {name!r}" if lang == "en" else f"“{name}”分隔"


def _sniff(text: str) -> str:
    lines = [line for line in text.splitlines()[:50] if line.strip()][:HEADER_SCAN]
    counts = {d: max((line.count(d) for line in lines), default=0) for d in _DELIMS}
    best = max(_DELIMS, key=lambda d: (counts[d], d == ","))
    return best if counts[best] else ","


def _find_header(text: str, delim: str, score: Callable[[list[str]], int]) -> tuple[list[str] | None, int, int]:
    """(header cells, the file line its record ends on, its row number as Excel shows it)."""
    reader = csv.reader(io.StringIO(text), delimiter=delim)
    candidates: list[tuple[list[str], int, int]] = []
    try:
        for ordinal, row in enumerate(reader, 1):
            if any(c.strip() for c in row):
                candidates.append(([c.strip().lstrip("\ufeff") for c in row], reader.line_num, ordinal))
            if len(candidates) >= HEADER_SCAN:
                break
    except csv.Error:
        pass
    if not candidates:
        return None, 0, 0
    return candidates[pick_header([c for c, _, _ in candidates], score)]


def _csv_blocks(f: Any, sha: Any, header: list[str], delim: str, enc: str, tok: Tokenizer, block: int, start: int,
                lead: bytes = b"", progress: Callable[[], int] | None = None, pre_tail: bytes = b"\n"
                ) -> Iterator[Chunk]:
    """Blocks cut at a line break; the tokenizer carries an open quoted field from one block to the next.
    Line breaks are also counted here on the bytes, independently of the tokenizer (``Tally``)."""
    tally = tok.tally
    leftover = lead
    tally.lines_in_bytes += lead.count(b"\n")
    last = pre_tail
    done = start
    skipped = 0              # bytes of an over-long line passed over so far
    while True:
        data = f.read(block)
        if sha is not None:
            sha.update(data)
        done += len(data)
        tally.lines_in_bytes += data.count(b"\n")
        if skipped:          # inside a line over MAX_LINE: pass over it up to its line break
            nl = data.find(b"\n")
            if nl < 0 and data:
                skipped += len(data)
                continue
            skipped += nl if nl >= 0 else 0
            data = LONG_LINE + str(skipped).encode() + (data[nl:] if nl >= 0 else b"")
            skipped = 0
        buf = leftover + data
        if data:
            last = data[-1:]
            cut = buf.rfind(b"\n")
            if cut < 0:          # no line break in this block yet: read on
                if len(buf) > MAX_LINE:      # no record is this long: it costs its row, not the memory
                    skipped, leftover = len(buf), b""
                    continue
                leftover = buf
                continue
            body, leftover = buf[:cut + 1], buf[cut + 1:]
        else:
            body, leftover = buf, b""
            if body and not body.endswith(b"\n"):
                tally.lines_in_bytes += 1      # a last line without a line break
            elif not body and last not in (b"\n", b""):
                tally.lines_in_bytes += 1
        if body or tok.pending:
            chunk = _parse_block(body, header, delim, enc, tok, final=not data)
            chunk.progress = progress() if progress else done
            yield chunk
        if not data:
            return


def _parse_block(body: bytes, header: list[str], delim: str, enc: str, tok: Tokenizer, final: bool) -> Chunk:
    if enc == "utf-8" and b"\xef\xbb\xbf" in body:
        body = body.replace(b"\xef\xbb\xbf", b"")     # a BOM in mid-file (two exports joined) is not data
    n_lines = body.count(b"\n") + (0 if body.endswith(b"\n") or not body else 1)
    if not tok.pending and n_lines and body.count(b"\r") == body.count(b"\r\n") and b"\x00" not in body:
        try:
            # pyarrow checks UTF-8 itself (then the tokenizer finds the bad lines)
            utf8 = body if enc == "utf-8" else body.decode(enc).encode("utf-8")
        except UnicodeDecodeError:
            utf8 = None
        chunk = _parse_lines(utf8, header, delim, tok, n_lines) if utf8 is not None else None
        if chunk is not None:
            return chunk
    return _parse_slow(body, header, delim, enc, tok, final)


def _parse_lines(utf8: bytes, header: list[str], delim: str, tok: Tokenizer, n_lines: int) -> Chunk | None:
    """A block whose every line is one record, read by pyarrow; the few lines the tokenizer would reject
    alone for text after a closing quote (``"三合一"场所``, a quote not doubled) are set aside and rejected
    by the tokenizer itself, with their own row numbers. None: the tokenizer reads the whole block."""
    ncol = len(header)
    quoted = b'"' in utf8
    garbage = _garbage_lines(utf8, delim) if quoted else {}
    if garbage is None:
        return None
    good = utf8 if not garbage else _without_lines(utf8, garbage)
    n_good = n_lines - len(garbage)
    if n_good:
        fast = _parse_fast(good, ncol, delim, n_good, quoted)
        if fast is None or (len(good) > MAX_CELL and _longest(fast) > MAX_CELL):
            return None           # the tokenizer names the over-long cell and its row
    else:
        import pyarrow as pa
        fast = [pa.array([], type=pa.string()) for _ in range(ncol)]
    base = tok.row
    bad: list[tuple[int, str, list[str]]] = []
    for i, line in garbage.items():            # in row order: each is one rejected record (its own row)
        tok.row = base + i
        bad += tok.feed([line]).bad
    tok.row = base + n_lines
    tok.tally.records += n_good
    tok.tally.lines_in_records += n_good
    lines = np.arange(base, base + n_lines, dtype=np.int64)
    if garbage:
        keep = np.ones(n_lines, dtype=bool)
        keep[list(garbage)] = False
        lines = lines[keep]
    columns, lines, blank = _drop_blank_rows(fast, lines)
    return Chunk(header, lines, columns, bad, blank)


_GARBAGE: dict[str, Any] = {}


def _garbage_lines(utf8: bytes, delim: str) -> dict[int, str] | None:
    """The lines (index → text) where a quoted field closes on other text, as the tokenizer's ``_scan``
    reads them. The pattern finds every such line: a quote at a field's start, non-quotes and doubled
    quotes, a quote followed by anything but the delimiter, a quote or the line's end. It may find more
    (a delimiter inside a quoted field looks like a field's start); a line the tokenizer would not
    reject alone as "garbage" sends the whole block to the tokenizer (None)."""
    import re

    from .records import _scan

    pat = _GARBAGE.get(delim)
    if pat is None:      # the quote first, so that the engine looks for that one byte; possessive, as _scan
        d = re.escape(delim.encode())
        pat = _GARBAGE[delim] = re.compile(rb'"(?<=[' + d + rb'\n]")[^"\n]*+(?:""[^"\n]*+)*+"(?![' + d
                                           + rb'"]|\r?\n|\Z)')
    starts = [m.start() - 1 for m in pat.finditer(b"\n" + utf8)]     # the \n: the first line's start
    if not starts:
        return {}
    ends = np.flatnonzero(np.frombuffer(utf8, dtype=np.uint8) == 10)
    out: dict[int, str] = {}
    for i in sorted(set(np.searchsorted(ends, starts).tolist())):     # newlines before the match: its line
        a = int(ends[i - 1]) + 1 if i else 0
        b = int(ends[i]) if i < len(ends) else len(utf8)
        line = utf8[a:b].decode("utf-8")
        s = line[:-1] if line.endswith("\r") else line
        if _scan(s, delim, False)[0] != "garbage":
            return None
        out[i] = line
    return out


def _without_lines(utf8: bytes, drop: dict[int, str]) -> bytes:
    ends = np.flatnonzero(np.frombuffer(utf8, dtype=np.uint8) == 10)
    parts, at = [], 0
    for i in drop:
        a = int(ends[i - 1]) + 1 if i else 0
        parts.append(utf8[at:a])
        at = int(ends[i]) + 1 if i < len(ends) else len(utf8)
    parts.append(utf8[at:])
    return b"".join(parts)


def _parse_fast(utf8: bytes, ncol: int, delim: str, n_lines: int, quoted: bool = False) -> list[Any] | None:
    """pyarrow's parser on a block; None unless every line is one record of the header's width (then
    the tokenizer reads the block and names each bad row). With quotes, a quoted line break is read as
    the tokenizer reads it, and merges two lines into one record: the count of records then tells."""
    import pyarrow as pa
    import pyarrow.csv as pcsv

    names = [f"c{i}" for i in range(ncol)]

    def read(threads: bool) -> tuple[Any, list[tuple[Any, int, str]]]:
        invalid: list[tuple[Any, int, str]] = []

        def handler(row: Any) -> str:
            invalid.append((row.number, row.actual_columns, row.text))
            return "skip"
        table = pcsv.read_csv(
            io.BytesIO(utf8),
            read_options=pcsv.ReadOptions(column_names=names, use_threads=threads, block_size=max(len(utf8) // 2, 1 << 20)),
            parse_options=pcsv.ParseOptions(delimiter=delim, newlines_in_values=quoted, invalid_row_handler=handler),
            convert_options=pcsv.ConvertOptions(column_types={c: pa.string() for c in names},
                                                strings_can_be_null=False, quoted_strings_can_be_null=False))
        return table, invalid

    import sys

    hook = sys.unraisablehook
    # pyarrow hands an invalid row's text to the handler as str; on a line that is not UTF-8 that
    # conversion fails inside pyarrow and Python prints "Exception ignored … Traceback" on stderr.
    # The block then fails here and the tokenizer names the row, so the message is only noise.
    sys.unraisablehook = lambda u: None if isinstance(u.exc_value, UnicodeDecodeError) else hook(u)
    try:
        table, invalid = read(True)
        if invalid and any(n is None for n, _, _ in invalid):
            table, invalid = read(False)
    except (pa.ArrowInvalid, pa.ArrowException):
        return None
    finally:
        sys.unraisablehook = hook
    if invalid or table.num_rows != n_lines:
        return None
    columns = [table.column(i).combine_chunks() for i in range(ncol)]
    if quoted:
        import pyarrow.compute as pc

        # a quote left open gathers the line break (and at the block's end, the next block's lines)
        if any(pc.any(pc.match_substring(c, "\n")).as_py() for c in columns):
            return None
        if not utf8.endswith(b"\n"):         # the last line of the file, its quote open: as the tokenizer says
            from .records import _scan

            last = utf8[utf8.rfind(b"\n") + 1:].decode("utf-8")
            if _scan(last, delim, False)[0] == "open":
                return None
    return columns


def _drop_blank_rows(columns: list[Any], lines: np.ndarray) -> tuple[list[Any], np.ndarray, int]:
    """Rows whose every cell is empty (Excel writes ",,,," lines at the end of a sheet) are not records."""
    if not columns or len(lines) == 0:
        return columns, lines, 0
    import pyarrow as pa
    import pyarrow.compute as pc

    def blank(col: Any) -> Any:
        return pc.equal(pc.utf8_length(pc.utf8_trim_whitespace(col)), 0)
    empty = blank(columns[0])
    if not pc.any(empty).as_py():
        return columns, lines, 0
    idx = pa.array(np.flatnonzero(empty.to_numpy(zero_copy_only=False)))
    for col in columns[1:]:
        idx = pc.filter(idx, blank(pc.take(col, idx)))
        if len(idx) == 0:
            return columns, lines, 0
    mask = np.zeros(len(lines), dtype=bool)
    mask[idx.to_numpy()] = True
    keep = pa.array(~mask)
    return [c.filter(keep) for c in columns], lines[~mask], int(mask.sum())


def _longest(columns: list[Any]) -> int:
    import pyarrow.compute as pc

    return max((pc.max(pc.utf8_length(c)).as_py() or 0 for c in columns), default=0)


def _parse_slow(body: bytes, header: list[str], delim: str, enc: str, tok: Tokenizer, final: bool) -> Chunk:
    """The tokenizer, line-exact: quotes, line breaks in cells, blank lines, undecodable lines."""
    import pyarrow as pa

    ncol = len(header)
    text = body.decode(enc, errors="surrogateescape")
    lines = text.split("\n")
    if text.endswith("\n") or not text:
        lines.pop()
    recs = tok.feed(lines, final)
    cols = [pa.array(list(c), type=pa.string()) for c in zip(*recs.rows)] if recs.rows else \
        [pa.array([], type=pa.string()) for _ in range(ncol)]
    return Chunk(header, np.array(recs.numbers, dtype=np.int64), cols, recs.bad, recs.blank)


# --------------------------------------------------------------------------- XLSX


def _open_xlsx(p: Path, sheet: str | None, score: Callable[[list[str]], int], lang: str) -> Source:
    from openpyxl.utils.exceptions import InvalidFileException

    name = str(p)
    from ..zipguard import check_zip

    check_zip(p, name, lang)          # a zip bomb is refused from the zip directory, before inflating
    from .xlsxrows import XmlDamaged, load_workbook, sheet_rows

    try:
        wb = load_workbook(p)
    except (InvalidFileException, OSError, KeyError, ValueError) as exc:
        raise InputError([Problem(name, f"cannot read as XLSX: {exc}" if lang == "en" else
                                  "无法作为 XLSX 读取：文件已损坏，或不是 Excel 工作簿；请在 Excel 中另存为 XLSX 或 CSV",
                                  en=f"cannot read as XLSX: {exc}")]) from None
    except Exception as exc:  # zipfile.BadZipFile and friends
        raise InputError([Problem(name, f"cannot read as XLSX: {type(exc).__name__}: {exc}" if lang == "en" else
                                  "无法作为 XLSX 读取：文件已损坏，或不是 Excel 工作簿；请在 Excel 中另存为 XLSX 或 CSV",
                                  en=f"cannot read as XLSX: {type(exc).__name__}: {exc}")]) from None
    names = wb.sheetnames
    if sheet is None:
        ws = wb.worksheets[0]
    elif sheet in names:
        ws = wb[sheet]
    elif sheet.isdigit() and 1 <= int(sheet) <= len(names):
        ws = wb.worksheets[int(sheet) - 1]
    else:
        wb.close()
        raise InputError([Problem(name, (f"no sheet {sheet!r}; sheets: " if lang == "en" else f"没有工作表“{sheet}”；现有：")
                                  + "、".join(names))])
    head: list[tuple[int, tuple]] = []
    try:
        for number, cells in sheet_rows(wb, ws):
            row = _xlsx_values(cells, None)
            if any(cell_str(c) for c in row if not isinstance(c, BadCell)):
                head.append((number, tuple("" if isinstance(c, BadCell) else c for c in row)))
            if len(head) >= HEADER_SCAN or (head and number > HEADER_ROWS):
                break                     # the header is near the top: a long empty tail is not read twice
    except XmlDamaged as exc:             # the rows before the damage may still hold the header
        damaged = exc
    else:
        damaged = None
    if not head:
        wb.close()
        if damaged is not None:           # broken XML, or a DTD with entities (refused: XXE, billion laughs)
            raise InputError([Problem(name, "the sheet's XML is damaged or declares entities; not read" if lang == "en"
                                      else f"工作表“{ws.title}”的 XML 已损坏或含有实体声明，不予读取；请在 Excel 中另存为 XLSX",
                                      code="bad_xml", en="the sheet's XML is damaged or declares entities; not read")])
        raise InputError([Problem(name, "the sheet is empty" if lang == "en" else f"工作表“{ws.title}”是空的")])
    header, header_row = header_of(head, score)
    # the dimension is only a hint for progress: the rows are read to the end of the XML whatever it says
    total = max((ws.max_row or 0) - header_row, 0)
    sha = hashlib.sha256()
    wb.close()
    src = Source(p, "xlsx", header, total, f"XLSX · sheet {ws.title!r}" if lang == "en" else f"XLSX · 工作表“{ws.title}”",
                 header_line=header_row, _sha=sha)
    t = _T.get(lang, _T["zh"])

    def gen() -> Iterator[Chunk]:
        with open(p, "rb") as f:
            for part in iter(lambda: f.read(1 << 20), b""):
                sha.update(part)
        wb2 = load_workbook(p)
        ncol = len(header)
        buf: list[tuple] = []
        lines: list[int] = []
        bad: list[tuple[int, str]] = []
        blank = 0
        done = 0
        prev = header_row
        below = False
        chars = 0                             # cell text gathered in this chunk (shared strings repeat for free)
        try:
            try:
                for number, cells in sheet_rows(wb2, wb2[ws.title]):
                    if not below and number <= header_row:
                        continue                  # title rows and the header itself
                    below = True
                    if number <= prev:            # Excel writes rows in order; this one cannot be placed
                        bad.append((number, t["order"].format(n=number, prev=prev)))
                        continue
                    blank += number - prev - 1    # rows absent from the XML are empty rows
                    done += number - prev
                    prev = number
                    broken = next((v for _, v in cells if isinstance(v, BadCell)), None)
                    if broken is not None:
                        bad.append((number, t["cell"].format(ref=broken.ref)))
                        continue
                    row = _xlsx_values(cells, ncol)
                    if not any(cell_str(c) for c in row):
                        blank += 1
                        continue
                    buf.append(row[:ncol])
                    lines.append(number)
                    chars += sum(len(c) for c in row if isinstance(c, str))
                    if len(buf) + len(bad) >= CHUNK_ROWS or chars >= CHUNK_CHARS:
                        yield Chunk(header, np.array(lines, dtype=np.int64), [list(c) for c in zip(*buf)], bad, blank,
                                    done)
                        buf, lines, bad, blank, chars = [], [], [], 0, 0
            except XmlDamaged as exc:            # nothing past the damage can be read: said at the next row
                bad.append((max(exc.after, prev) + 1, t["xml"].format(after=max(exc.after, prev))))
            if buf or blank or bad:
                cols = [list(c) for c in zip(*buf)] if buf else [[] for _ in range(ncol)]
                yield Chunk(header, np.array(lines, dtype=np.int64), cols, bad, blank, done)
        finally:
            wb2.close()

    src._iter = gen
    return src


def _xlsx_values(cells: list[tuple[int, Any]], ncol: int | None) -> list[Any]:
    """A row's values by column (1-based), at least ``ncol`` wide; a value past ``ncol`` is kept after
    them only so that a row holding nothing else is not taken for an empty one."""
    width = max((c for c, _ in cells), default=0) if ncol is None else ncol
    row: list[Any] = [None] * width
    extra: list[Any] = []
    for col, value in cells:
        if 1 <= col <= width:
            row[col - 1] = value
        elif value is not None:
            extra.append(value)
    return row + extra


# --------------------------------------------------------------------------- JSONL


def _open_jsonl(p: Path, t: dict, lang: str) -> Source:
    size = p.stat().st_size
    with open(p, "rb") as f:
        sample = f.read(1 << 16)
    enc = detect_encoding(sample, len(sample) == size) or "utf-8"
    # a .jsonl file is read line by line even if its first line is a list (that line is rejected)
    if sample.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"[") and p.suffix.lower() not in (".jsonl", ".ndjson"):
        try:
            return _open_json_array(p, enc, t, lang)
        except InputError:
            if _first_line_is_json(sample, enc):      # JSON lines after all: each line its own value
                pass
            else:
                raise
    sha = hashlib.sha256()
    src = Source(p, "jsonl", [], size, f"JSONL · {_ENC_NAME.get(enc, enc)}", strict_keys=True, _sha=sha)

    def gen() -> Iterator[Chunk]:
        records: list[dict] = []
        lines: list[int] = []
        bad: list[tuple[int, str]] = []
        blank = 0
        done = 0
        with open(p, "rb") as f:
            for number, raw in enumerate(_bounded_lines(f, sha), 1):
                done += len(raw)
                if raw is LONG_LINE:
                    bad.append((number, t["line"]))
                    continue
                try:
                    text = raw.decode(enc).lstrip("\ufeff").strip()
                except UnicodeDecodeError:
                    bad.append((number, t["decode"].format(enc=_ENC_NAME.get(enc, enc))))
                    continue
                if not text:
                    blank += 1
                    continue
                _one_json(text, number, records, lines, bad, t)
                if len(records) + len(bad) >= CHUNK_ROWS:
                    yield _records_chunk(records, lines, bad, blank, done)
                    records, lines, bad, blank = [], [], [], 0
        if records or bad or blank:
            yield _records_chunk(records, lines, bad, blank, done)

    src._iter = gen
    return src


def _bounded_lines(f: Any, sha: Any) -> Iterator[bytes]:
    """The file's lines, hashed as read; a line over MAX_LINE bytes is passed over and stands as
    LONG_LINE (its record is rejected at its line) instead of being held in memory whole."""
    while True:
        raw = f.readline(MAX_LINE + 1)
        if not raw:
            return
        sha.update(raw)
        if len(raw) > MAX_LINE and not raw.endswith(b"\n"):
            while raw and not raw.endswith(b"\n"):
                raw = f.readline(1 << 20)
                sha.update(raw)
            yield LONG_LINE
            continue
        yield raw


MAX_JSON = 64 << 20          # a JSON list is read whole; past this, JSON lines (one record a line) are streamed


def _open_json_array(p: Path, enc: str, t: dict, lang: str) -> Source:
    """A JSON file holding a list of acts (read whole; use JSONL for big files)."""
    if p.stat().st_size > MAX_JSON:
        raise InputError([Problem(str(p), f"a JSON list over {MAX_JSON >> 20} MB is not read whole; write one record "
                                          "a line (JSONL)" if lang == "en" else
                                  f"JSON 列表超过 {MAX_JSON >> 20} MB 的上限，不整体读取；请改为每行一条记录（JSONL）",
                                  code="too_large", en=f"a JSON list over {MAX_JSON >> 20} MB is not read whole; "
                                                       "write one record a line (JSONL)")])
    raw = p.read_bytes()
    sha = hashlib.sha256(raw)
    try:
        data = json.loads(raw.decode(enc).lstrip("\ufeff"))
    except RecursionError:
        raise InputError([Problem(str(p), t["deep"].format(n=MAX_DEPTH))]) from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        line = getattr(exc, "lineno", None)
        raise InputError([Problem(str(p), t["json"].format(msg=getattr(exc, "msg", str(exc)), col=getattr(exc, "colno", "?")),
                                  line)]) from None
    if not isinstance(data, list):
        data = [data]
    src = Source(p, "jsonl", [], len(data), "JSON", strict_keys=True, _sha=sha)

    def gen() -> Iterator[Chunk]:
        for start in range(0, len(data), CHUNK_ROWS):
            records, lines, bad = [], [], []
            for i, item in enumerate(data[start:start + CHUNK_ROWS], start + 1):
                if isinstance(item, dict):
                    records.append(_flatten(item))
                    lines.append(i)
                else:
                    bad.append((i, t["object"].format(t=_kind_of(item, lang))))
            yield _records_chunk(records, lines, bad, 0, start + CHUNK_ROWS)

    src._iter = gen
    return src


def _first_line_is_json(sample: bytes, enc: str) -> bool:
    first = sample.split(b"\n", 1)[0]
    try:
        json.loads(first.decode(enc, errors="replace").lstrip("\ufeff"))
        return b"\n" in sample.strip()
    except (json.JSONDecodeError, RecursionError):
        return False


def _one_json(text: str, number: int, records: list, lines: list, bad: list, t: dict) -> None:
    if not json_depth_ok(text):
        bad.append((number, t["deep"].format(n=MAX_DEPTH)))
        return
    try:
        obj = json.loads(text, object_pairs_hook=_no_duplicates, parse_int=_int_or_text, parse_float=_float_or_text)
    except json.JSONDecodeError as exc:
        bad.append((number, t["json"].format(msg=exc.msg, col=exc.colno)))
        return
    except _DuplicateKey as exc:
        bad.append((number, t["dup"].format(k=exc.args[0])))
        return
    if "\\u" in text:          # "\ud800" decodes to a lone surrogate: text no output file can hold
        try:
            json.dumps(obj, ensure_ascii=False).encode("utf-8")
        except UnicodeEncodeError as exc:
            bad.append((number, t["surrogate"].format(c=f"U+{ord(exc.object[exc.start]):04X}")))
            return
    if not isinstance(obj, dict):
        bad.append((number, t["object"].format(t=_kind_of(obj, "en" if t is _T["en"] else "zh"))))
        return
    flat = _flatten(obj)
    if len(flat) > MAX_COLUMNS:
        bad.append((number, t["wide"].format(n=len(flat), limit=MAX_COLUMNS)))
        return
    records.append(flat)
    lines.append(number)


_KINDS_ZH = {"list": "数组", "str": "字符串", "int": "数字", "float": "数字", "bool": "布尔值", "NoneType": "空值（null）"}


def _kind_of(value: Any, lang: str) -> str:
    name = type(value).__name__
    return name if lang == "en" else _KINDS_ZH.get(name, "其他值")


class _DuplicateKey(Exception):
    pass


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict:
    out: dict = {}
    for k, v in pairs:
        if k in out:                      # "last one wins" would decide on a value the record contradicts
            raise _DuplicateKey(k)
        out[k] = v
    return out


# An integer past 64 bits or a float past 2**53 cannot be a count, an age or a year: kept as its text,
# so the convert stage rejects that value at its row instead of an OverflowError ending the audit.
def _int_or_text(s: str) -> Any:
    return int(s) if len(s.lstrip("-")) <= 18 else s


def _float_or_text(s: str) -> Any:
    v = float(s)
    return v if abs(v) < 2 ** 53 else s




def _flatten(obj: dict, prefix: str = "", out: dict | None = None) -> dict:
    out = {} if out is None else out
    for k, v in obj.items():
        if isinstance(v, dict):
            _flatten(v, f"{prefix}{k}.", out)
        else:
            out[f"{prefix}{k}"] = v
    return out


def _records_chunk(records: list[dict], lines: list[int], bad: list, blank: int, done: int) -> Chunk:
    header: dict[str, None] = {}
    for r in records:
        header.update(dict.fromkeys(r))
    names = list(header)
    cols = [[r.get(k) for r in records] for k in names]
    return Chunk(names, np.array(lines, dtype=np.int64), cols, bad, blank, done)


def file_size(path: str | os.PathLike) -> int:
    try:
        return os.path.getsize(path)
    except OSError:
        return 0
