"""Stage 5, derive: the facts a row does not state but the audit can settle.

- the options and defaults: ``--role``, the record date (``--date``, else today), the
  act models' defaults (``still_serving`` = true);
- a birth date written to the month, or only as an ID number (``birth.py``);
- a stated age that disagrees with the birth date rejects the row, as ``acts.Hire`` does.

Facts derived from facts for the rules (ages on a date, consecutive failed years,
the reading of task texts) are the semantic core's, written once in :mod:`gridlaw.derive`
and applied by :func:`gridlaw.batch.evaluate_columns`; they are not repeated here. Entry point: :func:`derive`.
"""
from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

import numpy as np

from ..derive import ages, as_dates
from .chunks import FactBatch, KindFacts, Rejections
from .context import PERSON, AuditContext


def derive(batch: FactBatch, ctx: AuditContext) -> FactBatch:
    notes: dict[int, str] = dict(batch.notes)
    from .remarks import remark_notes

    chunk = batch.chunk
    for row, text in remark_notes(chunk.header, chunk.columns, chunk.n, ctx.opts.lang).items():
        notes[row] = f"{notes[row]}；{text}" if row in notes else text
    reject = batch.rejections.copy()          # the converted batch stays as convert gave it
    kinds = [_derive_kind(ctx, kf, batch.chunk.n, reject, notes) for kf in batch.kinds]
    return replace(batch, kinds=kinds, rejections=reject, notes=notes)


def _derive_kind(ctx: AuditContext, kf: KindFacts, n: int, reject: Rejections, notes: dict[int, str]) -> KindFacts:
    kind = kf.kind
    specs = ctx.specs[kind]
    data, known = dict(kf.data), dict(kf.known)
    base = kf.base(n)
    m = len(base)
    if ctx.opts.role and "role" in specs:
        _fill(data, known, "role", m, ctx.opts.role, object)
    if "date" in known and not known["date"].all() and ctx.opts.date_basis:
        # the row's own date cell is blank: it is judged as of the run's date, and says so
        blank = "日期栏空白：按 {d} 审查" if ctx.opts.lang != "en" else "date cell blank: judged as of {d}"
        text = blank.format(d=ctx.opts.date.isoformat())
        for i in np.flatnonzero(~known["date"]).tolist():
            row = int(base[i])
            notes[row] = f"{notes[row]}；{text}" if row in notes else text
    _fill(data, known, "date", m, ctx.date64, "datetime64[D]")
    for fact, spec in specs.items():
        if spec.default is not None and not isinstance(spec.default, (list, dict)) and fact != "kind":
            _fill(data, known, fact, m, spec.default, bool if spec.type == "bool" else object)
    who = PERSON.get(kind)
    if who is not None and kf.cells:
        from .birth import settle_birth_dates

        birth = who + "birth_date"
        if birth in known:                         # settled in place below
            data[birth], known[birth] = data[birth].copy(), known[birth].copy()
        settle_birth_dates(who, kf.cells, data, known, base, reject, notes, ctx.opts.lang, ctx.age_tests[who])
        _check_phones(kf.cells.get(who + "phone"), base, notes, ctx.opts.lang)
    _check_age(ctx, kind, data, known, base, reject)
    return replace(kf, data=data, known=known)


def _check_age(ctx: AuditContext, kind: str, data: dict, known: dict, base: np.ndarray, reject: Rejections) -> None:
    """As acts.Hire/Exit do: a stated age that disagrees with the birth date rejects the row."""
    who = PERSON.get(kind)
    age, birth = f"{who}age", f"{who}birth_date"
    if who is None or age not in data or birth not in data:
        return
    b, bk = as_dates(data[birth], known[birth])
    d, dk = as_dates(data["date"], known["date"])
    idx = np.flatnonzero(bk & dk & known[age])
    if not len(idx):
        return
    derived = ages(d[idx], b[idx])
    for j in np.flatnonzero(derived != data[age][idx].astype(np.int64)).tolist():
        reject(base[idx[j:j + 1]], ctx.t["age_mismatch"].format(age=int(derived[j])))


def _fill(data: dict, known: dict, fact: str, m: int, value: Any, dtype: Any) -> None:
    """Unknown cells of ``fact`` (or the whole column when absent) take ``value``; new arrays, never in place."""
    if fact not in data:
        arr = np.full(m, value, dtype=dtype) if dtype is not object else np.full(m, None, dtype=object)
        if dtype is object:
            arr[:] = value
        data[fact], known[fact] = arr, np.ones(m, dtype=bool)
        return
    k = known[fact]
    if k.all():
        return
    arr = data[fact].copy()
    arr[~k] = value
    data[fact], known[fact] = arr, np.ones(m, dtype=bool)


def _check_phones(col: Any, base: np.ndarray, notes: dict[int, str], lang: str) -> None:
    """A 联系电话 that is no phone number (a digit lost, 1395151) does not decide eligibility, so the row is still
    judged; its note says so, by length only (the number itself is personal data)."""
    if col is None:
        return
    from ..idnumber import phone_ok

    rows: Any = range(min(len(col), len(base)))
    if hasattr(col, "to_pylist"):
        import pyarrow as pa
        import pyarrow.compute as pc

        if pa.types.is_string(col.type) or pa.types.is_large_string(col.type):
            # a plain mobile number (11 ASCII digits, 1[3-9]…) is a phone as written: only the rest are looked at
            look = pc.invert(pc.fill_null(pc.match_substring_regex(col, r"^1[3-9][0-9]{9}$"), True))
            rows = [i for i in np.flatnonzero(np.asarray(look, dtype=bool)).tolist() if i < len(base)]
            cells = col.take(pa.array(rows, pa.int64())).to_pylist() if rows else []
        else:
            cells = col.to_pylist()[:len(base)]
    else:
        cells = [col[i] for i in rows]
    for i, cell in zip(rows, cells):
        if isinstance(cell, float) and cell.is_integer():
            cell = int(cell)                      # a phone typed into a number cell
        text = "" if cell is None else re.sub(r"\.0$", "", str(cell).strip())
        if not text or phone_ok(text):
            continue
        digits = sum(ch.isdigit() for ch in text)
        note = (f"联系电话不是有效的号码（{digits} 位数字；手机号应为 11 位），请核对" if lang != "en" else
                f"the phone number is not valid ({digits} digits; a mobile number has 11), please check")
        row = int(base[i])
        notes[row] = f"{notes[row]}；{note}" if notes.get(row) else note
