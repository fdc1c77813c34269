"""The results file, written chunk by chunk: JSONL, CSV (UTF-8 with BOM, for Excel) or XLSX.

One result row per input row (per pack with ``--city all``), in input order:

    row, id, name, county, township, grid, city, kind, decision, decision_label,
    violated_articles, violated_rules, review_rules, missing_facts, documents, reason

``decision`` is one of gridlaw.evaluate.DECISIONS, or ``rejected`` for a row
that could not be read (``reason`` says why, naming the column and value).
``name``, ``county``, ``township`` and ``grid`` appear when the input has
them; names are masked (张*) unless personal data is asked for. In JSONL the
list fields are arrays of objects (rule, article, citation / fact, label,
evidence); in CSV and XLSX they are joined with "；".
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ..errors import InputError, Problem
from .results import OUT_COLUMNS

FORMATS = {".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "jsonl", ".csv": "csv", ".xlsx": "xlsx", ".parquet": "parquet"}
XLSX_ROWS = 1_000_000   # data rows per sheet (Excel's limit is 1,048,576)


def format_of(path: Path) -> str:
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None and (path.is_dir() or str(path).endswith(("/", os.sep)) or path.suffix == ""):
        fmt = "parquet"            # a folder: Parquet files, one per input part (audit/arrowio.py)
    if fmt is None:
        raise InputError([Problem(str(path), "--out 的文件名应以 .jsonl、.csv、.xlsx 或 .parquet 结尾，或是一个文件夹",
                                  code="bad_out", en="--out must end in .jsonl, .csv, .xlsx or .parquet, or name a folder")])
    return fmt


def temp_path(path: Path) -> Path:
    """Where a file is written before it is renamed into place (same folder, so the rename is atomic)."""
    return path.with_name(f".{path.name}.{os.getpid()}.part")


def manifest_path(path: Path) -> Path:
    return path.with_name(path.name + ".manifest.json")


def replace_atomically(path: Path, data: bytes) -> None:
    tmp = temp_path(path)
    try:
        with open(tmp, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()


def discard(path: Path) -> None:
    """Remove a previous run's file (and its manifest) so that no stale file is left looking current."""
    for p in (path, manifest_path(path)):
        try:
            p.unlink()
        except FileNotFoundError:
            pass
        except OSError as exc:
            from ..safefile import os_reason_zh

            raise InputError([Problem(str(p), f"无法替换：{os_reason_zh(exc)}", code="cannot_write",
                                      en=f"cannot replace: {exc.strerror}")]) from None


_FORMULA = r"^[=+\-@\t\r]"
_CONTROL = r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]"


def neutralise(col: Any) -> Any:
    """OWASP CSV injection: a cell that starts with = + - @ tab or CR gets a leading ' (so Excel
    shows text, not a live formula); control characters, which XLSX forbids and terminals obey, go."""
    if isinstance(col, pa.ChunkedArray):
        col = col.combine_chunks()
    if len(col) == 0:
        return col
    if pc.any(pc.match_substring_regex(col, _CONTROL)).as_py():
        col = pc.replace_substring_regex(col, _CONTROL, "")
    hit = pc.match_substring_regex(col, _FORMULA)
    if pc.any(hit).as_py():
        col = pc.if_else(hit, pc.binary_join_element_wise("'", col, ""), col)
    return col


_CODE_COLUMNS = ("decision", "violated_rules", "review_rules")
_WRAP = frozenset({"task", "advice", "questions", "violated_articles", "missing_facts", "documents", "inferred", "reason"})
_WIDTHS = {"row": 7, "id": 9, "name": 10, "county": 10, "township": 12, "grid": 14, "task": 36, "department": 14,
           "date": 12, "city": 7, "kind": 10, "decision_label": 12, "advice": 50, "questions": 30, "violated_articles": 44, "missing_facts": 44,
           "documents": 30, "inferred": 44, "reason": 44}
_ALIGN: dict[str, Any] = {}


