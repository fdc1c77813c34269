"""Cross-city views: one act under all five packs, and which city governs which question."""
from __future__ import annotations

import json
from typing import Any

from .labels import label
from .loader import CITIES, available_packs, load_pack

# Each rule declares the question it answers (`question:`); the matrix shows only declared answers,
# so a definition, a permission or an encouragement is never listed as a ban or a hiring condition
# merely because of the facts it reads. The order is the matrix's row order.
QUESTIONS: tuple[tuple[str, str, str], ...] = (
    ("forbidden_tasks", "禁止交办的任务（许可、处罚、强制等）", "forbidden tasks"),
    ("refusal", "网格员有权拒绝的事项", "matters grid workers may refuse"),
    ("checklist", "网格事项清单", "grid matter checklist"),
    ("hiring", "任职条件", "hiring conditions"),
    ("exit", "退出情形", "exit grounds"),
    ("conduct", "网格员行为规范", "grid workers' conduct"),
    ("disclosure", "信息公示", "disclosure"),
    ("admission", "事项准入", "admission to the checklist"),
    ("grid", "网格划分与配备", "grid division and staffing"),
    ("benefits", "待遇保障", "pay, insurance and benefits"),
    ("encouragement", "鼓励措施", "encouragements"),
    ("procedure", "工作程序", "procedure"),
)


def question_matrix(packs: list[Any] | None = None) -> dict[str, dict[str, list[int]]]:
    """question -> city -> sorted article numbers (empty: the city declares no rule answering it)."""
    packs = [load_pack(c) for c in available_packs()] if packs is None else packs
    out: dict[str, dict[str, list[int]]] = {q: {p.id: [] for p in packs} for q, _, _ in QUESTIONS}
    for pack in packs:
        for rule in pack.rules:
            if rule.spec.question is None:
                continue
            arts = out[rule.spec.question][pack.id]
            if rule.spec.cite.article not in arts:
                arts.append(rule.spec.cite.article)
    for row in out.values():
        for arts in row.values():
            arts.sort()
    return out


def national_column() -> dict[str, list[str]]:
    """The national layer under every city: question -> ["行政处罚法第20条", …] (latest versions)."""
    from .layers import national

    from .textnorm import int_to_cn

    out: dict[str, list[str]] = {q: [] for q, _, _ in QUESTIONS}
    for law in national():
        pack = law.latest
        short = pack.meta.title.removeprefix("中华人民共和国")
        arts: dict[str, list[int]] = {}
        for rule in pack.rules:
            if rule.spec.question is not None and rule.spec.cite.article not in arts.setdefault(rule.spec.question, []):
                arts[rule.spec.question].append(rule.spec.cite.article)
        for q, numbers in arts.items():   # one law, its articles in one style: 社会保险法第五十八条、第六十条
            out[q].append(short + "、".join(f"第{int_to_cn(n)}条" for n in sorted(numbers)))
    return out


