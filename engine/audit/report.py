"""The audit's HTML report: one self-contained file (inline CSS and SVG, no scripts,
no fonts or images from anywhere), Chinese by default. Personal data is masked
unless asked for: names (张*), ID numbers (3201**********1234) and phones
(138****5678), also where they appear inside a rejected row's reason.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from markupsafe import Markup, escape

from ..version import __version__
from ..labels import label, text_of
from ..mask import mask_name, mask_text
from .results import STATUSES, article_label

if TYPE_CHECKING:
    from .config import AuditRun

COLORS = {"non_compliant": "#c0392b", "insufficient_facts": "#d68910", "needs_review": "#7d3c98",
          "compliant": "#1e8449", "not_addressed": "#7f8c8d", "not_in_force": "#566573", "unreadable": "#34495e"}
TOP_GROUPS = 30

_TEXT = {
    "zh": {
        "title": "网格化服务管理合规审计报告", "input": "输入", "file": "文件", "format": "格式", "sha": "文件校验值",
        "run": "运行", "at": "时间", "elapsed": "用时", "options": "参数", "stamp": "可复现标记", "engine": "引擎版本",
        "pack": "规则包", "hash": "内容哈希", "effective": "施行日期", "totals": "总数",
        "rows_in": "读入行数", "evaluated": "已审查", "rejected": "未能审查（数据无法读取）", "blank": "空行（不计）",
        "per_pack": "每行按 {n} 个城市的规定各审查一次，下表按城市分列。",
        "by_decision": "审查结论", "decision": "结论", "rows": "行数", "share": "占比", "city": "城市",
        "by_article": "涉及的条款（违反、需审查、待查明）", "article": "条款", "rules": "规则", "message": "内容", "violated": "违反",
        "quote": "条款原文", "effect": "法律后果", "next": "处理建议", "next_default": "依该条款要求纠正，或补充事实后复核",
        "applicants": "逐人处理意见（补正材料）", "applicants_tasks": "逐项处理意见（待补充事实）", "who": "序号及姓名或事项", "needs": "需补正材料或处理意见", "local": "北京时间",
        "review": "需审查", "unknown": "待查明", "none_violated": "没有记录违反任何条款。",
        "by_group": "按{g}", "group_value": "{g}", "total": "合计", "chart_violations": "不合规记录数",
        "documents": "最常需要补正的材料", "document": "材料", "rows_needing": "涉及行数",
        "top": "违反条款最多的记录（前 {n} 条）", "row": "行号", "id": "记录编号", "name": "姓名", "count": "违反条数",
        "articles": "违反条款", "rejections": "未能审查的行（数据无法读取）", "by_column": "按原因", "reason": "原因",
        "first_n": "前 {n} 行", "warnings": "提示", "masked": "个人信息已脱敏（姓名、身份证号、电话）。",
        "unmasked": "本报告包含未脱敏的个人信息，请妥善保管。", "exit": "退出码",
        "rule_id": "规则编号", "basis": "审查基准日：", "n_people": "人数", "n_tasks": "件数", "task": "任务内容（交办部门 · 日期）",
        "line": "表格第 {n} 行", "seq": "序号 {id}",
        "county": "区县", "township": "镇街", "grid": "网格", "kind": "类型", "none": "（空）",
        "foot": "本报告由网格事项合规审查程序根据所列规则包自动生成；结论以条款原文为准，“需人工审查”“事实不足”的记录须经人工核实。",
    },
    "en": {
        "title": "Grid governance compliance audit", "input": "Input", "file": "File", "format": "Format",
        "sha": "File SHA-256", "run": "Run", "at": "At", "elapsed": "Took", "options": "Options",
        "stamp": "Reproducibility stamp", "engine": "Engine version", "pack": "Pack", "hash": "Content hash",
        "effective": "In force from", "totals": "Totals", "rows_in": "Rows in", "evaluated": "Evaluated",
        "rejected": "Not checked (data unreadable)", "blank": "Blank lines (not counted)",
        "per_pack": "Every row is checked under each of the {n} cities' rules; tables are per city.",
        "by_decision": "Decisions", "decision": "Decision", "rows": "Rows", "share": "Share", "city": "City",
        "by_article": "Articles engaged (violated, to review, open)", "article": "Article", "rules": "Rules", "message": "Text",
        "violated": "Violated", "review": "Review", "unknown": "Unknown", "none_violated": "No record violates any article.",
        "quote": "Text of the provision", "effect": "Legal effect", "next": "What to do",
        "next_default": "Correct the act as the provision requires, or add the facts and check again",
        "applicants": "Per record: documents to supply, what to do", "applicants_tasks": "Per task: facts to supply", "who": "Name or id", "needs": "To supply / to do",
        "local": "China Standard Time",
        "by_group": "By {g}", "group_value": "{g}", "total": "Total", "chart_violations": "non-compliant records",
        "documents": "Documents most often missing", "document": "Document", "rows_needing": "Rows",
        "rule_id": "rule id", "basis": "Review date: ", "n_people": "Records", "n_tasks": "Records", "task": "Task (assigned by · date)",
        "line": "sheet row {n}", "seq": "no. {id}",
        "top": "Records most in breach (top {n})", "row": "Row", "id": "Record id", "name": "Name",
        "count": "Violations", "articles": "Articles", "rejections": "Rows not checked (data unreadable)", "by_column": "By cause",
        "reason": "Reason", "first_n": "first {n} rows", "warnings": "Notes",
        "masked": "Personal data is masked (names, ID numbers, phones); pass --show-personal-data for the originals.",
        "unmasked": "This report contains unmasked personal data.", "exit": "Exit code",
        "county": "county", "township": "township", "grid": "grid", "kind": "Kind", "none": "(blank)",
        "foot": "Generated by gridlaw from the packs listed; the articles' text governs. Records needing review or "
                "facts must be checked by a person.",
    },
}


def render_report(run: "AuditRun") -> str:
    import jinja2

    env = jinja2.Environment(loader=jinja2.PackageLoader("gridlaw", "templates"),
                             autoescape=jinja2.select_autoescape(default=True, default_for_string=True),
                             trim_blocks=True, lstrip_blocks=True)
    return env.get_template("audit.html.j2").render(**context(run))


def context(run: "AuditRun") -> dict[str, Any]:
    from .texts import date_basis, describe_zh, for_people

    cfg = run.config
    lang = cfg.lang if cfg.lang in _TEXT else "zh"
    T = _TEXT[lang]
    c = run.collector
    show = cfg.show_personal

    def lab(status: str) -> str:
        return T["rejected"] if status == "unreadable" else label(status, lang)

    def m_text(text: str | None) -> str:
        return "" if text is None else (text if show else mask_text(text))

    def m_name(text: str | None) -> str:
        return "" if not text else (text if show else mask_name(text))

    per_city = []
    for city, counts in c.by_city.items():
        total = int(counts.sum())
        rows = [{"status": s, "label": lab(s), "n": int(n), "share": f"{n / total:.1%}" if total else "",
                 "color": COLORS[s]} for s, n in zip(STATUSES, counts) if n]
        per_city.append({"city": label(city, lang) if city else T["none"], "title": run.packs[city].meta.title if city in run.packs else "—",
                         "total": total, "rows": rows,
                         "chart": bar_chart([(r["label"], r["n"]) for r in rows], [r["color"] for r in rows])})

    articles = []
    for city, pack in run.used_packs.items():
        rules = []
        for rule in sorted(pack.rules, key=lambda r: (r.spec.cite.article, r.spec.cite.paragraph or 0,
                                                      r.spec.cite.item or 0)):
            v, rv, u = (int(x) for x in c.rules.get((city, rule.id), (0, 0, 0)))
            if v or rv or u:
                from ..textnorm import reading_text

                rules.append({"article": article_label(rule, lang), "rule": rule.id,
                              "message": text_of(rule.spec.message, lang), "quote": reading_text(rule.spec.quote),
                              "effect": label(rule.spec.effect, lang),
                              "next": text_of(rule.spec.remedy, lang) or (text_of(rule.spec.judgment, lang)
                                                                          if rv else "") or T["next_default"],
                              "violated": v, "review": rv, "unknown": u})
        arts = sorted(((a, n) for (ci, a), n in c.articles.items() if ci == city), key=lambda kv: -kv[1])
        if rules or arts:
            articles.append({"city": label(city, lang), "title": pack.meta.title, "rules": rules,
                             "chart": bar_chart([(_article_first(a), n) for a, n in arts[:25]],
                                                [COLORS["non_compliant"]] * len(arts[:25]))})

    groups = []
    for g in run.groups_present:
        table = c.groups.get(g, {})
        rows = []
        for (city, value), counts in table.items():
            rows.append({"city": label(city, lang), "value": value or T["none"], "total": int(counts.sum()),
                         "counts": {s: int(n) for s, n in zip(STATUSES, counts)}})
        rows.sort(key=lambda r: (-r["counts"]["non_compliant"], -r["total"], r["value"]))
        shown = rows[:TOP_GROUPS]
        multi = len(run.used_packs) > 1
        chart_items = [((f"{r['city']} · " if multi else "") + r["value"], r["counts"]["non_compliant"])
                       for r in shown if r["counts"]["non_compliant"]]
        groups.append({"name": T[g], "key": g, "rows": shown, "more": max(len(rows) - len(shown), 0),
                       "chart": bar_chart(chart_items, [COLORS["non_compliant"]] * len(chart_items))})

    top = [{"row": r.row, "id": m_text(r.id), "name": m_name(r.name), "city": label(r.pattern.city, lang),
            "task": m_text(r.extra.get("task")), "when": " · ".join(m_text(v) for v in (r.extra.get("department"),
                                                                                     r.extra.get("date")) if v),
            "groups": " · ".join(v for v in r.groups.values() if v), "count": r.score,
            "decision": lab(r.pattern.decision),
            "articles": r.pattern.texts["violated_articles"] or ""} for r in c.top]

    stamp = [{"id": p.id, "name": label(p.id, lang), "title": p.meta.title, "hash": p.hash, "effective": p.meta.effective.isoformat()}
             for p in run.used_packs.values()]
    words = lang != "en"      # a Chinese report names the options in words, their values in words
    options = [(k, v) for k, v in (
        ("记录类型" if words else "--kind", label(cfg.kind, lang) if words and cfg.kind else cfg.kind),
        ("城市" if words else "--city", label(cfg.city, lang) if words and cfg.city else cfg.city),
        ("岗位" if words else "--role", _ROLE.get(cfg.role or "", cfg.role) if words else cfg.role),
        ("审查基准日" if words else "--date", cfg.date.isoformat() if cfg.date else None), ("工作表" if words else "--sheet", cfg.sheet),
        ("表头对照文件" if words else "--map", cfg.map_file.name if cfg.map_file else None),
        ("事项清单" if words else "--checklist", cfg.checklist.name if cfg.checklist else None)) if v]
    return {
        "T": T, "lang": lang, "show_personal": show,
        "file": run.source.path.name, "format": describe_zh(run.source.describe) if lang == "zh" else run.source.describe, "sha256": run.source.sha256,
        # the people reading it are in China: Beijing time (UTC+8, no daylight saving)
        "at": run.started.astimezone(_CST).strftime("%Y-%m-%d %H:%M:%S") + f" {T['local']}" + (" (UTC+8)" if lang == "en" else ""),
        "elapsed": f"{run.elapsed:.1f} 秒" if lang == "zh" else f"{run.elapsed:.1f} s",
        "options": options, "engine": __version__, "stamp": stamp,
        "rows_in": c.rows_in, "evaluated": c.evaluated, "rejected": c.rejected, "blank": c.blank,
        "n_packs": len(run.used_packs), "all_cities": c.all_cities,
        "per_city": per_city, "articles": articles, "groups": groups,
        "statuses": [(s, lab(s), COLORS[s]) for s in STATUSES],
        "documents": c.documents.most_common(20), "top": top, "top_n": cfg.top,
        "rejected_by": c.rejected_by.most_common(20),
        "rejections": [(r, m_text(why)) for r, why in c.rejections],
        "warnings": [m_text(for_people(w)) for w in run.warnings], "exit_code": run.exit_code,
        "applicants": _applicants(run, lab, m_name, m_text, T),
        "applicants_n": T["n_tasks"] if run.context.opts.kind in ("assignment", "admission") else T["n_people"],
        "applicants_h": T["applicants_tasks"] if run.context.opts.kind in ("assignment", "admission") else T["applicants"],
        "top_names": any(r.name for r in c.top), "top_tasks": any(r.extra.get("task") for r in c.top),
        "basis": for_people(date_basis(run)[0]) or run.context.opts.date.isoformat(),
        "basis_assumed": date_basis(run)[1],
        "skipped": _skipped(run),
    }


_ROLE = {"grid_leader": "网格长", "full_time": "专职网格员", "part_time": "兼职网格员", "grid_instructor": "网格指导员",
         "micro_grid_leader": "微网格长"}
_CST = __import__("datetime").timezone(__import__("datetime").timedelta(hours=8), "CST")


def _applicants(run: "AuditRun", lab: Any, m_name: Any, m_text: Any, T: dict) -> list[dict]:
    """The per-record view as a table: every record that needs something, with what (when the listing was kept).
    Records with the same advice share one line (texts.listing_groups, the terminal's and the web page's
    grouping), each named by the sheet's own 序号 and masked name (or its task); what is a row's own (its 备注,
    a birth month settled from the ID number) is listed under it by name."""
    from .texts import listing_groups

    task_kind = run.context.opts.kind in ("assignment", "admission")
    if not task_kind and run.context.opts.kind not in ("hire", "exit"):
        return []
    # a task in breach is in the table of records most in breach; a compliant record needs nothing
    wanted = ("insufficient_facts", "needs_review", "unreadable") if task_kind else \
        ("non_compliant", "unreadable", "insufficient_facts", "needs_review", "not_in_force", "not_addressed")
    out = []
    for g in listing_groups(run, wanted):
        who, notes = [], []
        for m in g["members"]:
            seq = T["seq"].format(id=m["id"]) if m["id"] else T["line"].format(n=m["row"])
            name = " ".join(x for x in (seq, m["task"] if task_kind else m["name"]) if x)
            who.append(name)
            if m["note"]:
                notes.append(f"{name}：{m['note']}")
        out.append({"who": "、".join(who), "who_list": who if task_kind else [], "n": len(who), "decision": lab(g["decision"]), "status": g["decision"],
                    "needs": g["detail"], "notes": notes})
    return out


def _skipped(run: "AuditRun") -> str:
    from .texts import skipped_text

    return skipped_text(run)


def _article_first(citation: str) -> str:
    """A chart label cut to 22 characters kept the instrument and lost the article (《盐城市城乡网格化服务管理实施
    细则》第十九…): the article goes first, the instrument after it (第十九条第二款第（一）项《盐城市…》)."""
    import re

    m = re.match(r"(《[^》]+》)(.+)", citation)
    return f"{m.group(2)}{m.group(1)}" if m else citation


def bar_chart(items: list[tuple[str, int]], colors: list[str], width: int = 720) -> Markup:
    """A horizontal bar chart as inline SVG (no xmlns or links needed inside HTML)."""
    items = [(str(k), int(v)) for k, v in items if v]
    if not items:
        return Markup("")
    row_h, label_w, pad = 24, 260, 90
    top = max(v for _, v in items)
    height = row_h * len(items) + 8
    out = [f'<svg class="chart" width="{width}" height="{height}" viewBox="0 0 {width} {height}" role="img">']
    for i, ((name, v), color) in enumerate(zip(items, colors + [colors[-1]] * len(items))):
        y = 4 + i * row_h
        w = max(int((width - label_w - pad) * v / top), 1)
        short = name if len(name) <= 20 else name[:19] + "…"     # 12px CJK: 20 fit the 252px label column
        out.append(f'<text x="{label_w - 8}" y="{y + 16}" text-anchor="end">{escape(short)}</text>')
        out.append(f'<rect x="{label_w}" y="{y + 3}" width="{w}" height="16" rx="2" fill="{escape(color)}">'
                   f'<title>{escape(name)}: {v:,}</title></rect>')
        out.append(f'<text x="{label_w + w + 6}" y="{y + 16}">{v:,}</text>')
    out.append("</svg>")
    return Markup("".join(out))
