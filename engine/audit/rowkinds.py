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


_LEADS = "注备说填附合总小共审制单登统记复经负联分"       # first characters of note / total / footer rows
# every character str.isspace() calls whitespace, i.e. what str.strip() strips (checked in tests/test_audit_fast_paths.py)
_SPACES_TEXT = ("\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006"
                "\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000")


_SPACES = _LEAD_SET = None      # the two as Arrow arrays, made on first use


def _suspects(cols: list[Any]) -> list[int]:
    """Rows that may be a note, total or title: the first cell (or the second, after an empty
    first) starts like one, or a long first cell stands alone (a merged title). Vectorised
    for pyarrow columns, so a million ordinary rows cost a few array operations."""
    if not cols:
        return []
    if all(hasattr(c, "to_pylist") for c in cols):
        import pyarrow as pa
        import pyarrow.compute as pc

        global _SPACES, _LEAD_SET
        if _SPACES is None:
            _SPACES, _LEAD_SET = pa.array(list(_SPACES_TEXT)), pa.array(list(_LEADS))

        # by Arrow kernels over the whole column; only cells that start with a lead character or a blank
        # (any of Python's whitespace, which Arrow's trim does not all know) are looked at in Python
        lead, empty, long_ = [], [], []
        for c in cols:
            if isinstance(c, pa.ChunkedArray):
                c = c.combine_chunks()
            length = pc.utf8_length(c)
            first = pc.utf8_slice_codeunits(c, 0, 1)
            spaced = pc.fill_null(pc.is_in(first, value_set=_SPACES), False).to_numpy(zero_copy_only=False)
            led = pc.fill_null(pc.is_in(first, value_set=_LEAD_SET), False).to_numpy(zero_copy_only=False)
            null = pc.is_null(c).to_numpy(zero_copy_only=False)
            e = null | (pc.fill_null(length, 0).to_numpy(zero_copy_only=False) == 0)
            ld = led.copy()
            look = np.flatnonzero(spaced)
            if len(look):
                words = c.take(pa.array(look)).to_pylist()
                ld[look] = [w.lstrip()[:1] in _LEADS and bool(w) for w in words]
                e[look] = [not w.strip() for w in words]
            lead.append(ld)
            empty.append(e)
            long_.append(pc.fill_null(pc.greater_equal(length, 6), False).to_numpy(zero_copy_only=False))
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
