"""The header map (``headers.yaml`` plus a user's ``--map`` file): which column is which fact.

:class:`HeaderMap` answers, per kind of act, "which fact does this column
header give?" and, per value set, "which code does this cell label mean?".
Everything is compared after :func:`gridlaw.textnorm.normalize` (script,
width, case, spaces and punctuation ignored), so the map lists words, not
spellings.
"""
from __future__ import annotations

import difflib
import functools
import re
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from ..acts import ACT_MODELS, fact_vocabulary
from ..errors import InputError, Problem
from ..textnorm import normalize

KINDS = tuple(ACT_MODELS)
_PREFIX = {"person": {"hire": "candidate.", "exit": "worker."},
           "task": {"assignment": "task.", "admission": "matter."}}
# priority of a synonym's source: lower wins when two facts claim one header
_USER, _KIND, _SHARED, _ALL, _LABEL, _NAME = range(6)
APPRAISALS = "worker.appraisals"
_YEAR_HEADER = re.compile(r"^(?:(\d{4})年?度?(?:年度)?考核(?:结果|等次|情况|结论)?|(?:考核|appraisal)(\d{4})(?:年|年度)?)$")

MAX_HINTS = 20     # unknown headers given a "did you mean" each


def norm(text: Any) -> str:
    return normalize(str(text)).lower()


# How a yes/no question is worded varies by township: 是否受过行政拘留, 有无行政拘留,
# 曾被行政拘留, 行政拘留情况 all ask one thing. A header's stem drops those wrappers; a
# header not in the map is matched by its stem when exactly one fact has that stem.
_ASK = re.compile(r"^(?:是否曾经被|是否曾经受过|是否曾被|是否曾受过|是否受过|是否曾有|是否曾|是否被|是否有|是否存在|是否"
                  r"|有无|有没有|曾经被|曾经受过|曾经|曾被|曾受过|曾有|受过|本人是否|本人有无)")
_TAIL = re.compile(r"(?:情况|情形|记录|经历|问题|行为|史|与否)$")
# words that make an unmapped header look like a fact the packs decide on
FACT_LIKE = re.compile(r"^(?:是否|有无|有没有|曾|受过)|拘留|处罚|犯罪|刑事|失信|开除|违法|违纪|涉嫌|培训|体检|政审|学历|年龄|出生")


def _typo_of(header: str, known: str) -> bool:
    """Whether ``known`` may be what ``header`` meant to say: a slip of one character, not another
    word. 是否受过治安处罚 is not 是否受过刑事处罚 (another penalty), nor is 网格员 (a person) 网格."""
    if known in header or header in known:
        return False
    a, b = stem(header), stem(known)
    diff = sum(1 for op in difflib.SequenceMatcher(None, a, b).get_opcodes() if op[0] != "equal")
    changed = max(len(a), len(b)) - sum(m.size for m in difflib.SequenceMatcher(None, a, b).get_matching_blocks())
    return diff <= 1 and changed <= 1


def stem(key: str) -> str:
    """The question's subject: 是否受过行政拘留 → 行政拘留 (on a normalised header)."""
    out = _TAIL.sub("", _ASK.sub("", key))
    return out if len(out) >= 2 else key


@dataclass
class Resolution:
    """How the columns of one file map to the facts of one kind."""

    kind: str
    facts: dict[int, str]                      # column index -> fact path
    years: dict[int, int]                      # column index -> appraisal year (exit)
    ignored: list[str]                         # headers that give no fact (with a hint)
    duplicates: list[str]                      # headers that repeat a fact already given


