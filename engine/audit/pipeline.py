"""The audit as a one-way pipeline over batches of rows (docs/architecture.md):

    read → split rows → map headers → convert values → derive facts → evaluate → collect → write
    readers  rowkinds     headerplan    convert          derive         evaluation  results   outputs

:func:`audit_chunk` takes one chunk through split … collect; ``gridlaw audit``
(``run.py``), the web jobs (through ``run_audit``) and a distributed worker
(:func:`audit_batch`) all drive these same stages. Stages are looked up on their
modules at call time, so a test can watch each one.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence

import numpy as np

from . import convert, derive, evaluation, headerplan, rowkinds
from .chunks import Accounting, Chunk, Evaluated
from .context import AuditContext, Options, audit_context, load_packs
from .results import Collector

__all__ = ["AuditContext", "Options", "BatchOutcome", "audit_batch", "audit_chunk", "audit_context", "load_packs",
           "worker_context"]


@dataclass
class BatchOutcome:
    table: Any                  # pyarrow Table: one result row per row read (per pack with --city all)
    accounting: Accounting
    evaluated: Evaluated        # what the collector folded (groups, rejections, non-record rows, column notes)


def audit_chunk(ctx: AuditContext, chunk: Chunk, collector: Collector) -> BatchOutcome:
    """One chunk down the stages, split … collect; the caller writes ``table``."""
    records = rowkinds.split_rows(chunk)
    mapped = headerplan.map_columns(records, ctx)
    facts = convert.convert(mapped, ctx)
    derived = derive.derive(facts, ctx)
    done = evaluation.evaluate(derived, ctx)
    table = collector.add(done)
    ch = done.chunk
    unreadable = len(done.rejected) + len(ch.bad)
    acc = Accounting(read=ch.n + len(ch.bad), evaluated=ch.n - len(done.rejected), unreadable=unreadable,
                     non_records=sum(done.non_records.values()), blank=ch.blank)
    return BatchOutcome(table, acc, done)


def audit_batch(ctx: AuditContext, header: Sequence[str], columns: Sequence[Any], row_ids: Sequence[int],
                collector: Collector | None = None) -> BatchOutcome:
    """Audit a batch of rows given as columns (pyarrow string arrays or lists, one per header cell)
    with their source row ids. Pure apart from the context's caches: no file, no global state.

    ``collector``: fold into this one (its aggregates then span batches); else a fresh one, whose
    aggregates are in ``outcome.evaluated`` and the table. Result rows keep ``row_ids``."""
    if collector is None:
        collector = Collector(ctx.packs, ctx.opts.lang, all_cities=ctx.opts.city == "all")
    chunk = Chunk(list(header), np.asarray(row_ids, dtype=np.int64), list(columns))
    if len(columns) != len(header) or any(len(c) != chunk.n for c in columns):
        raise ValueError("audit_batch: one column per header cell, each as long as row_ids")
    return audit_chunk(ctx, chunk, collector)


def worker_context(kind: str | None, city: str | None, date: Any = None, lang: str = "zh", role: str | None = None,
                   map_file: str | None = None, pack: str | None = None, national: bool = True,
                   strict_keys: bool = False, checklist: Any = None) -> AuditContext:
    """Packs, header map and vocabulary loaded once, e.g. per distributed worker."""
    import datetime as dt

    packs, _, city = load_packs(city, lang, pack, national)
    opts = Options(kind, city, role, date or dt.date.today(), lang, checklist)
    return audit_context(packs, opts, map_file, strict_keys)
