"""The audit as a library call on data already in memory: a pyarrow Table or RecordBatch, a pandas or
polars DataFrame in; a pyarrow Table out, one result row per input row (per pack with ``city="all"``).

    >>> import gridlaw, pandas as pd
    >>> df = pd.DataFrame({"出生日期": ["1990-03-15"], "是否受过刑事处罚": ["是"], ...})
    >>> gridlaw.audit_table(df, kind="hire", city="yancheng", role="full_time", date="2024-05-06")

Columns are named as in a sheet (Chinese or English headers, headers.yaml and ``map_file``) or by fact
path (``candidate.birth_date``); a struct column is flattened to such paths. The result's ``row`` is
the input row's 0-based position. The audit is the one ``gridlaw audit`` runs (audit/run.py) on the
same chunks; no file is read or written.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any, Iterator

import numpy as np
import pyarrow as pa

from .arrowio import BATCH_ROWS, LIST_COLUMNS, table_chunk
from .chunks import Chunk
from .results import OUT_COLUMNS as RESULT_COLUMNS
from .sourcefile import Source


def as_arrow(data: Any) -> pa.Table:
    """A pyarrow Table from a Table, RecordBatch, pandas or polars DataFrame (anything with the Arrow
    PyCapsule stream interface, too)."""
    if isinstance(data, pa.Table):
        return data
    if isinstance(data, pa.RecordBatch):
        return pa.Table.from_batches([data])
    mod = type(data).__module__.split(".", 1)[0]
    if mod == "pandas":
        return pa.Table.from_pandas(data, preserve_index=False)
    if mod == "polars":
        return data.to_arrow()
    if hasattr(data, "__arrow_c_stream__"):
        return pa.table(data)
    raise TypeError(f"audit_table takes a pyarrow Table or RecordBatch, or a pandas or polars DataFrame "
                    f"(got {type(data).__name__})")


def open_table(table: pa.Table, lang: str = "zh", first_row: int = 0) -> Source:
    """An in-memory table as an audit Source; rows are numbered from ``first_row``."""
    src = Source(Path("<table>"), "arrow", [str(c) for c in table.column_names], table.num_rows,
                 "Arrow" if lang == "en" else "内存表", _sha=_TableHash(table))

    def gen() -> Iterator[Chunk]:
        for start in range(0, max(table.num_rows, 1), BATCH_ROWS):
            part = table.slice(start, BATCH_ROWS)
            yield table_chunk(part, np.arange(first_row + start, first_row + start + part.num_rows, dtype=np.int64),
                              start + part.num_rows)

    src._iter = gen
    return src


class _TableHash:
    def __init__(self, table: pa.Table):
        self.table = table

    def hexdigest(self) -> str:
        return ""


class TableSink:
    """The results kept in memory (the writer interface of outputs.ResultWriter)."""

    fmt = "arrow"

    def __init__(self, columns: list[str], show_personal: bool):
        self.columns = [c for c in RESULT_COLUMNS if c in columns or c in ("deciding_rules", "question_verdicts")]
        self.show_personal = show_personal
        self.tables: list[pa.Table] = []
        self.rows = 0
        self.files: list[dict] = []

    def write(self, table: pa.Table) -> None:
        from .arrowio import result_table

        if table.num_rows:
            out = result_table(table, self.columns, self.show_personal)
            self.tables.append(out)
            self.rows += out.num_rows

    def close(self) -> None:
        pass

    def abort(self) -> None:
        self.tables.clear()

    def table(self) -> pa.Table:
        if not self.tables:
            return pa.table({c: pa.array([], pa.int64() if c == "row" else
                                         pa.list_(pa.string()) if c in LIST_COLUMNS else pa.string())
                             for c in self.columns})
        return pa.concat_tables(self.tables)


def audit_table(data: Any, *, kind: str | None = None, city: str | None = None, role: str | None = None,
                date: str | dt.date | None = None, lang: str = "zh", map_file: str | Path | None = None,
                checklist: str | Path | None = None, pack: str | None = None, national: bool = True,
                show_personal_data: bool = False, first_row: int = 0) -> pa.Table:
    """Audit rows held in memory; return one result row per input row (per pack with city="all").

    Raises gridlaw.InputError (with ``.problems``) when the rows cannot be audited at all (no kind or
    city, unknown option values); a row that cannot be read is a result row with decision
    ``unreadable`` and its reason, as in ``gridlaw audit``."""
    from .run import AuditConfig, run_audit
    from .values import BadValue, parse_date

    table = as_arrow(data)
    day = date
    if isinstance(date, str):
        try:
            day = parse_date(date)
        except BadValue as exc:
            from ..errors import InputError, Problem

            raise InputError([Problem("date", f"not a date: {date!r} ({exc})")]) from None
    cfg = AuditConfig(file=Path("<table>"), kind=kind, city=city, role=role, date=day, lang=lang,  # type: ignore[arg-type]
                      map_file=Path(map_file) if map_file else None, checklist=Path(checklist) if checklist else None,
                      show_personal=show_personal_data, top=0, listing="none", progress=False, pack=pack,
                      national=national)
    cfg.source = open_table(table, lang, first_row)
    sink: dict[str, TableSink] = {}

    def make_sink(columns: list[str]) -> TableSink:
        sink["s"] = TableSink(columns, show_personal_data)
        return sink["s"]

    cfg.sink = make_sink
    run_audit(cfg)
    return sink["s"].table()