@dataclass
class HeaderMap:
    headers: dict[str, dict[str, tuple[int, str]]]      # kind -> normalised header -> (priority, fact)
    values: dict[str, dict[str, str]]                   # value set -> normalised label -> code
    booleans: dict[str, bool]
    unknown: frozenset[str]
    appraisal: dict[str, bool]
    ignore: dict[str, frozenset[str]] = field(default_factory=dict)   # kind -> normalised headers to skip quietly
    source: list[str] = field(default_factory=list)
    spelling: dict[str, str] = field(default_factory=dict)            # normalised header -> as written in the map
    conflicts: list[str] = field(default_factory=list)                # one header claimed by two facts at one level
    value_labels: dict[str, dict[str, str]] = field(default_factory=dict)  # value set -> code -> first Chinese label
    stems: dict[str, dict[str, str]] = field(default_factory=dict)   # kind -> stem -> fact (unambiguous only)

    # ------------------------------------------------------------------ headers

    def _hit(self, kind: str, key: str) -> tuple[int, str] | None:
        hit = self.headers[kind].get(key)
        if hit is None and key not in self.ignore.get(kind, ()):
            fact = self.stems.get(kind, {}).get(stem(key))
            hit = (_LABEL, fact) if fact else None
        return hit

    def fact_of(self, kind: str, header: str) -> str | None:
        hit = self._hit(kind, norm(header))
        return hit[1] if hit else None

    def resolve(self, kind: str, header: list[str]) -> Resolution:
        facts: dict[int, str] = {}
        years: dict[int, int] = {}
        seen: dict[str, str] = {}
        ignored, dups = [], []
        table = self.headers[kind]
        for i, h in enumerate(header):
            key = norm(h)
            if not key:
                continue
            hit = self._hit(kind, key)
            if hit is None:
                m = _YEAR_HEADER.match(key) if kind == "exit" else None
                if m:
                    years[i] = int(m.group(1) or m.group(2))
                    continue
                if key in self.ignore.get(kind, ()):
                    continue
                # a hint for the first few unknown headers only: fuzzy matching every one of a very wide
                # header is what made 100,000 columns take minutes
                near = [n for n in difflib.get_close_matches(key, list(table), n=3, cutoff=0.75) if _typo_of(key, n)] \
                    if len(ignored) < MAX_HINTS else []
                ignored.append(f"{h}" + (f"（是否指 {self._original(kind, near[0])}？）" if near else ""))
                continue
            fact = hit[1]
            if fact in seen:
                dups.append(f"{h}（与“{seen[fact]}”同为 {fact}，已忽略）")
                continue
            seen[fact] = h
            facts[i] = fact
        if years and APPRAISALS in seen:
            dups.extend(f"{header[i]}（已有“{seen[APPRAISALS]}”列给出考核结果，已忽略）" for i in years)
            years = {}
        return Resolution(kind, facts, years, ignored, dups)

    def _original(self, kind: str, key: str) -> str:
        return self.spelling.get(key, key)

    # ------------------------------------------------------------------ values

    def value_set(self, fact: str) -> dict[str, str]:
        return self.values.get(fact.rsplit(".", 1)[-1], {})

    def labels_of(self, fact: str) -> list[str]:
        """The Chinese labels of a value set, one per code, for messages."""
        return list(self.value_labels.get(fact.rsplit(".", 1)[-1], {}).values())

    def label_of(self, fact: str, code: str) -> str:
        return self.value_labels.get(fact.rsplit(".", 1)[-1], {}).get(code, code)


@functools.lru_cache(maxsize=8)
def load_header_map(user_map: str | None = None) -> HeaderMap:
    """The shipped map, extended by a user's file (whose entries win)."""
    base = yaml.load(resources.files("gridlaw.audit").joinpath("headers.yaml").read_text("utf-8"),
                     Loader=yaml.BaseLoader)
    user = _read_user_map(user_map) if user_map else {}
    return _build(base, user, user_map)