class ResultWriter:
    """Writes to a temporary file beside the target, renamed into place by close() only when every
    row is written, then a manifest (rows, SHA-256, stamp). A killed run leaves no results file:
    the previous one is removed first, so a file that exists is complete and its manifest says whose."""

    def __init__(self, path: Path, columns: list[str], show_personal: bool = False, stamp: dict | None = None,
                 titles: dict[str, str] | None = None):
        self.path = path
        self.fmt = format_of(path)
        self.columns = [c for c in OUT_COLUMNS if c in columns]
        # a Chinese workbook is read by people: no decision codes or rule ids (JSONL and CSV keep them)
        self.readable = format_of(path) == "xlsx" and titles is not None
        if self.readable:
            self.columns = [c for c in self.columns if c not in _CODE_COLUMNS]
        # CSV/XLSX header cells (Chinese by default: results.COLUMN_TITLES); JSONL keys stay codes
        self.titles = [(titles or {}).get(c, c) for c in self.columns] if self.fmt != "jsonl" else self.columns
        self.show_personal = show_personal
        self.stamp = stamp or {}
        self.notes: list[tuple[str, str]] = []     # (label, text) shown first in the workbook's 复现信息 sheet
        self.rows = 0
        self.tmp = temp_path(path)
        self.digest: Any = None      # JSONL: the SHA-256 kept up as rows are written (on the writer thread)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            discard(path)
            if self.fmt == "xlsx":
                import openpyxl

                self.wb = openpyxl.Workbook(write_only=True)
                self.sheet_parts: list[Path] = []
                self.ws = None
                self.in_sheet = 0
            else:
                self.f = open(self.tmp, "wb")
                if self.fmt == "csv":
                    import pyarrow.csv as pcsv

                    self.f.write(b"\xef\xbb\xbf")   # Excel reads UTF-8 CSV only with a BOM
                    schema = pa.schema([(t, pa.int64() if c == "row" else pa.string())
                                        for c, t in zip(self.columns, self.titles)])
                    self.csv = pcsv.CSVWriter(self.f, schema)
        except OSError as exc:
            from ..outfile import cannot_write

            raise InputError([cannot_write(path, exc)]) from None

    def write(self, table: pa.Table) -> None:
        if table.num_rows == 0:
            return
        if "name" in self.columns and not self.show_personal:
            table = table.set_column(table.schema.get_field_index("name"), "name", mask_names(table.column("name")))
        self.rows += table.num_rows
        if self.fmt == "jsonl":
            data = _jsonl(table, self.columns)
            if self.digest is None:
                import hashlib

                self.digest = hashlib.sha256()
            self.digest.update(data)
            self.f.write(data)
            return
        table = table.select(self.columns)
        for i, c in enumerate(self.columns):
            if pa.types.is_string(table.schema.field(i).type):
                table = table.set_column(i, c, neutralise(table.column(i)))
        if self.fmt == "csv":
            self.csv.write_table(table.rename_columns(self.titles))
        else:
            self._xlsx(table)

    def _xlsx(self, table: pa.Table) -> None:
        cols = [table.column(c).to_pylist() for c in self.columns]
        if self.readable:
            from ..labels import label

            for i, c in enumerate(self.columns):
                if c in ("city", "kind"):
                    cols[i] = [label(v) if v else v for v in cols[i]]
        wrap = [c in _WRAP for c in self.columns]
        for row in zip(*cols):
            if self.ws is None or self.in_sheet >= XLSX_ROWS:
                self._new_sheet()
            if self.readable:
                self.ws.append([self._wrapped(v) if w and v else v for v, w in zip(row, wrap)])
            else:
                self.ws.append(list(row))
            self.in_sheet += 1

    def _new_sheet(self) -> None:
        """A results sheet: Chinese name, column widths, frozen header row, a filter over the rows."""
        from openpyxl.utils import get_column_letter

        if self.ws is not None:
            self._finish_sheet()
        n = len(self.wb.worksheets)
        base = "结果" if self.readable else "results"
        self.ws = self.wb.create_sheet(base if n == 0 else f"{base}{n + 1}")
        self.in_sheet = 0
        if self.readable:
            for i, c in enumerate(self.columns, 1):
                self.ws.column_dimensions[get_column_letter(i)].width = _WIDTHS.get(c, 12)
            self.ws.freeze_panes = "A2"
        self._sheet_beside(self.ws)          # after widths and panes: the writer writes the sheet's top now
        self.ws.append(self.titles)

    def _sheet_beside(self, ws: Any) -> None:
        """openpyxl streams each write-only sheet into a temporary file in TMPDIR, which a killed run
        leaves there for good. Here it goes beside the target as ``.<name>.sheetN.<pid>.part``: the
        next run writing the same output removes it under its lock (``outfile.remove_stale_parts``),
        and abort() and openpyxl's own exit hook remove it when the run ends otherwise."""
        from openpyxl.worksheet._writer import ALL_TEMP_FILES, WorksheetWriter

        out = self.path.with_name(f".{self.path.name}.sheet{len(self.sheet_parts) + 1}.{os.getpid()}.part")
        open(out, "wb").close()
        self.sheet_parts.append(out)
        ALL_TEMP_FILES.append(str(out))          # openpyxl's cleanup() removes it from this list
        ws._writer = WorksheetWriter(ws, out=str(out))
        ws._writer.write_top()

    def _finish_sheet(self) -> None:
        if self.readable and self.ws is not None:
            from openpyxl.utils import get_column_letter

            self.ws.auto_filter.ref = f"A1:{get_column_letter(len(self.columns))}{self.in_sheet + 1}"

    def _wrapped(self, value: Any) -> Any:
        from openpyxl.cell import WriteOnlyCell
        from openpyxl.styles import Alignment

        cell = WriteOnlyCell(self.ws, value)
        cell.alignment = _ALIGN.setdefault("wrap", Alignment(wrap_text=True, vertical="top"))
        return cell

    def close(self) -> None:
        """Finish the file, rename it into place, then write its manifest."""
        import datetime as dt
        import hashlib
        import json

        if self.fmt == "xlsx":
            if self.ws is None:
                self._new_sheet()
            self._finish_sheet()
            meta = self.wb.create_sheet("复现信息" if self.readable else "stamp")   # the stamp travels inside the workbook too
            if self.readable:
                from openpyxl.utils import get_column_letter

                meta.column_dimensions[get_column_letter(1)].width = 28
                meta.column_dimensions[get_column_letter(2)].width = 80
            self._sheet_beside(meta)             # after the widths: the writer writes the sheet's top now
            if self.readable:
                for k, v in self.notes:
                    meta.append([k, v])
            for k, v in _flat({"rows": self.rows, **self.stamp}).items():
                if self.readable:
                    if not k.startswith("libraries."):     # library versions stay in the manifest (JSON)
                        meta.append(_stamp_row(k, v))
                else:
                    meta.append([k, str(v)])
            self.wb.save(self.tmp)
        else:
            if self.fmt == "csv":
                self.csv.close()
            self.f.flush()
            os.fsync(self.f.fileno())
            self.f.close()
        digest = self.digest if self.fmt == "jsonl" and self.digest is not None else hashlib.sha256()
        if digest is not self.digest:        # CSV and XLSX are written by their libraries: read back
            with open(self.tmp, "rb") as f:
                for part in iter(lambda: f.read(1 << 20), b""):
                    digest.update(part)
        os.replace(self.tmp, self.path)
        manifest = {"file": self.path.name, "format": self.fmt, "rows": self.rows, "sha256": digest.hexdigest(),
                    "complete": True, "written": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
                    "stamp": self.stamp}
        replace_atomically(manifest_path(self.path), json.dumps(manifest, ensure_ascii=False, indent=1).encode())

    def abort(self) -> None:
        """The run failed: no results file at all, rather than a partial one."""
        try:
            if self.fmt != "xlsx":
                self.f.close()
        finally:
            for part in [self.tmp, *getattr(self, "sheet_parts", [])]:
                try:
                    part.unlink()
                except OSError:
                    pass


