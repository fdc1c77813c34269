"""Rows of a township sheet that are not records: a (merged) title row repeated below
the header, note rows (注：… / 备注 / 填表说明), total rows (合计 / 总计 / 小计 / 共计).

A row is one of these only when its first filled cell says so *and* the row carries
little else (a merged cell, or a label with a count), so an applicant whose name
happens to start with 注 is still a record. Read by the audit (``audit/rowkinds.py``)
and by the checklist reader; imports nothing of gridlaw.
"""
from __future__ import annotations

import re

KINDS = ("title", "note", "total")

_NOTE = re.compile(r"^(?:注[:：、\d１-９一二三]|注意[:：]|备注[:：]|说明[:：]|填表说明|附注|注$)")
_TOTAL = re.compile(r"^(?:合\s*计|总\s*计|小\s*计|共\s*计|总\s*数)(?:$|[:：\s（(]|\d)")
_TITLE = re.compile(r"(?:表|名单|名册|花名册|一览|汇总|统计|情况)$|^.{0,20}\d{4}\s*年.*(?:招聘|报名|登记|考核)")
# the signature lines of a sheet (above the header or below the last record): 填报人：… 审核人：… 填报日期：…
_FILLER = re.compile(r"^(?:填表人|填报人|审核人|制表人|负责人|经办人|联系人|联系电话|填报单位|填表单位|单位（盖章）|"
                     r"登记人|统计人|记录人|复核人|审批人|分管领导|"
                     r"(?:填报|填表|制表|报送)(?:日期|时间))")


def classify(cells: list[str]) -> str | None:
    """title | note | total | None (a record) for one row's cell texts."""
    filled = [c for c in cells if c]
    if not filled:
        return None
    first = filled[0]
    distinct = len(set(filled))
    if _NOTE.match(first) and distinct <= 2:
        return "note"
    if _TOTAL.match(first) and distinct <= max(4, len(cells) // 3):
        return "total"
    if (distinct == 1 and len(first) >= 6 and _FILLER.match(first)) or all(_FILLER.match(c) for c in filled):
        return "note"              # a signature line: who filled the sheet, when (not a record); 登记人：  审核人：
    if distinct == 1 and len(first) >= 6 and _TITLE.search(first):
        return "title"
    return None