def _read_user_map(path: str) -> dict:
    name = str(path)
    from ..yamlsrc import MAX_BYTES

    from ..safefile import read_bounded

    raw = read_bounded(path, MAX_BYTES, name, "表头映射文件", "a mapping file")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError([Problem(name, f"表头映射文件不是 UTF-8 文本（第 {exc.start} 字节）；请另存为 UTF-8",
                                  code="not_text", en="the mapping file is not UTF-8 text")]) from None
    from ..yamlsrc import YAMLSyntaxError, load_json, load_plain

    try:
        data = load_json(text, name) if name.endswith(".json") else load_plain(text, name)
    except YAMLSyntaxError as exc:
        p = exc.problem
        if p.code != "bad_input":      # a refusal of our own (duplicate key, depth, tag, size) says what it is
            raise InputError([p]) from None
        raise InputError([Problem(name, "表头映射文件格式错误：请检查这一行及上一行的缩进、冒号和引号", p.line,
                                  code="malformed_yaml", en=f"not a valid mapping file: {p.en or p.message}")]) from None
    if data in (None, ""):
        return {}
    if not isinstance(data, dict) or set(data) - {"headers", "values", "booleans", "unknown"} or any(
            data.get(k) not in (None, "") and not isinstance(data[k], t)
            for k, t in (("headers", dict), ("values", dict), ("booleans", dict), ("unknown", list))):
        raise InputError([Problem(name, "表头映射文件只能有 headers（表头 → 事实名）、values（取值 → 代码）、booleans、"
                                        "unknown 几项；格式见 gridlaw/audit/headers.yaml", code="bad_map",
                                  en="a mapping file has the keys headers (header → fact) and/or values "
                                     "(value set → {label: code}); see gridlaw/audit/headers.yaml")])
    for k, v in (data.get("headers") or {}).items():
        if not isinstance(v, (str, type(None))):
            raise InputError([Problem(name, f"headers: {k}: 目标应是一个事实名，不是{type(v).__name__}", code="bad_map",
                                      en=f"headers: {k}: the target is one fact name, not {type(v).__name__}")])
    return data


