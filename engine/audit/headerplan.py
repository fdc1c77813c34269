"""Stage 3, map: which column of a header gives which fact, for every kind of act.

A header is resolved once (``headers.yaml`` and ``--map``, through
:class:`~gridlaw.audit.mapping.HeaderMap`) into a :class:`ColumnPlan`; every
later chunk with the same header reuses it. Entry point: :func:`map_columns`.
"""
from __future__ import annotations

from .chunks import RAW_FACTS, RAW_FIELDS, ColumnPlan, MappedBatch, RecordBatch
from .context import PERSON, AuditContext


def plan_columns(ctx: AuditContext, header: list[str]) -> ColumnPlan:
    """The plan for a header (cached in the context: a pure function of the header)."""
    key = tuple(header)
    plan = ctx.plans.get(key)
    if plan is None:
        kinds = {kind: ctx.hm.resolve(kind, header) for kind in ctx.specs}
        plan = ctx.plans[key] = ColumnPlan(key, kinds, _column_of(kinds, "kind"), _column_of(kinds, "city"),
                                           _raw_index(kinds, ctx.opts.kind))
    return plan


def map_columns(batch: RecordBatch, ctx: AuditContext) -> MappedBatch:
    return MappedBatch(batch, plan_columns(ctx, batch.chunk.header))


def _column_of(kinds: dict, fact: str) -> int | None:
    """The column giving a fact every kind has (kind, city, id …), whatever the kind."""
    for res in kinds.values():
        for i, f in res.facts.items():
            if f == fact:
                return i
    return None


def _raw_index(kinds: dict, kind: str | None) -> dict[str, int]:
    """RAW_FIELDS present in the header -> column index."""
    out: dict[str, int] = {}
    for name in RAW_FIELDS:
        for k in (kind,) if kind else tuple(kinds):
            want = set(RAW_FACTS.get(name, (name,)))
            idx = next((i for i, f in kinds[k].facts.items() if f in want), None)
            if idx is not None:
                out[name] = idx
                break
    return out
