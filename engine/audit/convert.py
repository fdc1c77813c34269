"""One chunk of input rows → typed fact columns per (kind, city), evaluated; or rejected with a reason.

A row is rejected (never silently dropped) when a cell of a mapped column
cannot be read as its fact's type (a bad date, an unknown value, a wrong
type), when its kind or city is missing or unknown, when there is no pack
for its city, or — for JSONL — when it has a field no act has. Its reason
names the column and the value. Everything else is evaluated with
:func:`gridlaw.batch.evaluate_columns`.
"""
from __future__ import annotations

import datetime as dt
import difflib
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pyarrow as pa

from ..batch import _age, _as_dates, BatchResult, Columns, evaluate_columns
from ..checklist import Checklist
from ..loader import Pack
from .mapping import APPRAISALS, HeaderMap, Resolution
from .readers import Chunk, Source
from .values import Converter, FactSpec, fact_specs

RAW_FIELDS = ("id", "name", "county", "township", "grid")   # carried to the outputs as written
GROUPS = ("county", "township", "grid")
_PERSON = {"hire": "candidate.", "exit": "worker."}

_T = {
    "zh": {"no_kind": "未写明类型（请填“类型”列，或用 --kind）", "no_city": "未写明城市（请填“城市”列，或用 --city）",
           "no_pack": "{city} 尚无规则包（现有：{have}）", "unknown_field": "未知字段“{key}”{hint}",
           "hint": "（是否指 {near}？）", "cell": "{col}“{raw}”：{msg}",
           "age_mismatch": "年龄与出生日期不符（按记录日期推算应为 {age} 岁）"},
    "en": {"no_kind": "no kind (fill the kind column or pass --kind)", "no_city": "no city (fill the city column or pass --city)",
           "no_pack": "no pack for {city} yet (available: {have})", "unknown_field": "unknown field {key!r}{hint}",
           "hint": " (did you mean {near}?)", "cell": "{col} {raw!r}: {msg}",
           "age_mismatch": "age disagrees with the birth date (it gives {age} on the record date)"},
}


@dataclass
class Options:
    kind: str | None = None
    city: str | None = None          # a city, "all", or None (from a column)
    role: str | None = None
    date: dt.date = field(default_factory=dt.date.today)
    lang: str = "zh"
    checklist: Checklist | None = None


@dataclass
class Group:
    """Rows of one chunk evaluated together under one pack."""

    kind: str
    city: str
    rows: np.ndarray                 # indices into the chunk's rows
    result: BatchResult


@dataclass
class Prepared:
    chunk: Chunk
    groups: list[Group]
    rejected: np.ndarray             # indices into the chunk's rows
    reasons: list[str]               # one per rejected index
    rejected_city: list[str]         # the row's city if it was read ("" if not)
    raw: dict[str, Any]              # RAW_FIELDS -> pyarrow string array over the chunk's rows (null = empty)
    kinds: dict[str, int] = field(default_factory=dict)
    notes: dict[int, str] = field(default_factory=dict)   # chunk row -> why a fact stayed unknown / where it came from
    bad_raw: dict[str, list] = field(default_factory=dict)   # RAW_FIELDS of the chunk's unparsable rows (chunk.bad)