_STAMP_LABELS = {"rows": "结果行数", "engine": "引擎版本", "engine_code": "引擎代码哈希", "checklist": "事项清单哈希",
                 "input_hash": "输入哈希", "version": "版本"}


def _stamp_label(key: str) -> str:
    """packs.yancheng → 规则包 盐城 哈希: the workbook is read by people (JSON keeps the keys)."""
    from ..labels import label

    head, _, rest = key.partition(".")
    if head == "packs" and rest:
        return f"规则包 {label(rest)} 哈希"
    return _STAMP_LABELS.get(key, key)


_REVIEW_STATES = {"reviewed": "已审阅，与审阅时一致", "changed": "审阅后有改动", "not_reviewed": "未经审阅"}


def _stamp_row(key: str, value: Any) -> list[str]:
    """A 复现信息 row in words: no English keys, no Python reprs, nothing shown as None."""
    from ..labels import label

    head, _, rest = key.partition(".")
    if head == "review" and isinstance(value, list):
        parts = []
        for r in value:
            if isinstance(r, dict):
                state = _REVIEW_STATES.get(r.get("state", ""), r.get("state", ""))
                parts.append(f"《{r.get('title') or label(r.get('pack', ''))}》{state}"
                             + (f"（{len(r['changes'])} 处改动）" if r.get("changes") else ""))
        return ["规则包审阅状态", "；".join(parts)]
    return [_stamp_label(key), "未提供" if value is None else str(value)]


def _flat(d: dict, prefix: str = "") -> dict:
    out: dict = {}
    for k, v in d.items():
        if isinstance(v, dict):
            out.update(_flat(v, f"{prefix}{k}."))
        else:
            out[f"{prefix}{k}"] = v
    return out


