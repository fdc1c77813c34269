"""Cell values → typed facts: dates, yes/no, enums, lists, whole numbers, appraisals.

Every converter works on the *distinct* values of a column (a spreadsheet
column has few), with a cache that lives for the whole run, so a million
rows cost a few thousand conversions. A converter returns the value, ``None``
for unknown (a blank cell, 不详, n/a …: unknown, never false), or raises
:class:`BadValue` with a plain message naming what was expected.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable, get_args, get_origin

import annotated_types
from pydantic import BaseModel
from pydantic_core import PydanticUndefined

if TYPE_CHECKING:
    import numpy as np

from ..acts import ACT_MODELS, Appraisal
from ..dates import DATE_MSG, EXCEL_EPOCH, BadValue, MonthDate, parse_date  # noqa: F401  (re-exported)
from .mapping import HeaderMap, norm



@dataclass(frozen=True)
class FactSpec:
    path: str
    type: str                  # bool | int | date | enum | list | str | appraisals
    codes: tuple[str, ...] = ()
    lo: int | None = None
    hi: int | None = None
    default: Any = None
    label: str = ""
    personal: bool = False


def fact_specs() -> dict[str, dict[str, FactSpec]]:
    """kind -> fact path -> FactSpec, read from the act models (types, codes, bounds, defaults)."""
    out: dict[str, dict[str, FactSpec]] = {}
    for kind, model in ACT_MODELS.items():
        specs: dict[str, FactSpec] = {}
        _walk(model, "", specs)
        out[kind] = specs
    return out


def _walk(model: type[BaseModel], prefix: str, out: dict[str, FactSpec]) -> None:
    for name, field in model.model_fields.items():
        ann = field.annotation
        sub = next((t for t in (ann, *get_args(ann)) if isinstance(t, type) and issubclass(t, BaseModel)), None)
        path = prefix + name
        if sub is not None:
            _walk(sub, path + ".", out)
            continue
        extra = field.json_schema_extra if isinstance(field.json_schema_extra, dict) else {}
        lo = hi = None
        for m in field.metadata:
            if isinstance(m, annotated_types.Ge):
                lo = m.ge
            elif isinstance(m, annotated_types.Le):
                hi = m.le
        default = None if field.is_required() or field.default is PydanticUndefined else field.default
        out[path] = FactSpec(path, _type_of(ann), tuple(_literals(ann)), lo, hi, default,
                             str(extra.get("label", "")), bool(extra.get("personal")))


def _literals(ann: Any) -> list[str]:
    if get_origin(ann) is not None and str(get_origin(ann)) == "typing.Literal":
        return list(get_args(ann))
    return [v for a in get_args(ann) for v in _literals(a)]


def _type_of(ann: Any) -> str:
    text = str(ann)
    if "Appraisal" in text:
        return "appraisals"
    if "list" in text:
        return "list"
    if "bool" in text:
        return "bool"
    if "datetime.date" in text:
        return "date"
    if "int" in text:
        return "int"
    return "enum" if "Literal" in text else "str"


# --------------------------------------------------------------------------- messages

_MSG = {
    "zh": {
        **DATE_MSG["zh"],
        "bool": "无法识别的是/否值（可写作 是/否、有/无、Y/N、true/false、1/0）",
        "enum": "无法识别的取值（可选：{options}）",
        "item": "“{item}”无法识别（可选：{options}）",
        "int": "不是整数",
        "range": "超出范围（{lo}—{hi}）",
        "appraisal": "无法识别的考核结果（可写作 2021合格；2022不合格）",
        "year": "考核年度超出 {lo}—{hi}",
        "day_needed": "只写到月份；此栏须写出具体日期（如 2024-05-01）",
    },
    "en": {
        **DATE_MSG["en"],
        "bool": "not a yes/no value (write 是/否, 有/无, Y/N, true/false or 1/0)",
        "enum": "unknown value (one of: {options})",
        "item": "{item!r} is not known (one of: {options})",
        "int": "not a whole number",
        "range": "out of range ({lo}–{hi})",
        "appraisal": "not an appraisal list (write 2021合格；2022不合格 or 2021:pass,2022:fail)",
        "year": "appraisal year outside {lo}–{hi}",
        "day_needed": "month only; this column needs a full date (e.g. 2024-05-01)",
    },
}

_INT = re.compile(r"^([+-]?\d+(?:\.\d+)?)\s*(万)?\s*(?:人|户|名|个|岁|周岁|年)?$")
_SPLIT = re.compile(r"[、，,;；/|\s]+")
_APPRAISAL_ITEM = re.compile(r"(\d{4})\s*(?:年度|年)?\s*[:：=＝]?\s*([^\d、，,;；/|\s:：=＝]+)")
_EMPTY_LIST = frozenset(norm(w) for w in ("无", "没有", "none", "[]", "空", "均无"))


class Converter:
    """Per-fact, per-value cache of conversions for one run."""

    def __init__(self, hm: HeaderMap, lang: str = "zh"):
        self.hm = hm
        self.msg = _MSG.get(lang, _MSG["zh"])
        self.cache: dict[tuple[str, Any], Any] = {}
        self.caches: dict[str, dict[Any, Any]] = {}    # fact -> cell -> value | BadValue

    # one value ---------------------------------------------------------------

    def one(self, spec: FactSpec, raw: Any) -> Any:
        """The fact's value for a cell: value, None (unknown), or raises BadValue."""
        key = (spec.path, raw if not isinstance(raw, (list, dict)) else repr(raw))
        hit = self.cache.get(key, _MISS)
        if hit is _MISS:
            try:
                hit = self._convert(spec, raw)
            except BadValue as exc:
                hit = exc
            if len(self.cache) < 2_000_000:
                self.cache[key] = hit
        if isinstance(hit, BadValue):
            raise hit
        return hit

    def _convert(self, spec: FactSpec, raw: Any) -> Any:
        if raw is None:
            return None
        if isinstance(raw, str):
            raw = raw.strip()
            if not raw:
                return None
        fn: Callable[[FactSpec, Any], Any] = getattr(self, "_" + spec.type)
        return fn(spec, raw)

    def _is_unknown(self, raw: Any) -> bool:
        return isinstance(raw, str) and norm(raw) in self.hm.unknown

    def _str(self, spec: FactSpec, raw: Any) -> Any:
        if isinstance(raw, float) and raw.is_integer():
            return str(int(raw))
        if isinstance(raw, (dt.datetime, dt.date)):
            return raw.isoformat()[:10]
        return str(raw).strip() or None

    def _bool(self, spec: FactSpec, raw: Any) -> Any:
        if isinstance(raw, bool):
            return raw
        if isinstance(raw, (int, float)) and raw in (0, 1):
            return bool(raw)
        hit = self.hm.booleans.get(norm(raw))
        if hit is not None:
            return hit
        if self._is_unknown(raw):
            return None
        raise BadValue(self.msg["bool"])

    def _int(self, spec: FactSpec, raw: Any) -> Any:
        if isinstance(raw, bool):
            raise BadValue(self.msg["int"])
        if isinstance(raw, (int, float)):
            value = raw
        else:
            text = str(raw).replace(",", "").replace("，", "").replace(" ", "")
            m = _INT.match(text)
            if not m:
                if self._is_unknown(raw):
                    return None
                raise BadValue(self.msg["int"])
            value = float(m.group(1)) * (10000 if m.group(2) else 1)
        if isinstance(value, float):
            if not value.is_integer():
                raise BadValue(self.msg["int"])
            value = int(value)
        if (spec.lo is not None and value < spec.lo) or (spec.hi is not None and value > spec.hi):
            raise BadValue(self.msg["range"].format(lo=spec.lo if spec.lo is not None else "",
                                                    hi=spec.hi if spec.hi is not None else ""))
        return value

    def _date(self, spec: FactSpec, raw: Any) -> Any:
        day = parse_date(raw, self.msg, self._is_unknown)
        if isinstance(day, MonthDate) and not spec.path.endswith("birth_date"):
            raise BadValue(self.msg["day_needed"])   # only a birth date may stop at the month (see birth.py)
        return day

    def _enum(self, spec: FactSpec, raw: Any) -> Any:
        text = self._str(spec, raw)
        code = self.hm.value_set(spec.path).get(norm(text))
        if code is not None and (not spec.codes or code in spec.codes):
            return code
        if self._is_unknown(text):
            return None
        raise BadValue(self.msg["enum"].format(options=self._options(spec)))

    def _list(self, spec: FactSpec, raw: Any) -> Any:
        if isinstance(raw, (list, tuple)):
            items = [str(v).strip() for v in raw if v is not None and str(v).strip()]
        else:
            text = str(raw)
            if norm(text) in _EMPTY_LIST:
                return ()
            if self._is_unknown(text):
                return None
            items = [t for t in _SPLIT.split(text) if t]
        table = self.hm.value_set(spec.path)
        out: list[str] = []
        for item in items:
            code = table.get(norm(item))
            if code is None or (spec.codes and code not in spec.codes):
                raise BadValue(self.msg["item"].format(item=item, options=self._options(spec)))
            if code not in out:
                out.append(code)
        return tuple(out)

    def _appraisals(self, spec: FactSpec, raw: Any) -> Any:
        lo = Appraisal.model_fields["year"].metadata
        ylo = next((m.ge for m in lo if isinstance(m, annotated_types.Ge)), 1990)
        yhi = next((m.le for m in lo if isinstance(m, annotated_types.Le)), 2100)
        pairs: list[tuple[int, bool]] = []
        if isinstance(raw, (list, tuple)):
            for item in raw:
                if isinstance(item, dict) and "year" in item and "passed" in item:
                    year, passed = item["year"], item["passed"]
                elif isinstance(item, (list, tuple)) and len(item) == 2:
                    year, passed = item
                else:
                    raise BadValue(self.msg["appraisal"])
                if not isinstance(year, int) or isinstance(year, bool):
                    raise BadValue(self.msg["appraisal"])
                passed = self.appraisal_grade(passed)
                pairs.append((year, passed))
        else:
            text = str(raw)
            if norm(text) in _EMPTY_LIST:
                return ()
            if self._is_unknown(text):
                return None
            found = _APPRAISAL_ITEM.findall(text)
            rest = _APPRAISAL_ITEM.sub("", text)
            if not found or _SPLIT.sub("", rest):
                raise BadValue(self.msg["appraisal"])
            pairs = [(int(y), self.appraisal_grade(g)) for y, g in found]
        for year, _ in pairs:
            if not ylo <= year <= yhi:
                raise BadValue(self.msg["year"].format(lo=ylo, hi=yhi))
        return tuple(sorted(dict(pairs).items()))

    def appraisal_grade(self, raw: Any) -> bool:
        if isinstance(raw, bool):
            return raw
        hit = self.hm.appraisal.get(norm(raw))
        if hit is None:
            hit = self.hm.booleans.get(norm(raw))
        if hit is None:
            raise BadValue(self.msg["appraisal"])
        return hit

    def grade_or_none(self, raw: Any) -> bool | None:
        """A one-year appraisal cell (a 2022年度考核 column)."""
        if raw is None or (isinstance(raw, str) and not raw.strip()) or self._is_unknown(raw):
            return None
        return self.appraisal_grade(raw.strip() if isinstance(raw, str) else raw)

    def _options(self, spec: FactSpec) -> str:
        labels = self.hm.labels_of(spec.path)
        codes = list(spec.codes)
        shown = "、".join(labels[:12]) if labels else ""
        return (shown + ("；或 " if shown else "") + ", ".join(codes[:12])) if codes else shown

    # columns -----------------------------------------------------------------

    def column(self, spec: FactSpec, uniques: list[Any], inverse: np.ndarray, arrow: Any = None
               ) -> tuple[np.ndarray, np.ndarray, np.ndarray | None, list[str | None]]:
        """Typed values and known mask for every row, from a column's distinct values.

        ``arrow`` (the distinct values as a pyarrow string array, when the column
        came from pyarrow) lets ISO dates be parsed in one vectorised call.
        Returns (values, known, bad, messages): ``bad`` is the per-row index into
        ``messages`` of the row's error (-1 where none), or None when no value was bad."""
        import numpy as np   # here, not at import: ``check`` converts an act's written values with this module

        fast = None
        if spec.type == "date" and arrow is not None and len(uniques) > 32:
            fast = _iso_days(arrow)
            todo = np.flatnonzero(~fast[1]).tolist()    # only these need Python
        else:
            todo = range(len(uniques))
        cache = self.caches.setdefault(spec.path, {})
        got: list[Any] = [None] * len(uniques)
        errs: list[str | None] = [None] * len(uniques)
        for i in todo:
            u = uniques[i]
            key = repr(u) if isinstance(u, (list, dict)) else u
            g = cache.get(key, _MISS)
            if g is _MISS:
                try:
                    g = self._convert(spec, u)
                except BadValue as exc:
                    g = exc
                if len(cache) < 1_000_000:
                    cache[key] = g
            if isinstance(g, BadValue):
                errs[i] = str(g)
            else:
                got[i] = g
        if fast is not None:
            days, ok = fast
            slow_vals, slow_known = typed_array("date", got)
            uvals = np.where(ok, days, slow_vals.view(np.int64)).view("datetime64[D]")
            uknown = ok | slow_known
        else:
            uvals, uknown = typed_array(spec.type, got)
        values = uvals[inverse]
        known = uknown[inverse]
        bad = None
        if any(errs):
            flags = np.array([e is not None for e in errs], dtype=bool)
            bad_rows = flags[inverse]
            if bad_rows.any():
                bad = np.where(bad_rows, inverse, -1)
        return values, known, bad, errs