def render_matrix(matrix: dict[str, dict[str, list[int]]], fmt: str = "text", lang: str = "zh") -> str:
    cities = list(next(iter(matrix.values()), {})) if matrix else available_packs()
    names = {q: (zh if lang == "zh" else en) for q, zh, en in QUESTIONS}
    below = national_column()
    if fmt == "json":
        return json.dumps({q: {"national": below.get(q, []), **row} for q, row in matrix.items()}, ensure_ascii=False, indent=2)
    empty = "—" if lang == "zh" else "—"

    from .textnorm import int_to_cn

    def cell(arts: list[int]) -> str:
        return "、".join(f"第{int_to_cn(n)}条" for n in arts) if arts and lang == "zh" else \
            ("Art. " + ", ".join(map(str, arts))) if arts else empty

    from .layers import layer_label

    header = ["问题" if lang == "zh" else "question", layer_label("national", lang), *(label(c, lang) for c in cities)]
    rows = [[names[q], "、".join(below.get(q, [])) or empty, *(cell(matrix[q][c]) for c in cities)]
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
        # every citation names its instrument (issue 18: 《行政处罚法》第二十条第一款；第十九条… read as one law)
        arts = "；".join(c["text"] if lang == "zh" else
                        (c["text_en"] if c["layer"] == "city" else f"{c['layer']}: {c['text_en']}")
                        for c in r["citations"]) or "—"
        effects = "、".join(label(e, lang) for e in r["effects"]) or "—"
        rows.append([label(city, lang), label(d.decision, lang), arts, effects])
    title = "同一行为在五市规定下的结论" if lang == "zh" else "The same act under the five cities"
    if fmt == "html":
        return _html(header, rows, [d for _, d in results], title, lang)
    table = _table(header, rows, fmt, title)
    if not results:
        return table
    # what was compared, and on which day, under the title (the table alone did not say)
    first, rest = table.split("\n", 1)
    return f"{first}\n" + ("\n" if fmt == "md" else "") + f"{describe_act(results[0][1], lang)}\n{rest}"


_COLOURS = {"non_compliant": "#c0392b", "insufficient_facts": "#d68910", "needs_review": "#b7950b",
            "compliant": "#1e8449", "not_addressed": "#7f8c8d", "not_in_force": "#7f8c8d"}


def describe_act(d: Any, lang: str = "zh") -> str:
    """One line saying what was compared: the kind of act, its task or role, the date."""
    f = d.facts
    what = f.get("task.text") or f.get("matter.text")
    role = f.get("role")
    roles = {"grid_leader": "网格长", "full_time": "专职网格员", "part_time": "兼职网格员", "grid_instructor": "网格指导员",
             "micro_grid_leader": "微网格长"}
    parts = [label(d.kind, lang)]
    if what:
        parts.append(f"“{what}”")
    elif role:
        parts.append(roles.get(role, role) if lang == "zh" else role)
    parts.append(("审查基准日 " if lang == "zh" else "review date ") + d.date.isoformat())
    from .mask import mask_text

    return mask_text(" · ".join(parts))


def _html(header: list[str], rows: list[list[str]], decisions: list[Any], title: str, lang: str) -> str:
    """The comparison as a page: what was compared and when, one coloured row per city, the stamp."""
    from html import escape

    from .version import __version__

    head = "".join(f"<th>{escape(h)}</th>" for h in header)
    body = "".join(
        "<tr>" + f'<td class="city">{escape(r[0])}</td>'
        + f'<td class="verdict"><span class="badge" style="background:{_COLOURS.get(d.decision, "#555")}">'
          f"{escape(r[1])}</span></td>"
        + "".join(f"<td>{escape(c)}</td>" for c in r[2:]) + "</tr>"
        for r, d in zip(rows, decisions))
    act = escape(describe_act(decisions[0], lang)) if decisions else ""
    packs = "；".join(f"{escape(label(d.city, lang))}《{escape(d.pack.meta.title)}》{d.pack.hash[:12]}" for d in decisions)
    stamp = (("网格事项合规审查" if lang == "zh" else "gridlaw") + f" {__version__} · " + ("规则包：" if lang == "zh" else "packs: ") + packs)
    return ("<!doctype html><html lang=\"" + ("zh-CN" if lang == "zh" else "en") + "\"><head><meta charset=\"utf-8\"><title>"
            + escape(title) + "</title><style>body{font-family:\"Noto Sans CJK SC\",\"Microsoft YaHei\",sans-serif;margin:2rem}"
            "table{border-collapse:collapse;width:100%}"
            "td,th{border:1px solid #ccc;padding:.35rem .6rem;text-align:left;vertical-align:top;word-break:normal}"
            "th{background:#f4f6f7;white-space:nowrap}td.city,td.verdict{white-space:nowrap;width:1%}"
            ".badge{color:#fff;border-radius:.3rem;padding:.05rem .45rem;white-space:nowrap}"
            "p.act{font-size:1.05rem}p.stamp{color:#777;font-size:.8rem}</style></head>"
            f"<body><h1>{escape(title)}</h1><p class=\"act\">{act}</p><table><tr>{head}</tr>{body}</table>"
            f"<p class=\"stamp\">{stamp}</p></body></html>")


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
