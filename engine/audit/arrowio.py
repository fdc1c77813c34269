"""Parquet and Arrow in and out: a Parquet file or a folder of them (hive folders ``province=…/year=…/``
included) read as audit chunks, and results written as Parquet, partitioned the same way when asked.

A dataset is cut into *parts*: a file, or a run of a large file's row groups. Parts are listed in a
fixed order (relative path, then row group), and every row gets a global row id, 1-based, in that order
(the offset of its part plus its place in it). A single process and a Dask worker therefore give a row
the same id, which is what lets their results be compared row for row and a resumed run know which
rows a part holds.

Cells reach the pipeline as text, as a CSV's do (the converter reads 是/否, dates and numbers from
text): booleans become true/false, dates ISO dates, a timestamp its date, numbers their decimal text.
A nested column (a struct such as ``candidate``) is flattened to ``candidate.birth_date``.
"""
from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ..errors import InputError, Problem
from .chunks import Chunk
from .readers import _drop_blank_rows
from .sourcefile import Source

PART_ROWS = 1_000_000       # a larger file is cut into parts of whole row groups, about this many rows each
BATCH_ROWS = 50_000         # rows per chunk, as the CSV reader's chunks
SUFFIXES = (".parquet", ".parq", ".pq")


@dataclass(frozen=True)
class Part:
    """One unit of work: a file, or some of its row groups. ``key`` names it in a manifest."""

    root: str                          # the dataset's folder (or the file itself)
    rel: str                           # path below root ('' when root is the file)
    row_groups: tuple[int, ...] | None  # None: the whole file
    offset: int                        # rows of the dataset before this part
    rows: int
    keys: tuple[tuple[str, str | None], ...] = ()   # hive keys from the folder names (decoded), in order
    key_names: tuple[str, ...] = ()          # every hive key of the dataset (a part's results carry them all)

    @property
    def path(self) -> str:
        return os.path.join(self.root, self.rel) if self.rel else self.root

    @property
    def key(self) -> str:
        rg = "" if self.row_groups is None else f"#rg{self.row_groups[0]}-{self.row_groups[-1]}"
        return (self.rel or os.path.basename(self.root)) + rg

    @property
    def first_row(self) -> int:
        return self.offset + 1


@dataclass
class Dataset:
    root: Path
    parts: list[Part]
    columns: list[str]                  # the first file's columns (flattened)
    key_names: list[str] = field(default_factory=list)   # hive key names, outermost first

    @property
    def rows(self) -> int:
        return sum(p.rows for p in self.parts)


def is_parquet(path: str | Path) -> bool:
    p = Path(path)
    if p.is_dir():
        return any(True for _ in _files(p))
    if p.suffix.lower() in SUFFIXES:
        return True
    from ..safefile import is_regular

    if not is_regular(p):       # a FIFO would block this read; open_source refuses it by name
        return False
    try:
        with open(p, "rb") as f:
            return f.read(4) == b"PAR1"
    except OSError:
        return False


def _files(root: Path) -> Iterator[Path]:
    """Data files under a folder; names starting with '.' or '_' (_SUCCESS, _metadata, our temporary
    files) are not data, as for Spark, Dask and pyarrow."""
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith((".", "_")))
        for name in sorted(filenames):
            if not name.startswith((".", "_")) and name.lower().endswith(SUFFIXES):
                yield Path(dirpath) / name