_DATE_RE = (r"^\s*(?P<y>\d{4})\s*[-/.年]\s*(?P<m>\d{1,2})\s*[-/.月]\s*(?P<d>\d{1,2})\s*日?"
            r"(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?\s*$")


def _iso_days(arrow: Any) -> tuple[np.ndarray, np.ndarray]:
    """Days since 1970 of the values written year-month-day (2021-10-01, 2021/10/1, 2021年10月1日 …),
    parsed in one vectorised pass, and which values were such valid dates (1900–2100)."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    parts = pc.extract_regex(arrow, _DATE_RE)
    matched = parts.is_valid().to_numpy(zero_copy_only=False)
    if not matched.any():
        return np.zeros(len(arrow), dtype=np.int64), matched

    def num(name: str) -> np.ndarray:
        col = pc.fill_null(pc.struct_field(parts, name), "0")
        return pc.cast(col, pa.int64()).to_numpy(zero_copy_only=False)
    y, m, d = num("y"), num("m"), num("d")
    ok = matched & (m >= 1) & (m <= 12) & (d >= 1) & (d <= 31) & (y >= 1900) & (y <= 2100)
    months = ((np.where(ok, y, 1970) - 1970) * 12 + np.where(ok, m, 1) - 1).astype("datetime64[M]")
    days = months.astype("datetime64[D]") + (np.where(ok, d, 1) - 1)
    ok &= days.astype("datetime64[M]") == months        # 2021-02-30 is not a date
    return days.astype(np.int64), ok


_MISS = object()
_FAST = object()
_DAY_1900 = (dt.date(1900, 1, 1) - dt.date(1970, 1, 1)).days
_DAY_2100 = (dt.date(2100, 12, 31) - dt.date(1970, 1, 1)).days
_EPOCH_ORDINAL = dt.date(1970, 1, 1).toordinal()


def typed_array(kind: str, vals: list[Any]) -> tuple[np.ndarray, np.ndarray]:
    """Values in the dtype gridlaw.batch expects: bool, int64, datetime64[D], or object."""
    import numpy as np

    nat = np.datetime64("NaT").astype(np.int64)
    known = np.fromiter((v is not None for v in vals), dtype=bool, count=len(vals))
    if kind == "bool":
        return np.fromiter((bool(v) for v in vals), dtype=bool, count=len(vals)), known
    if kind == "int":
        return np.fromiter((v if v is not None else 0 for v in vals), dtype=np.int64, count=len(vals)), known
    if kind == "date":
        days = np.fromiter((v.toordinal() - _EPOCH_ORDINAL if v is not None else nat for v in vals),
                           dtype=np.int64, count=len(vals))
        return days.view("datetime64[D]"), known
    arr = np.empty(len(vals), dtype=object)
    arr[:] = vals
    return arr, known


