"""A local checklist: the grid matters a county published, and when.

File (YAML or JSON, UTF-8 or GBK; or a CSV/XLSX/XLS table with a 事项 column)::

    county: 亭湖区
    published: 2022-03-01
    matters: [采集实有人口信息, 排查安全隐患, ...]

A task whose ``task.on_checklist`` is not stated is looked up here, with one of
three answers (:meth:`Checklist.lookup`, issue 16 §4), claiming listed or not
listed only when sure (issue 18). Listed: a task text equal to a listed matter
(script, width, spaces and punctuation ignored); a one-clause task text that
contains a listed matter whole (入户采集登记实有人口信息 ⊇ 采集登记实有人口信息); or
a one-clause text doing the same act on the same object (探访独居老人 against
走访独居老人: verbs of one synonym class, engine/matterwords.py). Not listed: the
list is complete (no catch-all matter, every matter's field known) and no matter
lies in the task's field of public affairs; the answer names the entries
compared. Possibly listed: anything else; the nearest entries are named and the
user confirms. A checklist the user supplied is a fact: it is never asked for again.
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
from .matterwords import CATCH_ALL, DOMAINS, VERBS
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
        """One of three answers (issue 16 §4), claiming listed or not listed only when sure (issue 18):

        - listed: the text is a listed matter (:meth:`match`), or, in one clause, does the same act on the same
          object as an entry (探访独居老人 = 走访独居老人: verbs of one class in engine/matterwords.py, the object
          word for word);
        - not listed: the list is complete (no catch-all entry such as 其他交办事项; every entry's field known)
          and no entry lies in the task's field of public affairs (占道经营 against population, hazards, the
          elderly); every entry was compared;
        - possibly listed: anything else, with the nearest entries for the reviewer to confirm."""
        entry = self.match(text)
        if entry is not None:
            return Lookup("listed", entry, tuple(self.matters), (entry,))
        n = normalize(text)
        entries = tuple(self._normalized.items())
        if not _CLAUSE.search(to_simplified(text.strip().rstrip("。；;，,"))):
            task = _verb_object(n)
            for norm, matter in entries:
                listed = _verb_object(norm)
                if task and listed and task[0] <= listed[0] and set(task[1]) <= set(listed[1]):
                    return Lookup("listed", matter, tuple(self.matters), (matter,),
                                  f"同一行为、同一对象“{'、'.join(task[1])}”")
        fields = _domains(n)
        of_entry = {matter: _domains(norm) for norm, matter in entries}
        catch = [m for norm, m in entries if any(w in norm for w in CATCH_ALL)]   # 其他交办事项: may take in anything
        vague = [m for m, d in of_entry.items() if not d and m not in catch]     # no field known: cannot rule out
        if fields and not catch and not vague and not any(fields & d for d in of_entry.values()):
            names = "、".join(DOMAINS[f][0] for f in sorted(fields))
            return Lookup("not_listed", None, tuple(self._normalized.values()), (),
                          f"任务属于“{names}”方面，清单所列事项均不属此类，且清单没有兜底事项")
        words = _content_bigrams(n)
        ranked = sorted(((len(fields & of_entry[m]), len(words & _content_bigrams(norm)), -i, m)
                         for i, (norm, m) in enumerate(entries)), reverse=True)
        near = [m for same, shared, _, m in ranked if same or shared]
        nearest = tuple(dict.fromkeys(near + (catch + vague if fields else [])))[:_NEAREST]
        same = [m for m, d in of_entry.items() if fields & d]
        why = ("未能判断任务所属的事务领域" if not fields else
               f"清单有同一方面的事项“{same[0]}”，但行为或对象不尽相同" if same else
               f"清单含兜底事项“{catch[0]}”，不能排除任务在内" if catch else
               f"所列事项“{vague[0]}”的范围无法判断，不能排除任务在内")
        return Lookup("possible", nearest[0] if nearest else None, tuple(self._normalized.values()), nearest, why)

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


def _domains(norm: str) -> set[str]:
    """The fields of public affairs a matter's words place it in (engine/matterwords.py)."""
    return {d for d, (_, words) in DOMAINS.items() if any(w in norm for w in words)}


_VERB_OF = {v: cls for cls, verbs in VERBS.items() for v in verbs}
_VERB_RE = re.compile("|".join(sorted(_VERB_OF, key=len, reverse=True)))
# words before the verb that change neither the act nor its object (入户走访 = 走访; 及时上报 = 上报)
_LEAD = re.compile(r"^(?:对|为|向|在|辖区内|辖区|网格内|本网格|本辖区|定期|及时|经常|认真|负责|做好|开展|入户|上门|逐户|全面)+")
_TAIL = re.compile(r"(?:工作|情况|等)+$")
_PARTS = re.compile(r"和|及|以及|与|、")


def _verb_object(norm: str) -> tuple[frozenset[str], tuple[str, ...]] | None:
    """(the classes of the leading verbs, the objects) of a one-clause matter: 走访慰问困难群众 →
    ({visit, console}, (困难群众,)); 排查上报治安问题和安全隐患 → ({screen, report}, (治安问题, 安全隐患)).
    None when the clause does not open with a known verb or leaves no object of two characters."""
    rest = _LEAD.sub("", norm)
    classes: set[str] = set()
    while (m := _VERB_RE.match(rest)):
        classes.add(_VERB_OF[m.group()])
        rest = _LEAD.sub("", rest[m.end():])
    rest = _TAIL.sub("", rest)
    parts = tuple(p for p in _PARTS.split(rest) if len(p) >= 2)
    if not classes or not parts or len(parts) != len(_PARTS.split(rest)):
        return None
    return frozenset(classes), parts


_SHOWN = 8   # entries named in a not-listed answer; the count says how many were compared
_NEAREST = 3  # entries named for the reviewer when the lookup is not sure


@dataclass(frozen=True, slots=True)
class Lookup:
    status: Literal["listed", "not_listed", "possible"]
    entry: str | None                 # listed: the entry; possible: the nearest one
    compared: tuple[str, ...]         # every entry compared
    nearest: tuple[str, ...] = ()     # listed: the entry; possible: the nearest entries, closest first
    why: str = ""                     # how the answer was reached, in words

    @property
    def value(self) -> bool | None:
        return {"listed": True, "not_listed": False}.get(self.status)

    def reason(self, where: str, later: str = "") -> str:
        if self.status == "listed":
            return f"与{where}所列事项“{self.entry}”相符" + (f"（{self.why}）" if self.why else "") + later
        ask = "（清单已提供，无需另行提交）"
        if self.status == "possible" and not self.nearest:
            return f"任务内容过于笼统，无法与{where}逐项比对；请写明具体事项，或确认它是清单所列的哪一项{ask}"
        if self.status == "possible":
            near = "、".join(f"“{m}”" for m in self.nearest)
            return (f"不能确定任务是否在{where}内：任务内容未逐字见于清单" + (f"，{self.why}" if self.why else "") +
                    f"；最接近的所列事项是{near}，请确认是否为其中之一{ask}")
        named = "、".join(f"“{m}”" for m in self.compared[:_SHOWN])
        more = f"等{len(self.compared)}项" if len(self.compared) > _SHOWN else f"共{len(self.compared)}项"
        return f"不在{where}内：已逐项比对{named}{more}，{self.why}"


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