def open_dataset(path: str | Path, lang: str = "zh", part_rows: int = PART_ROWS) -> Dataset:
    """List a Parquet file or folder as parts; InputError naming the file that cannot be read."""
    import pyarrow.parquet as pq

    root = Path(path)
    if not root.exists():
        raise InputError([Problem(str(path), "no such file" if lang == "en" else "文件不存在")])
    files = list(_files(root)) if root.is_dir() else [root]
    if not files:
        raise InputError([Problem(str(path), "no Parquet files in this folder" if lang == "en" else
                                  "文件夹中没有 Parquet 文件")])
    parts: list[Part] = []
    columns: list[str] | None = None
    key_names: list[str] = []
    offset = 0
    for f in files:
        rel = f.relative_to(root).as_posix() if root.is_dir() else ""
        keys = tuple(_hive_key(seg) for seg in rel.split("/")[:-1] if "=" in seg)
        for k, _ in keys:
            if k not in key_names:
                key_names.append(k)
        try:
            meta = pq.ParquetFile(f).metadata
        except (OSError, pa.ArrowException) as exc:
            # pyarrow's reason is English ("Couldn't deserialize thrift"): kept for --lang en only
            raise InputError([Problem(str(f), ("不是可读的 Parquet 文件：文件已损坏或不完整；请重新导出" if lang != "en" else
                                               f"not a readable Parquet file: {exc}"), code="bad_parquet",
                                      en=f"not a readable Parquet file: {exc}")]) from None
        if columns is None:
            columns = _flat_names(meta.schema.to_arrow_schema())
        groups = [meta.row_group(i).num_rows for i in range(meta.num_row_groups)]
        if sum(groups) <= part_rows or len(groups) <= 1:
            parts.append(Part(str(root), rel, None, offset, meta.num_rows, keys))   # type: ignore[arg-type]
            offset += meta.num_rows
            continue
        run: list[int] = []
        run_rows = 0
        for i, n in enumerate(groups + [0]):
            if run and (i == len(groups) or run_rows + n > part_rows):
                parts.append(Part(str(root), rel, tuple(run), offset, run_rows, keys))  # type: ignore[arg-type]
                offset += run_rows
                run, run_rows = [], 0
            if i < len(groups):
                run.append(i)
                run_rows += n
    import dataclasses

    parts = [dataclasses.replace(p, key_names=tuple(key_names)) for p in parts]
    return Dataset(root, parts, columns or [], key_names)


HIVE_NULL = "__HIVE_DEFAULT_PARTITION__"


def _hive_key(segment: str) -> tuple[str, str | None]:
    """province=%E6%B1%9F%E8%8B%8F → (province, 江苏): folder names are URI-encoded by pyarrow and Spark."""
    from urllib.parse import unquote

    k, v = segment.split("=", 1)
    return unquote(k), (None if v == HIVE_NULL else unquote(v))


def _flat_names(schema: pa.Schema) -> list[str]:
    out: list[str] = []

    def walk(f: pa.Field, prefix: str) -> None:
        if pa.types.is_struct(f.type):
            for sub in f.type:
                walk(sub, f"{prefix}{f.name}.")
        else:
            out.append(prefix + f.name)
    for f in schema:
        walk(f, "")
    return out


def file_sha256(path: str) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


# --------------------------------------------------------------------------- Arrow → audit chunks


def as_text(col: Any) -> pa.Array:
    """A column as the text a spreadsheet would show (nulls stay null)."""
    if isinstance(col, pa.ChunkedArray):
        col = col.combine_chunks()
    t = col.type
    if pa.types.is_dictionary(t):
        col = col.cast(t.value_type)
        t = col.type
    if pa.types.is_string(t):
        return col
    if pa.types.is_large_string(t) or pa.types.is_string_view(t):
        return col.cast(pa.string())
    if pa.types.is_timestamp(t):
        # a date stored as a timestamp (pandas writes dates so): its calendar day
        return pc.strftime(col, format="%Y-%m-%d") if t.tz is None else \
            pc.strftime(pc.local_timestamp(col), format="%Y-%m-%d")
    if pa.types.is_floating(t):
        # 1.0 is the integer 1 in a spreadsheet's eyes (是否… written as 1/0 by pandas with blanks)
        ints = pc.equal(col, pc.floor(col))
        as_int = pc.cast(pc.if_else(ints, col, None), pa.int64(), safe=False)
        return pc.if_else(ints, pc.cast(as_int, pa.string()), pc.cast(col, pa.string()))
    if pa.types.is_list(t) or pa.types.is_large_list(t) or pa.types.is_struct(t) or pa.types.is_map(t):
        import json

        return pa.array([None if v is None else json.dumps(v, ensure_ascii=False, default=str)
                         for v in col.to_pylist()], pa.string())
    if pa.types.is_binary(t) or pa.types.is_large_binary(t):
        return pa.array([None if v is None else v.decode("utf-8", "replace") for v in col.to_pylist()], pa.string())
    return col.cast(pa.string())


