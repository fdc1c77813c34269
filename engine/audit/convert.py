"""Stage 4, convert: cells → typed fact columns, per kind of act; or a row rejected with a reason.

A row is rejected (never silently dropped) when a cell of a mapped column
cannot be read as its fact's type (a bad date, an unknown value, a wrong
type), when its kind or city is missing or unknown, when there is no pack
for its city, or — for JSONL — when it has a field no act has. Its reason
names the column and the value. Cell conversions are cached per distinct
value (``values.Converter``). Entry point: :func:`convert`.
"""
from __future__ import annotations

import difflib
from typing import Any

import numpy as np
import pyarrow as pa

from .chunks import RAW_FIELDS, FactBatch, KindFacts, MappedBatch, Rejections
from .context import PERSON, AuditContext
from .mapping import APPRAISALS, Resolution
from .values import FactSpec

# raw cells the derive stage reads again (birth dates to the month, ID numbers)
_RAW_FOR_DERIVE = frozenset(p + f for p in PERSON.values() for f in ("birth_date", "id_number", "phone"))


def convert(batch: MappedBatch, ctx: AuditContext) -> FactBatch:
    chunk, plan = batch.chunk, batch.plan
    n = chunk.n
    t = ctx.t
    header = chunk.header
    reject = Rejections()

    # kind of each row
    if ctx.opts.kind:
        kind_rows: dict[str, np.ndarray | None] = {ctx.opts.kind: None}
    else:
        ki = plan.kind_column
        kind_rows = {}
        if ki is None:
            reject(np.arange(n), t["no_kind"])
        else:
            vals, known, bad, errs, uniq, inv = _convert(ctx, ctx.kind_spec, chunk.columns[ki])
            _reject_bad(ctx, reject, bad, errs, uniq, inv, header[ki])
            reject(np.flatnonzero(~known & (bad < 0 if bad is not None else True)), t["no_kind"])
            ok = known if bad is None else known & (bad < 0)
            for k in dict.fromkeys(vals[ok].tolist()):
                kind_rows[k] = np.flatnonzero(ok & (vals == k))

    # city of each row
    city_col = plan.city_column
    city_vals = None
    if ctx.opts.city != "all" and n:
        if city_col is not None:
            vals, known, bad, errs, uniq, inv = _convert(ctx, ctx.city_spec, chunk.columns[city_col])
            _reject_bad(ctx, reject, bad, errs, uniq, inv, header[city_col])
            bad_rows = bad >= 0 if bad is not None else np.zeros(n, dtype=bool)
            if ctx.opts.city:
                fill = ~known & ~bad_rows
                vals = vals.copy()
                vals[fill] = ctx.opts.city
                known = known | fill
            city_vals = vals
            reject(np.flatnonzero(~known & ~bad_rows), t["no_city"])
        elif ctx.opts.city:
            city_vals = np.full(n, ctx.opts.city, dtype=object)
        else:
            reject(np.arange(n), t["no_city"])
            city_vals = np.full(n, None, dtype=object)
        for c in dict.fromkeys(city_vals.tolist()):
            if c is not None and c not in ctx.packs:
                reject(np.flatnonzero(city_vals == c),
                       t["no_pack"].format(city=c, have="、".join(ctx.packs) or "—"))

    kinds: list[KindFacts] = []
    ignored: dict[str, None] = {}
    duplicates: dict[str, None] = {}
    for kind, rows in kind_rows.items():
        res = plan.kinds[kind]
        if not ctx.strict_keys:
            ignored.update(dict.fromkeys(res.ignored))
        duplicates.update(dict.fromkeys(res.duplicates))
        kinds.append(_facts(ctx, kind, batch, res, rows, reject))
    return FactBatch(batch, kinds, city_vals, reject, {}, list(ignored), list(duplicates))


def _facts(ctx: AuditContext, kind: str, batch: MappedBatch, res: Resolution, rows: np.ndarray | None,
           reject: Rejections) -> KindFacts:
    chunk = batch.chunk
    header = chunk.header
    specs = ctx.specs[kind]
    m = chunk.n if rows is None else len(rows)
    base = np.arange(chunk.n) if rows is None else rows
    data: dict[str, np.ndarray] = {}
    known: dict[str, np.ndarray] = {}
    cells: dict[str, Any] = {}
    for i, fact in res.facts.items():
        if fact in _RAW_FOR_DERIVE:
            cells[fact] = chunk.columns[i] if rows is None else _take(chunk.columns[i], rows)
        spec = specs[fact]
        if fact in ("kind", "city") or (spec.type == "str" and (spec.personal or fact in RAW_FIELDS)
                                        and fact not in ctx.read):
            continue  # carried as written (outputs), or handled above; no rule reads them
        col = cells.get(fact)
        if col is None:
            col = chunk.columns[i] if rows is None else _take(chunk.columns[i], rows)
        vals, kn, bad, errs, uniq, inv = _convert(ctx, spec, col)
        if bad is not None:
            _reject_bad(ctx, reject, bad, errs, uniq, inv, header[i], base)
        data[fact], known[fact] = vals, kn
    if res.years:
        _year_columns(ctx, chunk, rows, res, base, data, known, reject)
    if ctx.strict_keys:
        vocab = list(specs)
        for i, h in enumerate(header):
            if i in res.facts or i in res.years:
                continue
            col = chunk.columns[i] if rows is None else _take(chunk.columns[i], rows)
            present = np.fromiter((v is not None for v in col), dtype=bool, count=m)
            if present.any():
                near = difflib.get_close_matches(h, vocab, n=1)
                reject(base[present], ctx.t["unknown_field"].format(
                    key=h, hint=ctx.t["hint"].format(near=near[0]) if near else ""))
    return KindFacts(kind, rows, data, known, cells)


