"""An act's written forms read as a sheet cell is read: what ``gridlaw check`` accepts beside the codes.

City 盐城, role 专职网格员, kind 人员聘用, dates 2024/5/1 or 2024年5月1日, 是/否, 统一招聘, 大专 become the
codes and ISO dates the act models take, by the audit's own header map and cell converter (mapping,
values), so an act file takes what a sheet cell takes. ``api.act_data`` comes here only for an act that
``inputs.written_as_codes`` says is not already plain.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

from ..inputs import CODED, ISO_DATE, written_as_codes, written_fields


def accept_written_forms(data: dict) -> dict:
    """A copy of ``data`` with written-out codes and dates turned into what the models take;
    values that are already codes pass untouched (and cost nothing)."""
    if written_as_codes(data):
        return data
    from .mapping import load_header_map, norm

    hm = load_header_map()
    out = dict(data)
    for key in CODED:
        value = out.get(key)
        if isinstance(value, str):
            out[key] = hm.values.get(key, {}).get(norm(value), value)
    written = written_fields(out)
    if written:
        _convert_fields(out, written, hm)
    if isinstance(out.get("date"), str) and not ISO_DATE.match(out["date"]):
        from ..dates import BadValue, MonthDate, parse_date

        try:
            day = parse_date(out["date"])
        except BadValue:
            day = None
        if isinstance(day, dt.date) and not isinstance(day, MonthDate):
            out["date"] = day.isoformat()
    return out


def _convert_fields(out: dict, paths: list[tuple[str, ...]], hm: Any) -> None:
    """Convert each written-out value in place (copying the nested mappings it sits in) with the
    audit's own cell converter, so that an act file takes what a sheet cell takes. A value the
    converter cannot read is left as written: the model's error then names the field."""
    from .values import BadValue, Converter, fact_specs
    from ..dates import MonthDate

    kind = out["kind"]
    specs = fact_specs()[kind]
    conv = Converter(hm)
    for path in paths:
        node = out
        for key in path[:-1]:
            node[key] = dict(node[key])
            node = node[key]
        try:
            value = conv.one(specs[".".join(path)], node[path[-1]])
        except BadValue:
            continue
        if isinstance(value, dt.date):
            if isinstance(value, MonthDate):
                continue                 # a birth month: the model needs the day; its error says so
            value = value.isoformat()
        elif isinstance(value, tuple):
            value = list(value)
        node[path[-1]] = value