def flatten(table: pa.Table) -> pa.Table:
    while any(pa.types.is_struct(f.type) for f in table.schema):
        table = table.flatten()
    return table


def table_chunk(table: pa.Table | pa.RecordBatch, lines: np.ndarray, done: int = 0) -> Chunk:
    """An Arrow table as an audit chunk: text columns, blank rows dropped and counted (as a CSV's are)."""
    if isinstance(table, pa.RecordBatch):
        table = pa.Table.from_batches([table])
    table = flatten(table)
    header = [str(n) for n in table.column_names]
    cols = [as_text(table.column(i)) for i in range(table.num_columns)]
    # null and '' are both an empty cell, as in a CSV; a row of empty cells is blank, not a record
    cols, lines, blank = _drop_blank_rows([pc.fill_null(c, "") for c in cols], lines)
    return Chunk(header, lines, cols, [], blank, done)


def part_chunks(part: Part, batch_rows: int = BATCH_ROWS, lang: str = "zh") -> Iterator[Chunk]:
    """The part's rows as chunks, each with its global row ids."""
    import pyarrow.parquet as pq

    # text columns are read as dictionaries: a value repeated in many rows is held once until the
    # rows are known to be within bounds (a 144 KB file of one 1,000,000-character value in 300 rows
    # took 1.9 GB decoded); see _bounded_slices
    schema = pq.ParquetFile(part.path).schema_arrow
    text = [f.name for f in schema if pa.types.is_string(f.type) or pa.types.is_large_string(f.type)]
    pf = pq.ParquetFile(part.path, read_dictionary=text)
    start = part.first_row
    done = 0
    total = [0]
    batches = pf.iter_batches(batch_size=batch_rows, row_groups=part.row_groups, use_threads=False)
    while True:
        try:
            batch = next(batches)
        except StopIteration:
            return
        except (OSError, pa.ArrowException) as exc:     # a damaged page: nothing after it can be read
            raise InputError([Problem(part.path, f"Parquet 文件在第 {start + 1:,} 行起已损坏或不完整，其后的内容无法读取；"
                                                 "请重新导出", code="bad_parquet",
                                      en=f"the Parquet file is damaged from row {start + 1:,} on: {exc}")]) from None
        n = batch.num_rows
        done += n
        yield from _bounded_slices(batch, np.arange(start, start + n, dtype=np.int64), done, part.path, total, lang)
        start += n


def _bounded_slices(batch: pa.RecordBatch, lines: np.ndarray, done: int, name: str, total: list[int],
                    lang: str = "zh") -> Iterator[Chunk]:
    """A batch as chunks of at most CHUNK_CHARS characters of text, measured on the dictionaries
    before anything is decoded: a row with a cell over 32,767 characters is dropped and rejected at
    its row (as sourcefile._bounded does after decoding), and past MAX_TEXT characters in all the
    input is refused, naming the limit."""
    from .records import MAX_CELL
    from .sourcefile import _LONG, _TOO_MUCH, CHUNK_CHARS, MAX_TEXT

    n = batch.num_rows
    row_chars = np.zeros(n, dtype=np.int64)
    long_col = np.full(n, -1, dtype=np.int64)
    long_len = np.zeros(n, dtype=np.int64)
    for ci, col in enumerate(batch.columns):
        if not pa.types.is_dictionary(col.type):
            continue
        lens = pc.fill_null(pc.utf8_length(col.dictionary).take(col.indices), 0).to_numpy(zero_copy_only=False)
        row_chars += lens
        hit = (lens > MAX_CELL) & (long_col < 0)
        long_col[hit], long_len[hit] = ci, lens[hit]
    total[0] += int(row_chars.sum())
    if total[0] > MAX_TEXT:
        msg = _TOO_MUCH["en" if lang == "en" else "zh"].format(limit=MAX_TEXT, row=int(lines[-1]))
        raise InputError([Problem(name, msg, code="too_much_text",
                                  en=_TOO_MUCH["en"].format(limit=MAX_TEXT, row=int(lines[-1])))])
    long = long_col >= 0
    bad = [(int(lines[i]), _LONG["en" if lang == "en" else "zh"].format(col=int(long_col[i]) + 1, n=int(long_len[i]))) for i in np.flatnonzero(long)]
    if long.any():
        keep = ~long
        batch, lines, row_chars = batch.filter(pa.array(keep)), lines[keep], row_chars[keep]
    cuts = [0]
    acc = 0
    for i, c in enumerate(row_chars.tolist()):
        if acc and acc + c > CHUNK_CHARS:
            cuts.append(i)
            acc = 0
        acc += c
    cuts.append(len(lines))
    for k, (a, b) in enumerate(zip(cuts, cuts[1:])):
        if b <= a and not (k == 0 and bad):
            continue
        chunk = table_chunk(batch.slice(a, b - a), lines[a:b], done)
        if k == 0:
            chunk.bad.extend(bad)
        yield chunk