def _year_columns(ctx: AuditContext, chunk: Any, rows: np.ndarray | None, res: Resolution, base: np.ndarray,
                  data: dict, known: dict, reject: Rejections) -> None:
    """2021年度考核 / 2022年度考核 … columns → worker.appraisals."""
    m = len(base)
    per_year: list[tuple[int, np.ndarray, np.ndarray]] = []
    for i, year in sorted(res.years.items(), key=lambda kv: kv[1]):
        col = chunk.columns[i] if rows is None else _take(chunk.columns[i], rows)
        uniq, inv = _factorize(col)
        vals, errs = [], []
        for u in uniq:
            try:
                vals.append(ctx.conv.grade_or_none(u))
                errs.append(None)
            except ValueError as exc:
                vals.append(None)
                errs.append(str(exc))
        v = np.array([x is True for x in vals])[inv]
        k = np.array([x is not None for x in vals])[inv]
        e = np.array([x is not None for x in errs])[inv]
        if e.any():
            bad = np.where(e, inv, -1)
            _reject_bad(ctx, reject, bad, errs, uniq, inv, chunk.header[i], base)
        per_year.append((year, v, k))
    any_known = np.zeros(m, dtype=bool)
    for _, _, k in per_year:
        any_known |= k
    out = np.full(m, None, dtype=object)
    for r in np.flatnonzero(any_known).tolist():
        out[r] = tuple((y, bool(v[r])) for y, v, k in per_year if k[r])
    data[APPRAISALS], known[APPRAISALS] = out, any_known


def _convert(ctx: AuditContext, spec: FactSpec, col: Any
             ) -> tuple[np.ndarray, np.ndarray, np.ndarray | None, list, list, np.ndarray]:
    uniq, inv, arrow = _factorize(col, with_arrow=True)
    vals, known, bad, errs = ctx.conv.column(spec, uniq, inv, arrow)
    return vals, known, bad, errs, uniq, inv


def _reject_bad(ctx: AuditContext, reject: Rejections, bad: np.ndarray | None, errs: list, uniq: list,
                inv: np.ndarray, column: str, base: np.ndarray | None = None) -> None:
    if bad is None:
        return
    for u in np.unique(bad[bad >= 0]).tolist():
        rows = np.flatnonzero(bad == u)
        raw = uniq[u]
        shown = raw if isinstance(raw, str) else repr(raw) if isinstance(raw, (list, dict, tuple)) else str(raw)
        reject(rows if base is None else base[rows],
               ctx.t["cell"].format(col=column, raw=_clip(shown), msg=errs[u]))


# --------------------------------------------------------------------------- helpers


def _factorize(col: Any, with_arrow: bool = False) -> Any:
    """(distinct values, index of each row's value[, distinct values as pyarrow]): pyarrow dictionary
    encoding, or a dict for Python lists."""
    if isinstance(col, (pa.Array, pa.ChunkedArray)):
        enc = col.dictionary_encode()
        if isinstance(enc, pa.ChunkedArray):
            enc = enc.combine_chunks()
        inv = enc.indices.to_numpy(zero_copy_only=False)
        uniq = enc.dictionary.to_pylist()
        arrow = enc.dictionary
        if enc.null_count:
            inv = np.where(enc.is_valid().to_numpy(zero_copy_only=False), inv, len(uniq))
            uniq.append(None)
            arrow = pa.concat_arrays([arrow, pa.nulls(1, arrow.type)])
        inv = inv.astype(np.int64, copy=False)
        return (uniq, inv, arrow) if with_arrow else (uniq, inv)
    index: dict[Any, int] = {}
    uniq: list[Any] = []
    codes = np.empty(len(col), dtype=np.int64)
    for i, v in enumerate(col):
        key = (type(v), repr(v)) if isinstance(v, (list, dict, float)) else (type(v), v)
        c = index.get(key)
        if c is None:
            c = index[key] = len(uniq)
            uniq.append(v)
        codes[i] = c
    return (uniq, codes, None) if with_arrow else (uniq, codes)


def _take(col: Any, rows: np.ndarray) -> Any:
    if isinstance(col, (pa.Array, pa.ChunkedArray)):
        return col.take(pa.array(rows))
    return [col[i] for i in rows.tolist()]


def _clip(text: str, n: int = 40) -> str:
    text = text.replace("\n", " ")
    return text if len(text) <= n else text[:n - 1] + "…"
