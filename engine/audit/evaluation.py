"""Stage 6, evaluate: the rows of each (kind, city) group under that city's pack stack,
with :func:`gridlaw.batch.evaluate_columns` (the semantic core); rejected rows get their
reasons joined. Entry point: :func:`evaluate`.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pyarrow as pa

from ..batch import Columns, evaluate_columns
from .chunks import Chunk, Evaluated, FactBatch, Group
from .context import AuditContext


def evaluate(batch: FactBatch, ctx: AuditContext) -> Evaluated:
    chunk = batch.chunk
    n = chunk.n
    city_vals = batch.city
    rejected = batch.rejections.rows()
    bad_mask = np.zeros(n, dtype=bool)
    bad_mask[rejected] = True
    groups: list[Group] = []
    kinds_count: dict[str, int] = {}
    for kf in batch.kinds:
        if not n:          # a chunk of blank or unparsable rows only
            continue
        idx = kf.base(n)
        good_local = ~bad_mask[idx]
        kinds_count[kf.kind] = int(good_local.sum())
        targets = list(ctx.packs) if ctx.opts.city == "all" else \
            [c for c in dict.fromkeys(city_vals[idx][good_local].tolist()) if c in ctx.packs]
        for city in targets:
            sel = good_local if ctx.opts.city == "all" else good_local & (city_vals[idx] == city)
            if not sel.any():
                continue
            whole = bool(sel.all())
            cols = Columns(int(sel.sum()),
                           {f: (a if whole else a[sel]) for f, a in kf.data.items()},
                           {f: (k if whole else k[sel]) for f, k in kf.known.items()})
            result = evaluate_columns(ctx.packs[city], kf.kind, cols, ctx.opts.checklist)
            groups.append(Group(kf.kind, city, idx[sel], result))

    msgs = batch.rejections.msgs
    sep = "；" if ctx.opts.lang == "zh" else "; "
    reasons = [sep.join(msgs[r]) for r in rejected.tolist()]
    rej_city = [c or "" for c in city_vals[rejected].tolist()] if city_vals is not None else [""] * len(rejected)
    raw_index = batch.mapped.plan.raw
    bad_cells = [b[2] if len(b) > 2 and b[2] else [] for b in chunk.bad]
    bad_raw = {name: [(c[i] or None) if i < len(c) else None for c in bad_cells]
               for name, i in raw_index.items()} if chunk.bad else {}
    records = batch.mapped.records
    return Evaluated(chunk, groups, rejected, reasons, rej_city, _raw(chunk, raw_index), kinds_count, batch.notes,
                     bad_raw, records.non_records, records.non_record_rows, batch.ignored, batch.duplicates)


def _raw(chunk: Chunk, raw_index: dict[str, int]) -> dict[str, Any]:
    """The RAW_FIELDS columns as written (id, name, county …), for the outputs."""
    return {name: _as_strings(chunk.columns[i]) for name, i in raw_index.items()}


def _as_strings(col: Any) -> Any:
    """A raw column as a pyarrow string array, empty cells null."""
    import pyarrow.compute as pc

    if isinstance(col, (pa.Array, pa.ChunkedArray)):
        arr = col.combine_chunks() if isinstance(col, pa.ChunkedArray) else col
        return pc.if_else(pc.equal(arr, ""), pa.scalar(None, pa.string()), arr)
    out = []
    for v in col:
        if v is None:
            out.append(None)
        else:
            s = (str(int(v)) if isinstance(v, float) and v.is_integer() else
                 v.isoformat()[:10] if isinstance(v, (dt.date, dt.datetime)) else str(v)).strip()
            out.append(s or None)
    return pa.array(out, type=pa.string())