def open_parquet(path: str | Path, lang: str = "zh") -> Source:
    """A Parquet file or folder as an audit Source (one process)."""
    ds = open_dataset(path, lang)
    files = len({p.rel for p in ds.parts})
    desc = (f"Parquet · {files} 个文件" + (f" · 分区 {'/'.join(ds.key_names)}" if ds.key_names else "")) if lang != "en" \
        else (f"Parquet · {files} file{'s' if files > 1 else ''}" + (f" · partitioned by {'/'.join(ds.key_names)}"
                                                                    if ds.key_names else ""))
    sha = DatasetHash()
    src = Source(Path(path), "parquet", list(ds.columns), ds.rows, desc, _sha=sha, lang=lang)
    src.dataset = ds        # type: ignore[attr-defined]

    def gen() -> Iterator[Chunk]:
        done = 0
        for part in ds.parts:
            sha.add(part)
            for chunk in part_chunks(part, lang=lang):
                chunk.progress = done + chunk.progress
                yield chunk
            done += part.rows

    src._iter = gen
    return src


def open_part(part: Part, lang: str = "zh") -> Source:
    """One part of a dataset as an audit Source: its rows keep their dataset-wide ids."""
    import pyarrow.parquet as pq

    columns = _flat_names(pq.ParquetFile(part.path).schema_arrow)
    ds = Dataset(Path(part.root), [part], columns, list(part.key_names))
    sha = DatasetHash()
    src = Source(Path(part.path), "parquet", columns, part.rows, f"Parquet · {part.key}", _sha=sha, lang=lang)
    src.dataset = ds        # type: ignore[attr-defined]

    def gen() -> Iterator[Chunk]:
        sha.add(part)
        yield from part_chunks(part, lang=lang)

    src._iter = gen
    return src


class DatasetHash:
    """A dataset's SHA-256: over each part's key and the SHA-256 of its file, in part order (what a
    distributed run composes from its parts' hashes too)."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self._files: dict[str, str] = {}

    def add(self, part: Part, file_hash: str | None = None) -> None:
        h = file_hash or self._files.get(part.path) or file_sha256(part.path)
        self._files[part.path] = h
        self.lines.append(f"{part.key}\t{h}\n")

    def hexdigest(self) -> str:
        return dataset_sha256(self.lines)

    def files(self) -> dict[str, str]:
        return dict(self._files)


def dataset_sha256(lines: list[str]) -> str:
    return hashlib.sha256("".join(lines).encode()).hexdigest()


# --------------------------------------------------------------------------- results as Parquet

LIST_COLUMNS = ("violated_rules", "review_rules", "deciding_rules")   # rule ids as lists (the CSV joins them with ；)


def result_table(table: pa.Table, columns: list[str], show_personal: bool) -> pa.Table:
    """The collector's result rows as the Parquet results: the chosen columns, names masked unless asked,
    rule ids as lists."""
    from .outputs import mask_names

    out = {}
    for c in columns:
        if c not in table.column_names:
            out[c] = pa.nulls(table.num_rows, pa.int64() if c == "row" else pa.string())
            continue
        col = table.column(c)
        if isinstance(col, pa.ChunkedArray):
            col = col.combine_chunks()
        if c == "name" and not show_personal:
            col = mask_names(col)
        if c in LIST_COLUMNS:
            col = pc.if_else(pc.is_null(col), pa.scalar([], pa.list_(pa.string())),
                             pc.split_pattern(pc.fill_null(col, ""), "；"))
        out[c] = col
    return pa.table(out)


def with_keys(table: pa.Table, part: Part | None, key_names: list[str]) -> pa.Table:
    """Add the part's hive keys as columns (null where its folders do not name a key)."""
    have = dict(part.keys) if part is not None else {}
    for k in key_names:
        v = have.get(k)
        table = table.append_column(k, pa.array([v] * table.num_rows, pa.string()))
    return table