class ThreadedWriter:
    """Formats and writes result chunks on a second thread: Arrow's kernels and file writes
    release the GIL, so this overlaps with the evaluation of the next chunk."""

    def __init__(self, writer: ResultWriter, depth: int = 2):
        import queue
        import threading

        self.writer = writer
        self.q: Any = queue.Queue(maxsize=depth)
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, name="gridlaw-audit-writer", daemon=True)
        self.thread.start()

    @property
    def fmt(self) -> str:
        return self.writer.fmt

    @property
    def columns(self) -> list[str]:
        return self.writer.columns

    @property
    def rows(self) -> int:
        return self.writer.rows

    def _run(self) -> None:
        while True:
            table = self.q.get()
            if table is None:
                return
            if self.error is None:
                try:
                    self.writer.write(table)
                except BaseException as exc:  # reported by write()/close() on the main thread
                    self.error = exc

    def write(self, table: pa.Table) -> None:
        if self.error is not None:
            raise self.error
        self.q.put(table)

    def abort(self) -> None:
        self.q.put(None)
        self.thread.join()
        self.writer.abort()

    def close(self) -> None:
        self.q.put(None)
        self.thread.join()
        if self.error is not None:
            self.writer.abort()
            err, self.error = self.error, None
            if isinstance(err, OSError):
                from ..outfile import cannot_write

                raise InputError([cannot_write(self.writer.path, err)]) from None
            raise err
        try:
            self.writer.close()
        except OSError as exc:
            self.writer.abort()
            from ..outfile import cannot_write

            raise InputError([cannot_write(self.writer.path, exc)]) from None


def mask_names(col: Any) -> Any:
    """张三 -> 张*, 欧阳小明 -> 欧***: vectorised, nulls kept."""
    if isinstance(col, pa.ChunkedArray):
        col = col.combine_chunks()
    first = pc.utf8_slice_codeunits(col, 0, 1)
    stars = pc.binary_repeat(pa.array(["*"] * len(col), pa.string()),
                             pc.max_element_wise(pc.subtract(pc.utf8_length(col), 1), 1))
    return pc.binary_join_element_wise(first, stars, "")


def _jq(col: Any) -> Any:
    """JSON string literals (or null) for a string column."""
    if isinstance(col, pa.ChunkedArray):
        col = col.combine_chunks()
    if not pc.any(pc.match_substring_regex(col, r'["\\\x00-\x1f]')).as_py():
        return pc.if_else(pc.is_null(col), pa.scalar("null"), pc.binary_join_element_wise('"', col, '"', ""))
    s = pc.replace_substring(col, "\\", "\\\\")
    s = pc.replace_substring(s, '"', '\\"')
    s = pc.replace_substring(s, "\n", "\\n")
    s = pc.replace_substring(s, "\r", "\\r")
    s = pc.replace_substring(s, "\t", "\\t")
    s = pc.replace_substring_regex(s, r"[\x00-\x08\x0b\x0c\x0e-\x1f]", " ")
    quoted = pc.binary_join_element_wise('"', s, '"', "")
    return pc.if_else(pc.is_null(col), pa.scalar("null"), quoted)


def _jq_few(col: Any) -> Any:
    """_jq for a column of few distinct values (county, township, grid): quote each value once."""
    if isinstance(col, pa.ChunkedArray):
        col = col.combine_chunks()
    enc = col.dictionary_encode()
    quoted = _jq(enc.dictionary).take(enc.indices)
    return pc.fill_null(quoted, "null")


def _jsonl(table: pa.Table, columns: list[str]) -> memoryview:
    """Every row as one JSON line, assembled with Arrow kernels (no per-row Python)."""
    own = [c for c in columns if c in ("id", "name", "county", "township", "grid", "task", "department", "date")]
    parts: list[Any] = ['{"row": ', pc.cast(table.column("row"), pa.string())]
    for c in own:
        parts += [f', "{c}": ', _jq(table.column(c)) if c in ("id", "name", "task") else _jq_few(table.column(c))]
    if "inferred" in columns and "inferred" in table.column_names:
        parts += [', "inferred": ', _jq_few(table.column("inferred"))]
    if "note" in table.column_names:       # why a fact stayed unknown, or where it came from (audit/birth.py)
        parts += [', "note": ', _jq_few(table.column("note"))]
    parts += [", ", table.column("_tail"), "}\n"]
    arrays = [p.combine_chunks() if isinstance(p, pa.ChunkedArray) else p for p in parts]
    line = pc.binary_join_element_wise(*arrays, "")
    if isinstance(line, pa.ChunkedArray):
        line = line.combine_chunks()
    return _concat_bytes(line)


def _concat_bytes(arr: pa.Array) -> memoryview:
    """The string array's characters as one bytes-like view of its data buffer (no copy: the view keeps
    the buffer alive while the file and the digest take it)."""
    bufs = arr.buffers()
    width = np.int64 if pa.types.is_large_string(arr.type) else np.int32
    offsets = np.frombuffer(bufs[1], dtype=width)[arr.offset: arr.offset + len(arr) + 1]
    return memoryview(bufs[2])[int(offsets[0]): int(offsets[-1])]
