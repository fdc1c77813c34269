"""A local checklist: the grid matters a county published, and when.

File (YAML or JSON, UTF-8 or GBK; or a CSV/XLSX/XLS table with a 事项 column)::

    county: 亭湖区
    published: 2022-03-01
    matters: [采集实有人口信息, 排查安全隐患, ...]

A task whose ``task.on_checklist`` is not stated is looked up here, with one of
three answers (:meth:`Checklist.lookup`, issue 16 §4). Listed: a task text equal
to a listed matter (script, width, spaces and punctuation ignored), or a
one-clause task text that contains a listed matter whole (入户采集登记实有人口信息 ⊇
采集登记实有人口信息) — matching does not overclaim (issue 7). Not listed: no
entry shares a two-character word of content with the task (neither its act nor
its object), and the answer names the entries compared. Possibly listed:
anything between; the nearest entry is named and the user confirms it. A
checklist the user supplied is a fact: it is never asked for again.
"""
from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass
from typing import Literal
import json
import re
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from .errors import InputError, Problem
from .textnorm import normalize, to_simplified

_CLAUSE = re.compile(r"[，,。；;！!？?：:\n]")
MIN_CONTAINED = 4  # a listed matter shorter than this is too general to match inside a longer text


class Checklist(BaseModel):
    model_config = ConfigDict(extra="forbid")
    county: str | None = None
    published: dt.date | None = Field(None, description="publication date; matters apply from then")
    matters: list[str] = Field(min_length=1)

    @functools.cached_property
    def _normalized(self) -> dict[str, str]:
        out: dict[str, str] = {}
        for m in self.matters:
            out.setdefault(normalize(m), m)
        return out

    @functools.cached_property
    def _by_length(self) -> list[tuple[str, str]]:
        return sorted(((n, m) for n, m in self._normalized.items() if len(n) >= MIN_CONTAINED), key=lambda x: -len(x[0]))

    def match(self, text: str) -> str | None:
        """The listed matter the task text is, or None when the text does not show it (unknown, not "off")."""
        n = normalize(text)
        hit = self._normalized.get(n)
        if hit is not None:
            return hit
        if _CLAUSE.search(to_simplified(text.strip().rstrip("。；;，,"))):
            return None  # several clauses: a listed matter inside one of them says nothing about the others
        for norm, matter in self._by_length:
            if norm in n:
                return matter
        return None

    def lookup(self, text: str) -> "Lookup":
        """One of three answers (issue 16 §4): listed (the entry), not listed (no entry shares a word of
        content with the task — neither its act nor its object; every entry was compared), or possibly listed
        (the nearest entry, for the user to confirm). A supplied checklist is a fact: only a near match is
        left open, and then the question is which entry, not whether there is a list."""
        entry = self.match(text)
        if entry is not None:
            return Lookup("listed", entry, tuple(self.matters))
        words = _content_bigrams(normalize(text))
        if not words:   # nothing but generic words (组织开展网格工作): too vague to compare, never "not listed"
            return Lookup("possible", None, tuple(self._normalized.values()))
        best, best_n = None, 0
        for norm, matter in self._normalized.items():
            shared = len(words & _content_bigrams(norm))
            if shared > best_n:
                best, best_n = matter, shared
        if best is None:
            return Lookup("not_listed", None, tuple(self._normalized.values()))
        return Lookup("possible", best, tuple(self._normalized.values()))

    def published_by(self, day: dt.date) -> bool | None:
        return None if self.published is None else self.published <= day

    def source_name(self) -> str:
        return f"{self.county or ''}网格事项清单" + (f"（{self.published}公布）" if self.published else "")


# Two-character words that every grid matter shares; sharing only these says nothing about act or object.
_GENERIC = frozenset("网格 工作 事项 服务 管理 相关 有关 开展 协助 配合 负责 做好 落实 其他 情况 进行 及时 按照 依法 各类 组织".split())
_CJK = re.compile(r"[\u4e00-\u9fff]{2,}")


_GENERIC_RE = re.compile("|".join(sorted(_GENERIC)))


def _content_bigrams(norm: str) -> set[str]:
    """Two-character windows of the text once the generic words are cut out (组织开展网格服务工作 → {组织})."""
    return {run[i:i + 2] for run in _CJK.findall(_GENERIC_RE.sub(" ", norm)) for i in range(len(run) - 1)}


_SHOWN = 8   # entries named in a not-listed answer; the count says how many were compared


@dataclass(frozen=True, slots=True)
class Lookup:
    status: Literal["listed", "not_listed", "possible"]
    entry: str | None                 # listed: the entry; possible: the nearest one
    compared: tuple[str, ...]         # every entry compared

    @property
    def value(self) -> bool | None:
        return {"listed": True, "not_listed": False}.get(self.status)

    def reason(self, where: str, later: str = "") -> str:
        if self.status == "listed":
            return f"与{where}所列事项“{self.entry}”相符{later}"
        if self.status == "possible" and self.entry is None:
            return f"任务内容过于笼统，无法与{where}逐项比对；请写明具体事项，或确认它是清单所列的哪一项（清单已提供，无需另行提交）"
        if self.status == "possible":
            return (f"任务内容未逐字见于{where}；最接近的是所列事项“{self.entry}”，请确认是否为同一事项"
                    f"（清单已提供，无需另行提交）")
        named = "、".join(f"“{m}”" for m in self.compared[:_SHOWN])
        more = f"等{len(self.compared)}项" if len(self.compared) > _SHOWN else f"共{len(self.compared)}项"
        return f"不在{where}内：已逐项比对{named}{more}，没有一项与任务有相同的行为或对象"


