"""The 备注 column: facts a clerk wrote in the margin (曾被行政拘留, 拘留过, 失信被执行人, 上了失信名单, 被开除,
未参加岗前培训, 岗前培训没参加, 体检未通过, 政审未通过).

A remark is not a stated answer to the question (the 是否曾被行政拘留 column is), so it never sets a
fact: a row whose remark names a disqualifying fact is sent to review with the remark quoted
(备注载明“曾被行政拘留”，需人工核实). A remark that denies the fact (无行政拘留记录, 未被开除) names nothing.
"""
from __future__ import annotations

import re
from typing import Any

from .mapping import norm

HEADERS = frozenset(norm(h) for h in ("备注", "备注说明", "备注信息", "其他情况", "情况说明", "其他说明", "remark", "remarks",
                                     "note", "notes"))
MARK = {"zh": "备注载明", "en": "the remark says"}
_NOT = r"(?<![无未没不否])(?<!没有)(?<!从未)(?<!未曾)(?<!不曾)(?<!并未)(?<!未受过)(?<!未被)(?<!无被)(?<!没被)(?<!没有被)"
# (pattern, the fact's subject in words)
_NAMED = [
    (re.compile(_NOT + r"(?:被|受过|曾被|曾受)?行政拘留"), "行政拘留"),
    (re.compile(_NOT + r"(?:被|受过|曾被|曾受)?司法拘留"), "司法拘留"),
    # 拘留 alone, as a clerk writes it (2017年因打架被拘留过): which kind is for the reviewer to find out
    (re.compile(_NOT + r"(?<!行政)(?<!司法)(?<!刑事)拘留"), "拘留"),
    (re.compile(_NOT + r"(?:被|曾被)?刑事拘留"), "刑事拘留"),
    (re.compile(_NOT + r"(?:受过|曾受|被判处?)?(?:刑事处罚|判刑|判过刑|服刑|缓刑)|有犯罪记录"), "刑事处罚"),
    (re.compile(_NOT + r"(?:涉嫌犯罪|立案侦查|取保候审)"), "涉嫌犯罪"),
    (re.compile(_NOT + r"(?:失信被执行人|失信联合惩戒|列入失信|失信人员|失信名单|失信黑名单)"), "失信"),
    # 被开除, 2019年被原单位开除, 开除公职 (a denial: 未被单位开除, 无开除记录)
    (re.compile(_NOT + r"(?:被[^，,。；;无未没不]{0,8}?开除|开除公职)"), "开除公职"),
    (re.compile(r"(?:未|没有|未经|未参加)(?:岗前)?培训|岗前培训(?:未|没有?)(?:参加|完成|结业)"), "未参加岗前培训"),
    # the conditions a clerk records in a word: 体检未通过, 政审不合格 (a 体检合格 names nothing)
    (re.compile(r"体检(?:未|没有?)(?:通过|合格)|体检不(?:通过|合格)|身体条件不符"), "体检未通过"),
    (re.compile(r"(?:政审|政治审查)(?:未|没有?)(?:通过|合格)|(?:政审|政治审查)不(?:通过|合格)"), "政审未通过"),
]


def remark_column(header: list[str]) -> int | None:
    return next((i for i, h in enumerate(header) if h and norm(h) in HEADERS), None)


# Every pattern above holds one of these words; a long remark is read only around them (the lookbehinds
# cost a few tenths of a microsecond per character and pattern: a 2-million-character 备注 took 0.5 s
# per cell). The windows reach further back (16) and ahead (8) than any match does.
_KEYS = ("拘留", "刑", "犯罪", "侦查", "取保", "失信", "开除", "培训", "体检", "身体", "政审", "政治审查")
_WINDOWED = 256


def named(text: str) -> list[str]:
    """The disqualifying facts a remark names (none when it denies them)."""
    if len(text) > _WINDOWED:
        spans = []
        for k in _KEYS:
            at = text.find(k)
            for _ in range(100):               # the first 100 mentions of each word
                if at < 0:
                    break
                spans.append(text[max(0, at - 16):at + len(k) + 8])
                at = text.find(k, at + 1)
        text = "。".join(spans)              # 。 ends every pattern's span
    return [what for rx, what in _NAMED if rx.search(text)]


def remark_notes(header: list[str], column: Any, n: int, lang: str = "zh") -> dict[int, str]:
    """chunk row -> 备注载明“…”，需人工核实, for the rows whose 备注 names a disqualifying fact."""
    i = remark_column(header)
    if i is None:
        return {}
    cells = column[i].to_pylist() if hasattr(column[i], "to_pylist") else list(column[i])
    out: dict[int, str] = {}
    for row, cell in enumerate(cells[:n]):
        if not cell or not isinstance(cell, str):
            continue
        text = cell.strip()
        if named(text):
            shown = text if len(text) <= 40 else text[:40] + "…"
            out[row] = (f"{MARK['zh']}“{shown}”，需人工核实" if lang != "en" else
                        f"{MARK['en']} “{shown}”: to be verified by a person")
    return out