def part_file_name(part: Part) -> str:
    """The results file of a part: the same name, unique within its folder whatever the row groups."""
    stem = os.path.basename(part.rel or part.root)
    for s in SUFFIXES:
        if stem.lower().endswith(s):
            stem = stem[: -len(s)]
    if part.row_groups is not None:
        stem += f"-rg{part.row_groups[0]:05d}"
    return stem + ".parquet"


def part_out_path(out_dir: Path, part: Part, partition_by: list[str] | None) -> Path:
    """Where a part's results go in a results folder: under hive folders by ``partition_by`` when asked,
    else flat. Folders of the input that the output does not keep go into the name (a~b~file.parquet),
    so two parts never share a results file."""
    segs = [s for s in os.path.dirname(part.rel).split("/") if s] if part.rel else []
    raw = {_hive_key(s)[0]: s for s in segs if "=" in s}      # the input's own folder names, encoded as they were
    sub = Path()
    for k in partition_by or []:
        sub = sub / raw.get(k, f"{k}={HIVE_NULL}")
    kept = [s for s in segs if not ("=" in s and _hive_key(s)[0] in (partition_by or []))]
    return out_dir / sub / ("".join(s + "~" for s in kept) + part_file_name(part))


def write_parquet_atomically(path: Path, table: pa.Table) -> str:
    """Write to a temporary name in the same folder, fsync, rename; return the file's SHA-256."""
    import pyarrow.parquet as pq

    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{id(table):x}.part")
    try:
        pq.write_table(table, tmp, compression="zstd")
        with open(tmp, "rb+") as f:
            os.fsync(f.fileno())
        digest = file_sha256(str(tmp))
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()
    return digest


MANIFEST = "_manifest.json"     # in a results folder (a leading '_': readers skip it as not data)


def out_is_folder(path: Path) -> bool:
    """--out names a results folder (a Parquet dataset) rather than one file: an existing folder, a path
    ending in '/', or a name without a suffix."""
    return path.is_dir() or str(path).endswith(("/", os.sep)) or path.suffix == ""


def check_partition_by(partition_by: list[str] | None, ds: Dataset | None, out: Path, lang: str) -> None:
    """--partition-by names hive keys of the input, and a results folder to hold them."""
    if not partition_by:
        return
    zh = lang != "en"
    if not out_is_folder(out):
        raise InputError([Problem("--partition-by", "按分区写出需要 --out 指向一个文件夹" if zh else
                                  "--partition-by needs --out naming a folder")])
    have = ds.key_names if ds is not None else []
    unknown = [k for k in partition_by if k not in have]
    if unknown:
        raise InputError([Problem("--partition-by", (
            f"输入没有分区键 {'、'.join(unknown)}（输入的分区键：{'、'.join(have) or '无'}）" if zh else
            f"the input has no partition key {', '.join(unknown)} (its keys: {', '.join(have) or 'none'})"))])