class Pipeline:
    def __init__(self, source: Source, hm: HeaderMap, opts: Options, packs: dict[str, Pack]):
        self.source = source
        self.hm = hm
        self.opts = opts
        self.packs = packs
        self.t = _T.get(opts.lang, _T["zh"])
        self.specs = fact_specs()
        self.conv = Converter(hm, opts.lang)
        self._res: dict[tuple[str, tuple[str, ...]], Resolution] = {}
        self.ignored: dict[str, None] = {}
        self.duplicates: dict[str, None] = {}
        self._kind_spec = FactSpec("kind", "enum", tuple(self.specs))
        self._city_spec = FactSpec("city", "enum", tuple(self.specs["hire"]["city"].codes))
        self._date64 = np.datetime64(opts.date, "D")
        self.read = {f for p in packs.values() for r in p.rules for f in r.facts}   # facts some rule reads
        self._age_tests: dict[str, list] | None = None

    # ------------------------------------------------------------------ columns

    def resolution(self, kind: str, header: list[str]) -> Resolution:
        key = (kind, tuple(header))
        res = self._res.get(key)
        if res is None:
            res = self._res[key] = self.hm.resolve(kind, header)
        return res

    def column_of(self, header: list[str], fact: str) -> int | None:
        """The column giving a fact every kind has (kind, city, id …), whatever the kind."""
        for kind in self.specs:
            res = self.resolution(kind, header)
            for i, f in res.facts.items():
                if f == fact:
                    return i
        return None

    # ------------------------------------------------------------------ a chunk

    def process(self, chunk: Chunk) -> Prepared:
        n = chunk.n
        t = self.t
        msgs: dict[int, list[str]] = {}
        header = chunk.header
        self.notes: dict[int, str] = {}      # chunk row -> a note for the result (birth.py)

        def reject(rows: np.ndarray, text: str) -> None:
            for r in rows.tolist():
                msgs.setdefault(r, []).append(text)

        # kind of each row
        if self.opts.kind:
            kind_rows = {self.opts.kind: None}
        else:
            ki = self.column_of(header, "kind")
            kind_rows = {}
            if ki is None:
                reject(np.arange(n), t["no_kind"])
            else:
                vals, known, bad, errs, uniq, inv = self._convert(self._kind_spec, chunk.columns[ki])
                self._reject_bad(reject, bad, errs, uniq, inv, header[ki])
                reject(np.flatnonzero(~known & (bad < 0 if bad is not None else True)), t["no_kind"])
                ok = known if bad is None else known & (bad < 0)
                for k in dict.fromkeys(vals[ok].tolist()):
                    kind_rows[k] = np.flatnonzero(ok & (vals == k))

        # city of each row
        city_col = self.column_of(header, "city")
        city_vals = None
        if self.opts.city != "all" and n:
            if city_col is not None:
                vals, known, bad, errs, uniq, inv = self._convert(self._city_spec, chunk.columns[city_col])
                self._reject_bad(reject, bad, errs, uniq, inv, header[city_col])
                bad_rows = bad >= 0 if bad is not None else np.zeros(n, dtype=bool)
                if self.opts.city:
                    fill = ~known & ~bad_rows
                    vals = vals.copy()
                    vals[fill] = self.opts.city
                    known = known | fill
                city_vals = vals
                reject(np.flatnonzero(~known & ~bad_rows), t["no_city"])
            elif self.opts.city:
                city_vals = np.full(n, self.opts.city, dtype=object)
            else:
                reject(np.arange(n), t["no_city"])
                city_vals = np.full(n, None, dtype=object)
            for c in dict.fromkeys(city_vals.tolist()):
                if c is not None and c not in self.packs:
                    reject(np.flatnonzero(city_vals == c),
                           t["no_pack"].format(city=c, have="、".join(self.packs) or "—"))

        kinds_data = {}
        for kind, rows in kind_rows.items():
            kinds_data[kind] = (rows, self._facts(kind, chunk, rows, reject))

        rejected = np.array(sorted(msgs), dtype=np.int64)
        bad_mask = np.zeros(n, dtype=bool)
        bad_mask[rejected] = True
        groups: list[Group] = []
        kinds_count: dict[str, int] = {}
        for kind, (rows, (data, known)) in kinds_data.items():
            idx = np.arange(n) if rows is None else rows
            if not n:          # a chunk of blank or unparsable rows only
                continue
            good_local = ~bad_mask[idx]
            kinds_count[kind] = int(good_local.sum())
            targets = list(self.packs) if self.opts.city == "all" else \
                [c for c in dict.fromkeys(city_vals[idx][good_local].tolist()) if c in self.packs]
            for city in targets:
                sel = good_local if self.opts.city == "all" else good_local & (city_vals[idx] == city)
                if not sel.any():
                    continue
                whole = bool(sel.all())
                cols = Columns(int(sel.sum()),
                               {f: (a if whole else a[sel]) for f, a in data.items()},
                               {f: (k if whole else k[sel]) for f, k in known.items()})
                result = evaluate_columns(self.packs[city], kind, cols, self.opts.checklist)
                groups.append(Group(kind, city, idx[sel], result))

        reasons = ["；".join(msgs[r]) if self.opts.lang == "zh" else "; ".join(msgs[r]) for r in rejected.tolist()]
        if city_vals is not None:
            rej_city = [c or "" for c in city_vals[rejected].tolist()]
        else:
            rej_city = [""] * len(rejected)
        bad_cells = [b[2] if len(b) > 2 and b[2] else [] for b in chunk.bad]
        bad_raw = {name: [(c[i] or None) if i < len(c) else None for c in bad_cells]
                   for name, i in self.raw_index(chunk.header).items()} if chunk.bad else {}
        return Prepared(chunk, groups, rejected, reasons, rej_city, self._raw(chunk), kinds_count, self.notes, bad_raw)

    # ------------------------------------------------------------------ facts of one kind

    def _facts(self, kind: str, chunk: Chunk, rows: np.ndarray | None, reject: Any
               ) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
        header = chunk.header
        res = self.resolution(kind, header)
        if not self.source.strict_keys:
            self.ignored.update(dict.fromkeys(res.ignored))
        self.duplicates.update(dict.fromkeys(res.duplicates))
        specs = self.specs[kind]
        m = chunk.n if rows is None else len(rows)
        base = np.arange(chunk.n) if rows is None else rows
        data: dict[str, np.ndarray] = {}
        known: dict[str, np.ndarray] = {}
        for i, fact in res.facts.items():
            spec = specs[fact]
            if fact in ("kind", "city") or (spec.type == "str" and (spec.personal or fact in RAW_FIELDS)
                                            and fact not in self.read):
                continue  # carried as written (outputs), or handled above; no rule reads them
            col = chunk.columns[i] if rows is None else _take(chunk.columns[i], rows)
            vals, kn, bad, errs, uniq, inv = self._convert(spec, col)
            if bad is not None:
                self._reject_bad(reject, bad, errs, uniq, inv, header[i], base)
            data[fact], known[fact] = vals, kn
        if res.years:
            self._year_columns(chunk, rows, res, base, data, known, reject)
        if self.source.strict_keys:
            vocab = list(specs)
            for i, h in enumerate(header):
                if i in res.facts or i in res.years:
                    continue
                col = chunk.columns[i] if rows is None else _take(chunk.columns[i], rows)
                present = np.fromiter((v is not None for v in col), dtype=bool, count=m)
                if present.any():
                    near = difflib.get_close_matches(h, vocab, n=1)
                    reject(base[present], self.t["unknown_field"].format(
                        key=h, hint=self.t["hint"].format(near=near[0]) if near else ""))
        # defaults: --role, the record date, model defaults (still_serving = true)
        if self.opts.role and "role" in specs:
            _fill(data, known, "role", m, self.opts.role, object)
        _fill(data, known, "date", m, self._date64, "datetime64[D]")
        for fact, spec in specs.items():
            if spec.default is not None and not isinstance(spec.default, (list, dict)) and fact != "kind":
                _fill(data, known, fact, m, spec.default, bool if spec.type == "bool" else object)
        who = _PERSON.get(kind)
        if who is not None:
            from .birth import settle_birth_dates

            raw = {f: (chunk.columns[i] if rows is None else _take(chunk.columns[i], rows))
                   for i, f in res.facts.items() if f in (who + "birth_date", who + "id_number")}
            if raw:
                if self._age_tests is None:
                    from .birth import age_tests

                    self._age_tests = {w: age_tests(self.packs, w + "age") for w in _PERSON.values()}
                settle_birth_dates(who, raw, data, known, base, reject, self.notes, self.opts.lang,
                                   self._age_tests[who])
        self._check_age(kind, data, known, base, reject)
        return data, known

    def _check_age(self, kind: str, data: dict, known: dict, base: np.ndarray, reject: Any) -> None:
        """As acts.Hire/Exit do: a stated age that disagrees with the birth date rejects the row."""
        who = _PERSON.get(kind)
        age, birth = f"{who}age", f"{who}birth_date"
        if who is None or age not in data or birth not in data:
            return
        b, bk = _as_dates(data[birth], known[birth])
        d, dk = _as_dates(data["date"], known["date"])
        idx = np.flatnonzero(bk & dk & known[age])
        if not len(idx):
            return
        derived = _age(d[idx], b[idx])
        for j in np.flatnonzero(derived != data[age][idx].astype(np.int64)).tolist():
            reject(base[idx[j:j + 1]], self.t["age_mismatch"].format(age=int(derived[j])))

    def _year_columns(self, chunk: Chunk, rows: np.ndarray | None, res: Resolution, base: np.ndarray,
                      data: dict, known: dict, reject: Any) -> None:
        """2021年度考核 / 2022年度考核 … columns → worker.appraisals."""
        m = len(base)
        per_year: list[tuple[int, np.ndarray, np.ndarray]] = []
        for i, year in sorted(res.years.items(), key=lambda kv: kv[1]):
            col = chunk.columns[i] if rows is None else _take(chunk.columns[i], rows)
            uniq, inv = _factorize(col)
            vals, errs = [], []
            for u in uniq:
                try:
                    vals.append(self.conv.grade_or_none(u))
                    errs.append(None)
                except ValueError as exc:
                    vals.append(None)
                    errs.append(str(exc))
            v = np.array([x is True for x in vals])[inv]
            k = np.array([x is not None for x in vals])[inv]
            e = np.array([x is not None for x in errs])[inv]
            if e.any():
                bad = np.where(e, inv, -1)
                self._reject_bad(reject, bad, errs, uniq, inv, chunk.header[i], base)
            per_year.append((year, v, k))
        any_known = np.zeros(m, dtype=bool)
        for _, _, k in per_year:
            any_known |= k
        out = np.full(m, None, dtype=object)
        for r in np.flatnonzero(any_known).tolist():
            out[r] = tuple((y, bool(v[r])) for y, v, k in per_year if k[r])
        data[APPRAISALS], known[APPRAISALS] = out, any_known

    def _convert(self, spec: FactSpec, col: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray | None, list, list, np.ndarray]:
        uniq, inv, arrow = _factorize(col, with_arrow=True)
        vals, known, bad, errs = self.conv.column(spec, uniq, inv, arrow)
        return vals, known, bad, errs, uniq, inv

    def _reject_bad(self, reject: Any, bad: np.ndarray | None, errs: list, uniq: list, inv: np.ndarray,
                    column: str, base: np.ndarray | None = None) -> None:
        if bad is None:
            return
        for u in np.unique(bad[bad >= 0]).tolist():
            rows = np.flatnonzero(bad == u)
            raw = uniq[u]
            shown = raw if isinstance(raw, str) else repr(raw) if isinstance(raw, (list, dict, tuple)) else str(raw)
            reject(rows if base is None else base[rows],
                   self.t["cell"].format(col=column, raw=_clip(shown), msg=errs[u]))

    def raw_index(self, header: list[str]) -> dict[str, int]:
        """RAW_FIELDS present in a header -> column index."""
        out: dict[str, int] = {}
        for name in RAW_FIELDS:
            for kind in (self.opts.kind,) if self.opts.kind else tuple(self.specs):
                res = self.resolution(kind, header)
                want = {name, _PERSON.get(kind, "") + name} if name == "name" else {name}
                idx = next((i for i, f in res.facts.items() if f in want), None)
                if idx is not None:
                    out[name] = idx
                    break
        return out

    def _raw(self, chunk: Chunk) -> dict[str, Any]:
        return {name: _as_strings(chunk.columns[i]) for name, i in self.raw_index(chunk.header).items()}


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


def _fill(data: dict, known: dict, fact: str, m: int, value: Any, dtype: Any) -> None:
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


def _clip(text: str, n: int = 40) -> str:
    text = text.replace("\n", " ")
    return text if len(text) <= n else text[:n - 1] + "…"
