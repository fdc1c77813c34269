"""Cross-city views: one act under all five packs, and which city governs which question."""
from __future__ import annotations

import json
from typing import Any

from .labels import label
from .loader import CITIES, available_packs, load_pack

# A question is recognised from what a rule is about: its act kind and the facts it reads.
QUESTIONS: tuple[tuple[str, str, str], ...] = (
    ("forbidden_tasks", "禁止交办的任务（许可、处罚、强制等）", "forbidden tasks"),
    ("checklist", "网格事项清单", "grid matter checklist"),
    ("hiring", "任职条件", "hiring conditions"),
    ("exit", "退出情形", "exit grounds"),
    ("conduct", "网格员行为规范", "grid workers' conduct"),
    ("disclosure", "信息公示", "disclosure"),
    ("admission", "事项准入", "admission to the checklist"),
    ("grid", "网格划分与配备", "grid division and staffing"),
)


def question_of(rule: Any) -> str:
    s = rule.spec
    facts = set(rule.facts)
    if s.act == "assignment":
        return "forbidden_tasks" if {"task.nature", "task.administrative_staff_only"} & facts else "checklist"
    if s.act == "exit":
        return "exit" if s.effect == "must_exit" or any(f.startswith("worker.appraisals") or f == "worker.consecutive_failed_years" for f in facts) else "conduct"
    return {"hire": "hiring", "notice": "disclosure", "admission": "admission", "grid": "grid"}[s.act]


def question_matrix() -> dict[str, dict[str, list[int]]]:
    """question -> city -> sorted article numbers (empty: the city says nothing)."""
    out: dict[str, dict[str, list[int]]] = {q: {c: [] for c in available_packs()} for q, _, _ in QUESTIONS}
    for city in available_packs():
        for rule in load_pack(city).rules:
            arts = out[question_of(rule)][city]
            if rule.spec.cite.article not in arts:
                arts.append(rule.spec.cite.article)
    for row in out.values():
        for arts in row.values():
            arts.sort()
    _national_column(out)
    return out


def _national_column(out: dict) -> None:
    """The national layer under every city: ``national`` -> ["行政处罚法第20条", …] per question."""
    from .layers import national

    for q in out:
        out[q]["national"] = []
    for law in national():
        pack = law.latest
        short = pack.meta.title.removeprefix("中华人民共和国")
        for rule in pack.rules:
            cell = f"{short}第{rule.spec.cite.article}条"
            if cell not in out[question_of(rule)]["national"]:
                out[question_of(rule)]["national"].append(cell)


def render_matrix(matrix: dict[str, dict[str, list[int]]], fmt: str = "text", lang: str = "zh") -> str:
    cities = available_packs()
    names = {q: (zh if lang == "zh" else en) for q, zh, en in QUESTIONS}
    if fmt == "json":
        return json.dumps(matrix, ensure_ascii=False, indent=2)
    empty = "—" if lang == "zh" else "—"

    def cell(arts: list[int]) -> str:
        return ("第" + "、".join(map(str, arts)) + "条") if arts and lang == "zh" else \
            ("Art. " + ", ".join(map(str, arts))) if arts else empty

    from .layers import layer_label

    header = ["问题" if lang == "zh" else "question", layer_label("national", lang), *(label(c, lang) for c in cities)]
    rows = [[names[q], "、".join(matrix[q].get("national", [])) or empty, *(cell(matrix[q][c]) for c in cities)]
            for q in matrix]
    return _table(header, rows, fmt, "哪些问题由哪个城市规定" if lang == "zh" else "Which city governs which question")


def compare_act(act: Any, checklist: Any = None) -> list[tuple[str, Any]]:
    """(city, Decision) for each shipped pack; the act's own city is ignored."""
    from .api import check

    return [(city, check(act, checklist, city=city)) for city in available_packs()]


def render_comparison(results: list[tuple[str, Any]], fmt: str = "text", lang: str = "zh") -> str:
    if fmt == "json":
        return json.dumps([_row_dict(city, d) for city, d in results], ensure_ascii=False, indent=2)
    header = (["城市", "结论", "决定性条款", "法律后果"] if lang == "zh" else
              ["city", "decision", "deciding articles", "legal effect"])
    rows = []
    for city, d in results:
        r = _row_dict(city, d)
        # A city's own articles without its title; another layer's (national, county) with its title.
        arts = "；".join((c["text"].split("》", 1)[-1] if c["layer"] == "city" else c["text"]) if lang == "zh"
                        else (c["text_en"] if c["layer"] == "city" else f"{c['layer']}: {c['text_en']}")
                        for c in r["citations"]) or "—"
        effects = "、".join(label(e, lang) for e in r["effects"]) or "—"
        rows.append([label(city, lang), label(d.decision, lang), arts, effects])
    title = "同一行为在五市规定下的结论" if lang == "zh" else "The same act under the five cities"
    return _table(header, rows, fmt, title)


def _row_dict(city: str, d: Any) -> dict:
    deciding = d.deciding
    cites, seen = [], set()
    for f in deciding:
        dd = {**f.to_dict()["citation"], "layer": f.layer}
        if dd["text"] not in seen:
            seen.add(dd["text"])
            cites.append(dd)
    effects = list(dict.fromkeys(f.rule.spec.effect for f in deciding if f.outcome in ("violated", "review")))
    return {"city": city, "decision": d.decision, "deciding_rules": d.deciding_rules, "citations": cites,
            "effects": effects, "missing_facts": [m.fact for m in d.missing],
            "effective": d.pack.meta.effective.isoformat(), "layers": [x["pack"] for x in d.layers]}


def _table(header: list[str], rows: list[list[str]], fmt: str, title: str) -> str:
    if fmt == "md":
        lines = [f"## {title}", "", "| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
        lines += ["| " + " | ".join(r) + " |" for r in rows]
        return "\n".join(lines)
    if fmt == "html":
        from html import escape

        head = "".join(f"<th>{escape(h)}</th>" for h in header)
        body = "".join("<tr>" + "".join(f"<td>{escape(c)}</td>" for c in r) + "</tr>" for r in rows)
        return ("<!doctype html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>" + escape(title) +
                "</title><style>body{font-family:sans-serif;margin:2rem}table{border-collapse:collapse}"
                "td,th{border:1px solid #ccc;padding:.3rem .6rem;text-align:left;vertical-align:top}</style></head>"
                f"<body><h1>{escape(title)}</h1><table><tr>{head}</tr>{body}</table></body></html>")
    widths = [max(_w(r[i]) for r in [header, *rows]) for i in range(len(header))]
    out = [title]
    for r in [header, *rows]:
        out.append("  ".join(c + " " * (widths[i] - _w(c)) for i, c in enumerate(r)).rstrip())
    return "\n".join(out)


def _w(text: str) -> int:
    """Display width: CJK characters take two columns."""
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


__all__ = ["CITIES", "compare_act", "render_comparison", "question_matrix", "render_matrix"]