def load_checklist(path: str | Path) -> Checklist:
    """A checklist from YAML/JSON (UTF-8 or GBK), or a table (CSV in UTF-8/GBK, XLSX, XLS) with a
    事项 column and optional 区县 / 公布日期 columns, as counties publish them."""
    from .safefile import read_bounded
    from .yamlsrc import MAX_BYTES

    name = str(path)
    raw = read_bounded(path, MAX_BYTES, name, "事项清单", "a checklist")
    return checklist_from_bytes(name, raw)


def checklist_from_bytes(name: str, raw: bytes) -> Checklist:
    """A checklist from a file's bytes (the web form's upload, or a file read by :func:`load_checklist`)."""
    from .yamlsrc import YAMLSyntaxError, dotted, line_of, load_json, load_yaml

    suffix = Path(name).suffix.lower()
    if suffix in (".csv", ".xlsx", ".xlsm", ".xls", ".ods") or raw[:4] in (b"PK\x03\x04", b"\xd0\xcf\x11\xe0"):
        return _from_table(name, raw, suffix)
    text = _decode(name, raw)
    lines: dict = {}
    try:
        try:
            parsed = (load_json(text, name), {}) if name.endswith(".json") else load_yaml(text, name)
        except ValueError as exc:
            raise InputError([Problem(name, "事项清单中有无效的值（如不存在的日期）；日期请写作 2022-03-01",
                                      code="bad_date", en=f"invalid value: {exc}")]) from None
        data, lines = parsed
        return Checklist.model_validate(data)
    except YAMLSyntaxError as exc:
        p = exc.problem
        if p.code != "bad_input":
            raise InputError([p]) from None
        raise InputError([Problem(p.file, "YAML 格式错误：请检查这一行及上一行的缩进、冒号后的空格、括号和引号是否成对",
                                  p.line, p.path, "malformed_yaml", p.en or p.message)]) from None
    except ValidationError as exc:
        raise InputError(_problems(name, exc, lambda loc: line_of(lines, loc))) from None


def _decode(name: str, raw: bytes) -> str:
    for enc in ("utf-8-sig", "gb18030"):      # GBK files from a Chinese Windows machine
        try:
            return raw.decode(enc)
        except UnicodeDecodeError:
            continue
    raise InputError([Problem(name, "事项清单不是 UTF-8 或 GBK 文本；请另存为 UTF-8")])


_MATTER = ("事项名称", "事项", "网格事项", "服务管理事项", "事项内容", "matter", "matters")
_COUNTY = ("区县", "县（市、区）", "县市区", "所属区县", "county")
_PUBLISHED = ("公布日期", "发布日期", "公布时间", "published")


def _from_table(name: str, raw: bytes, suffix: str) -> Checklist:
    rows = _table_rows(name, raw, suffix)
    head = next((i for i, r in enumerate(rows[:10]) if any(c in _MATTER for c in r)), None)
    if head is None:
        raise InputError([Problem(name, f"表格中找不到事项列（表头应有：{'、'.join(_MATTER[:3])}）", 1)])
    header = rows[head]

    def col(names: tuple[str, ...]) -> int | None:
        return next((j for j, h in enumerate(header) if h in names), None)
    m, c, p = col(_MATTER), col(_COUNTY), col(_PUBLISHED)
    body = [r for r in rows[head + 1:] if m is not None and m < len(r) and r[m]]
    from .sheetrows import classify

    body = [r for r in body if classify(r) is None]        # 注：… and 合计 rows are not matters
    first = lambda j: next((r[j] for r in body if j is not None and j < len(r) and r[j]), None)  # noqa: E731
    try:
        return Checklist.model_validate({"county": first(c), "published": _date_of(first(p)),
                                         "matters": [r[m] for r in body]})
    except ValidationError as exc:
        raise InputError(_problems(name, exc, lambda loc: head + 1)) from None


def _problems(name: str, exc: ValidationError, line: object) -> list[Problem]:
    """pydantic's errors as plain Chinese advice (English kept), located."""
    from .inputs import explain

    out = []
    for e in exc.errors():
        code, zh, en = explain(e, list(Checklist.model_fields))
        loc = tuple(e["loc"])
        out.append(Problem(name, zh, line(loc), ".".join(str(x) for x in loc), code, en))  # type: ignore[operator]
    return out


def _date_of(v: object) -> object:
    if v is None or isinstance(v, dt.date):
        return v
    from .dates import BadValue, parse_date

    try:
        return parse_date(v)
    except BadValue:
        return v                               # pydantic then names the bad date


def _table_rows(name: str, raw: bytes, suffix: str) -> list[list]:
    if suffix == ".csv":
        import csv
        import io

        return [[c.strip() for c in r] for r in csv.reader(io.StringIO(_decode(name, raw)))]
    if raw[:4] == b"PK\x03\x04":
        from .zipguard import check_zip

        check_zip(raw, name)             # a zip bomb is refused before anything is inflated
    try:
        from python_calamine import CalamineWorkbook

        wb = CalamineWorkbook.from_filelike(__import__("io").BytesIO(raw))
        ws = wb.get_sheet_by_index(0)
        return [[_text(c) for c in r] for r in ws.to_python(skip_empty_area=False)]
    except Exception as exc:
        raise InputError([Problem(name, f"无法读取事项清单表格（{type(exc).__name__}）；请确认是 CSV、XLSX 或 XLS 文件",
                                  code="unreadable_table", en=f"cannot read the checklist table: {exc}")]) from None


def _text(cell: object) -> str:
    """A spreadsheet cell as the text a clerk sees: 序号 1.0 → "1", a date cell → 2024-05-01."""
    if cell is None:
        return ""
    if isinstance(cell, str):
        return cell.strip()
    if isinstance(cell, bool):
        return "是" if cell else "否"
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    if isinstance(cell, (dt.datetime, dt.date)):
        return cell.isoformat()[:10]
    return str(cell)
