"""Rows of a township sheet that are not records: a (merged) title row repeated below
the header, note rows (注：… / 备注 / 填表说明), total rows (合计 / 总计 / 小计 / 共计).
They are recognised, counted apart and never audited or drawn in charts.

A row is one of these only when its first filled cell says so *and* the row carries
little else (a merged cell, or a label with a count), so an applicant whose name
happens to start with 注 is still a record.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import replace
from typing import Any

import numpy as np

from .chunks import Chunk, RecordBatch

KINDS = ("title", "note", "total")
LABELS = {"zh": {"title": "标题行", "note": "注释行", "total": "合计行", "above": "表头以上的标题行"},
          "en": {"title": "title rows", "note": "note rows", "total": "total rows", "above": "rows above the header"}}

_NOTE = re.compile(r"^(?:注[:：、\d１-９一二三]|注意[:：]|备注[:：]|说明[:：]|填表说明|附注|注$)")
_TOTAL = re.compile(r"^(?:合\s*计|总\s*计|小\s*计|共\s*计|总\s*数)(?:$|[:：\s（(]|\d)")
_TITLE = re.compile(r"(?:表|名单|名册|花名册|一览|汇总|统计|情况)$|^.{0,20}\d{4}\s*年.*(?:招聘|报名|登记|考核)")
_FILLER = re.compile(r"^(?:填表人|审核人|制表人|负责人|填报单位|单位（盖章）)")


def classify(cells: list[str]) -> str | None:
    """title | note | total | None (a record) for one row's cell texts."""
    filled = [c for c in cells if c]
    if not filled:
        return None
    first = filled[0]
    distinct = len(set(filled))
    if _NOTE.match(first) and distinct <= 2:
        return "note"
    if _TOTAL.match(first) and distinct <= max(4, len(cells) // 3):
        return "total"
    if distinct == 1 and len(first) >= 6 and (_TITLE.search(first) or _FILLER.match(first)):
        return "title"
    return None


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
