"""Stage 2, split rows: a chunk's title, note and total rows (``gridlaw.sheetrows.classify``)
are taken out, counted apart and never audited or drawn in charts. Entry point: :func:`split_rows`.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import replace
from typing import Any

import numpy as np

from ..sheetrows import classify
from .chunks import Chunk, RecordBatch

LABELS = {"zh": {"title": "标题行", "note": "注释行", "total": "合计行", "above": "表头以上的标题行"},
          "en": {"title": "title rows", "note": "note rows", "total": "total rows", "above": "rows above the header"}}


def split_rows(chunk: Chunk, keep: int = 20) -> RecordBatch:
    """Stage 2, split: the chunk's records, and its title / note / total rows counted apart
    (with the first ``keep`` of them as (row, kind, text))."""
    counts: Counter = Counter()
    seen: list[tuple[int, str, str]] = []
    if chunk.n == 0 or not chunk.columns:
        return RecordBatch(chunk, counts, seen)
    suspects = _suspects(chunk.columns[:2])
    if not suspects:
        return RecordBatch(chunk, counts, seen)
    drop = []
    for i in suspects:
        cells = [_s(c[i].as_py() if hasattr(c, "to_pylist") else c[i]) for c in chunk.columns]
        kind = classify(cells)
        if kind:
            drop.append(i)
            counts[kind] += 1
            if len(seen) < keep:
                seen.append((int(chunk.lines[i]), kind, next(c for c in cells if c)[:40]))
    if not drop:
        return RecordBatch(chunk, counts, seen)
    mask = np.ones(chunk.n, dtype=bool)
    mask[drop] = False
    records = replace(chunk, lines=chunk.lines[mask], columns=[_filter(c, mask) for c in chunk.columns])
    return RecordBatch(records, counts, seen)


_LEADS = "注备说填附合总小共审制单"       # first characters of note / total / footer rows


def _suspects(cols: list[Any]) -> list[int]:
    """Rows that may be a note, total or title: the first cell (or the second, after an empty
    first) starts like one, or a long first cell stands alone (a merged title). Vectorised
    for pyarrow columns, so a million ordinary rows cost a few array operations."""
    if not cols:
        return []
    if all(hasattr(c, "to_pylist") for c in cols):
        import pyarrow.compute as pc

        # per distinct value (a sheet column has few), then spread to the rows
        lead, empty, long_ = [], [], []
        for c in cols:
            enc = pc.dictionary_encode(c)
            words = enc.dictionary.to_pylist() + [None]          # the last slot stands for null cells
            idx = pc.fill_null(enc.indices, len(words) - 1).to_numpy(zero_copy_only=False)
            lead.append(np.array([bool(w) and w.lstrip()[:1] in _LEADS for w in words], dtype=bool)[idx])
            empty.append(np.array([not (w or "").strip() for w in words], dtype=bool)[idx])
            long_.append(np.array([len(w or "") >= 6 for w in words], dtype=bool)[idx])
        hit = lead[0]
        if len(cols) > 1:
            hit = hit | (empty[0] & lead[1]) | (empty[1] & long_[0])
        return np.flatnonzero(hit).tolist()
    return [i for i in range(len(cols[0])) if _suspect_cells([_s(c[i]) for c in cols])]


def _suspect_cells(cells: list[str]) -> bool:
    first = next((c for c in cells if c), "")
    return bool(first) and (first[0] in _LEADS or (len(cells) > 1 and not cells[1] and len(cells[0]) >= 6))


def _s(v: Any) -> str:
    return "" if v is None else str(v).strip()


def _filter(col: Any, mask: np.ndarray) -> Any:
    if hasattr(col, "filter"):
        import pyarrow as pa

        return col.filter(pa.array(mask))
    return [v for v, k in zip(col, mask) if k]
