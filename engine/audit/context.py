"""What every stage of an audit reads and none changes the meaning of: the packs, the header
map, the options, the fact specs. Built once per run (once per worker in a distributed
audit) by :func:`audit_context`; the caches in it (cell conversions, column plans) are
pure functions of their keys, so sharing one context across batches changes no answer.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from ..errors import InputError, PackError, Problem
from .birth import age_tests
from .mapping import HeaderMap, load_header_map
from .values import Converter, FactSpec, fact_specs

if TYPE_CHECKING:
    from ..checklist import Checklist
    from ..loader import Pack

PERSON = {"hire": "candidate.", "exit": "worker."}    # the prefix of a kind's person facts

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
    checklist: "Checklist | None" = None
    date_basis: str = ""             # where the review date of a row without its own date comes from (said at the top)
    date_assumed: bool = False       # no date in the sheet and no --date: today, said as an assumption
    date_column: bool = False        # rows carry their own date: the assumption matters only for blank cells


@dataclass
class AuditContext:
    hm: HeaderMap
    opts: Options
    packs: dict[str, "Pack"]                 # city -> pack (already stacked over the national layer)
    strict_keys: bool = False                # JSONL: keys are fact paths; an unknown key rejects the row
    specs: dict[str, dict[str, FactSpec]] = field(default_factory=fact_specs)
    conv: Converter | None = None
    read: frozenset[str] = frozenset()       # facts some rule reads
    t: dict[str, str] = field(default_factory=dict)
    plans: dict[tuple[str, ...], Any] = field(default_factory=dict)     # header -> ColumnPlan (headerplan.py)
    age_tests: dict[str, list] = field(default_factory=dict)            # person prefix -> the packs' age tests (birth.py)

    def __post_init__(self) -> None:
        if self.conv is None:
            self.conv = Converter(self.hm, self.opts.lang)
        if not self.read:
            self.read = frozenset(f for p in self.packs.values() for r in p.rules for f in r.facts)
        self.t = _T.get(self.opts.lang, _T["zh"])
        self.kind_spec = FactSpec("kind", "enum", tuple(self.specs))
        self.city_spec = FactSpec("city", "enum", tuple(self.specs["hire"]["city"].codes))
        self.date64 = np.datetime64(self.opts.date, "D")
        if not self.age_tests:
            self.age_tests = {w: age_tests(self.packs, w + "age") for w in PERSON.values()}


def audit_context(packs: dict[str, "Pack"], opts: Options, map_file: str | None = None,
                  strict_keys: bool = False) -> AuditContext:
    """The context for auditing rows under ``packs`` (see :func:`load_packs`)."""
    return AuditContext(load_header_map(map_file), opts, packs, strict_keys)


def load_packs(city: str | None, lang: str = "zh", pack: str | None = None, national: bool = True
               ) -> tuple[dict[str, "Pack"], list[str], str | None]:
    """(city -> pack stacked for the audit, warnings, the city rows are read as).

    ``pack``: a user's pack folder (or law name) in place of the shipped city pack; a county
    pack's rows are read as of its base city. ``national``: under the national layer too, as
    ``gridlaw check`` does."""
    from ..layers import load_target
    from ..program import audit_pack   # the program `gridlaw check` runs, national layer and all
    from ..loader import available_packs, load_pack

    warnings: list[str] = []
    if pack:
        own = load_target(pack).latest
        city = city if city not in (None, "all") else (own.meta.extends or own.id)
        packs = {city: own}
    elif city not in (None, "all"):
        have = available_packs()
        if city not in have:
            raise InputError([Problem("--city", f"{city} 暂无规则包；现有：{'、'.join(have)}", code="no_pack",
                                      en=f"no pack for {city} yet; available: {', '.join(have)}")])
        packs = {city: load_pack(city)}
    else:
        packs = {}
        for c in available_packs():
            try:
                packs[c] = load_pack(c)
            except PackError as exc:
                warnings.append((f"规则包 {c} 无法加载，已跳过：" if lang == "zh" else f"pack {c} failed to load, skipped: ")
                                + str(exc.problems[0]))
        if not packs:
            raise PackError([Problem("packs", "no city pack could be loaded")])
    return {c: audit_pack(p, national) for c, p in packs.items()}, warnings, city