def _build(base: dict, user: dict, user_name: str | None) -> HeaderMap:
    vocab = fact_vocabulary()
    problems: list[Problem] = []
    headers: dict[str, dict[str, tuple[int, str]]] = {k: {} for k in KINDS}
    spelling: dict[str, str] = {}
    ignore: dict[str, set[str]] = {k: set() for k in KINDS}
    clashes: list[tuple[str, str, int, str, str]] = []

    def add(kind: str, header: str, fact: str, prio: int) -> None:
        key = norm(header)
        if not key:
            return
        spelling.setdefault(key, header)
        old = headers[kind].get(key)
        if old is None or prio < old[0]:
            headers[kind][key] = (prio, fact)
        elif old[0] == prio and old[1] != fact:
            clashes.append((kind, key, prio, old[1], fact))

    for kind in KINDS:
        facts = vocab[kind]
        for path, meta in facts.items():
            add(kind, path, path, _NAME)
            leaf = path.rsplit(".", 1)[-1]
            add(kind, leaf, path, _NAME)
            if meta.get("label"):
                add(kind, meta["label"], path, _LABEL)
        sections = [("all", "", _ALL), (kind, "", _KIND)]
        sections += [(sec, pre[kind], _SHARED) for sec, pre in _PREFIX.items() if kind in pre]
        for sec, prefix, prio in sections:
            for rel, words in (base.get(sec) or {}).items():
                path = prefix + rel
                if path not in facts:
                    continue  # e.g. `all.role` for notice, which has no role
                for w in words:
                    add(kind, w, path, prio)

    for header, target in (user.get("headers") or {}).items():
        if target in (None, "", "null", "~", "-"):
            for kind in KINDS:
                ignore[kind].add(norm(header))
                headers[kind].pop(norm(header), None)
            continue
        hits = 0
        for kind in KINDS:
            facts = vocab[kind]
            path = target if target in facts else next(
                (p for p in facts if p.rsplit(".", 1)[-1] == target), None)
            if path is not None:
                add(kind, header, path, _USER)
                hits += 1
        if not hits:
            every = sorted({p for f in vocab.values() for p in f})
            near = difflib.get_close_matches(str(target), every, n=1)
            problems.append(Problem(user_name or "--map", f"headers: {header}: 未知的事实名 {target!r}"
                                    + (f"；是否指 {near[0]}？" if near else ""), code="bad_map",
                                    en=f"headers: {header}: unknown fact {target!r}"
                                    + (f"; did you mean {near[0]!r}?" if near else "")))

    values: dict[str, dict[str, str]] = {}
    value_labels: dict[str, dict[str, str]] = {}
    aliases: dict[str, str] = {}
    allowed = _value_sets(vocab)
    for set_name, table in (base.get("values") or {}).items():
        if isinstance(table, str):
            aliases[set_name] = table
            continue
        values[set_name] = {}
        for code, words in table.items():
            if words:
                value_labels.setdefault(set_name, {})[code] = words[0]
            for w in [code, *words]:
                values[set_name].setdefault(norm(w), code)
    for set_name, table in (user.get("values") or {}).items():
        if set_name == "booleans":
            user.setdefault("booleans", table)
            continue
        name = aliases.get(set_name, set_name)
        if name not in allowed or not isinstance(table, dict):
            problems.append(Problem(user_name or "--map", f"values: {set_name}: 不是取值集合（可选："
                                    f"{'、'.join(sorted(allowed))}），每项应写作“标签: 代码”", code="bad_map",
                                    en=f"values: {set_name}: not a value set "
                                    f"(one of {', '.join(sorted(allowed))}) with label: code entries"))
            continue
        for label, code in table.items():
            if code not in allowed[name]:
                problems.append(Problem(user_name or "--map", f"values: {set_name}: {label}: {code!r} 不是可用代码"
                                        f"（可选：{'、'.join(allowed[name])}）", code="bad_map",
                                        en=f"values: {set_name}: {label}: {code!r} is not a code "
                                        f"(one of {', '.join(allowed[name])})"))
                continue
            values.setdefault(name, {})[norm(label)] = code
    for set_name, codes in allowed.items():   # every code is its own label
        table = values.setdefault(set_name, {})
        for code in codes:
            table.setdefault(norm(code), code)
    for alias, target in aliases.items():
        values[alias] = values[target]
        value_labels[alias] = value_labels.get(target, {})

    booleans: dict[str, bool] = {}
    for src in (user.get("booleans") or {}, base.get("booleans") or {}):
        for truth in ("true", "false"):
            for w in src.get(truth, []) or []:
                booleans.setdefault(norm(w), truth == "true")
    unknown = frozenset(norm(w) for w in [*(base.get("unknown") or []), *(user.get("unknown") or [])])
    appraisal = {norm(w): truth == "true" for truth in ("true", "false")
                 for w in (base.get("appraisal") or {}).get(truth, [])}
    if problems:
        raise InputError(problems)
    conflicts = [f"{kind}: {spelling.get(key, key)!r} → {a} / {b}" for kind, key, prio, a, b in clashes
                 if headers[kind][key][0] == prio and prio < _LABEL]
    stems: dict[str, dict[str, str]] = {}
    for kind, table in headers.items():
        seen: dict[str, set[str]] = {}
        for key, (_, fact) in table.items():
            seen.setdefault(stem(key), set()).add(fact)
        stems[kind] = {st: next(iter(fs)) for st, fs in seen.items() if len(fs) == 1}
    hm = HeaderMap(headers, values, booleans, unknown, appraisal,
                   {k: frozenset(v) for k, v in ignore.items()}, ["headers.yaml"] + ([user_name] if user_name else []),
                   spelling, conflicts, value_labels, stems)
    return hm


def _value_sets(vocab: dict) -> dict[str, list[str]]:
    """value set name (a fact's leaf) -> allowed codes, over every kind."""
    out: dict[str, list[str]] = {}
    for facts in vocab.values():
        for path, meta in facts.items():
            if meta.get("values"):
                codes = out.setdefault(path.rsplit(".", 1)[-1], [])
                codes.extend(v for v in meta["values"] if v not in codes)
    return out


def coverage_gaps(hm: HeaderMap | None = None) -> dict[str, list[str]]:
    """Facts of each kind that headers.yaml itself names no synonym for (tests keep this empty)."""
    base = yaml.load(resources.files("gridlaw.audit").joinpath("headers.yaml").read_text("utf-8"),
                     Loader=yaml.BaseLoader)
    out: dict[str, list[str]] = {}
    for kind, facts in fact_vocabulary().items():
        named = set()
        for sec, prefix in [("all", ""), (kind, "")] + [(s, p[kind]) for s, p in _PREFIX.items() if kind in p]:
            named |= {prefix + rel for rel in (base.get(sec) or {})}
        gaps = [p for p in facts if p not in named]
        if gaps:
            out[kind] = gaps
    return out