class ParquetResultWriter:
    """Parquet results with the interface of outputs.ResultWriter. To a ``.parquet`` file: written under a
    temporary name and renamed when complete, then ``<out>.manifest.json``. To a folder: one file per
    input part (under the same hive folders with ``partition_by``), each renamed into place when its
    part is done, then ``_manifest.json`` listing every file with its rows and SHA-256."""

    fmt = "parquet"

    def __init__(self, path: Path, columns: list[str], show_personal: bool, stamp: dict, dataset: Dataset | None,
                 partition_by: list[str] | None = None, manifest: bool = True):
        from .results import OUT_COLUMNS

        self.path = path
        # Parquet results also carry the deciding rule ids (Decision.deciding_rules) of each row
        self.columns = [c for c in OUT_COLUMNS if c in columns or c in ("deciding_rules", "question_verdicts")]
        self.show_personal = show_personal
        self.stamp = stamp
        self.dataset = dataset
        self.key_names = list(dataset.key_names) if dataset is not None else []
        self.partition_by = partition_by
        self.manifest = manifest        # a Dask task's part file: the run's manifest lists it instead
        self.folder = out_is_folder(path)
        # hive convention: a key that names the results' folders is not repeated inside the files
        self._file_keys = [k for k in self.key_names if k not in (partition_by or [])]
        self.rows = 0
        self.files: list[dict] = []
        self._writer: Any = None
        self._tmp: Path | None = None
        self._target: Path | None = None
        self._part: Part | None = None
        self._starts = np.array([p.first_row for p in dataset.parts], dtype=np.int64) if dataset else None
        from .outputs import discard

        if self.folder:
            path.mkdir(parents=True, exist_ok=True)
            discard(path / MANIFEST)
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            discard(path)

    def _open(self, target: Path, schema: pa.Schema) -> None:
        import pyarrow.parquet as pq

        target.parent.mkdir(parents=True, exist_ok=True)
        self._target = target
        self._tmp = target.with_name(f".{target.name}.{os.getpid()}.part")
        self._writer = pq.ParquetWriter(self._tmp, schema, compression="zstd")
        self._file_rows = 0

    def _finish(self) -> None:
        if self._writer is None:
            return
        self._writer.close()
        assert self._tmp is not None and self._target is not None
        with open(self._tmp, "rb+") as f:
            os.fsync(f.fileno())
        digest = file_sha256(str(self._tmp))
        os.replace(self._tmp, self._target)
        rel = self._target.relative_to(self.path).as_posix() if self.folder else self._target.name
        self.files.append({"file": rel, "part": self._part.key if self._part else None, "rows": self._file_rows,
                           "sha256": digest})
        self._writer = self._tmp = self._target = None

    def write(self, table: pa.Table) -> None:
        if table.num_rows == 0:
            return
        out = result_table(table, self.columns, self.show_personal)
        if not self.folder:
            out = self._keyed(out) if self._file_keys else out
            if self._writer is None:
                self._open(self.path, out.schema)
            self._writer.write_table(out)
            self._file_rows += out.num_rows
            self.rows += out.num_rows
            return
        # a chunk comes from one part (readers never mix parts in a chunk)
        assert self._starts is not None and self.dataset is not None
        part = self.dataset.parts[int(np.searchsorted(self._starts, int(out.column("row")[0].as_py()), "right")) - 1]
        out = with_keys(out, part, self._file_keys)
        if part is not self._part:
            self._finish()
            self._part = part
            self._open(part_out_path(self.path, part, self.partition_by), out.schema)
        self._writer.write_table(out)
        self._file_rows += out.num_rows
        self.rows += out.num_rows

    def _keyed(self, out: pa.Table) -> pa.Table:
        """One file: each row keeps its part's hive keys as columns."""
        assert self._starts is not None and self.dataset is not None
        rows = out.column("row").to_numpy()
        idx = np.searchsorted(self._starts, rows, "right") - 1
        for k in self._file_keys:
            vals = pa.array([dict(p.keys).get(k) for p in self.dataset.parts], pa.string())
            out = out.append_column(k, vals.take(pa.array(idx)))
        return out

    def close(self) -> None:
        import json

        self._finish()
        if not self.folder and not self.files:      # no row at all: still a (empty) results file
            self._open(self.path, pa.schema([("row", pa.int64())]))
            self._finish()
        if not self.manifest:
            return
        manifest = {"format": "parquet", "rows": self.rows, "files": self.files, "complete": True,
                    "stamp": self.stamp}
        from .outputs import manifest_path, replace_atomically

        where = self.path / MANIFEST if self.folder else manifest_path(self.path)
        replace_atomically(where, json.dumps(manifest, ensure_ascii=False, indent=1).encode())

    def abort(self) -> None:
        if self._writer is not None:
            try:
                self._writer.close()
            except Exception:
                pass
        if self._tmp is not None and self._tmp.exists():
            self._tmp.unlink()
        self._writer = self._tmp = None
