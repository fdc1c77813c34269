"""The audit's terminal texts: the progress bar, the summary, the HR listing (grouped by advice)."""
from __future__ import annotations

import re
import time
from typing import TextIO

from ..errors import name_safe
from ..labels import label
from .config import AuditRun
from .results import STATUSES


class Progress:
    """A one-line progress bar on stderr when it is a terminal; nothing when piped."""

    def __init__(self, total: int, stream: TextIO, enabled: bool, unit: str):
        self.total = max(total, 1)
        self.stream = stream
        self.enabled = enabled
        self.unit = unit
        self.t0 = time.perf_counter()
        self.last = 0.0
        self.shown = False

    def update(self, done: int, rows: int) -> None:
        if not self.enabled:
            return
        now = time.perf_counter()
        if now - self.last < 0.1:
            return
        self.last = now
        frac = min(done / self.total, 1.0)
        width = 30
        fill = int(frac * width)
        self.stream.write(f"\r  [{'█' * fill}{'░' * (width - fill)}] {frac * 100:5.1f}%  {rows:,} {self.unit}  "
                          f"{now - self.t0:5.1f}s")
        self.stream.flush()
        self.shown = True

    def close(self) -> None:
        if self.enabled and self.shown:
            self.stream.write("\r" + " " * 72 + "\r")
            self.stream.flush()


_CLI_HINT = re.compile(r"[；;]?\s*如有误请用 --\w+ 指明|如它就是某项字段，请用 --map 指明（[^）]*）；无关则写 null。"
                       r"|[；;]?\s*见 gridlaw/audit/headers\.yaml，或用 --map 指定"
                       r"|[；;]?\s*(?:如应按填报时(?:的规定和年龄)?审查，)?请用 --date 指明")


_ON_PAGE = {"city": "城市", "kind": "记录类型", "role": "岗位", "date": "审查基准日", "sheet": "工作表"}


def for_people(text: str) -> str:
    """A summary line or warning without the command-line advice (--role, --map, --date), for the
    report and the web pages, whose readers have no command line: 请用 --city 指明 → 请在页面上选择“城市”."""
    text = _CLI_HINT.sub("", text)
    return re.sub(r"请用 --(\w+) 指明", lambda m: f"请在页面上选择“{_ON_PAGE[m.group(1)]}”" if m.group(1) in _ON_PAGE
                  else m.group(0), text)


def web_summary(run: AuditRun) -> str:
    """The summary for the web page: no command-line hints, file paths, output names or exit code."""
    lines = summary_text(run).splitlines()
    for head in ("gridlaw audit · ", PRODUCT_ZH + " · "):     # the product's name is the terminal's, not the page's
        if lines and lines[0].startswith(head):
            lines[0] = ("审计文件：" if run.config.lang != "en" else "file: ") + lines[0][len(head):]
    out = [for_people(line) for line in lines
           if not line.lstrip().startswith(("结果 ", "报告 ", "退出码 ", "results ", "report ", "exit code "))]
    return "\n".join(out)


def date_basis(run: AuditRun) -> tuple[str, bool]:
    """(where the rows' review date comes from, whether it is an assumption worth a warning). With a date
    column whose cells are all filled, every row is judged on its own date and nothing is assumed."""
    opts = run.context.opts
    if opts.date_column and run.collector.blank_dates == 0:
        return ("按各行日期栏所载日期审查" if opts.lang != "en" else "each row under its own date"), False
    return opts.date_basis, opts.date_assumed


PRODUCT_ZH = "网格事项合规审查"        # the product's name wherever a Chinese reader sees it

# A file's format and encoding as a township reads them: the format names a reader does not know
# (CSV, XLSX, JSONL, UTF-8) become what the file is. Applied to Source.describe, whose first part is the format.
_FORMAT_ZH = (("CSV", "逗号分隔的文本表格"), ("XLSX", "电子表格"), ("XLS", "电子表格（旧版格式）"), ("ODS", "开放文档电子表格"),
              ("JSONL", "逐行记录文件"), ("JSON", "记录文件"), ("Parquet", "列式数据文件"))
_ENCODING_ZH = (("UTF-8 (BOM)", "通用编码"), ("UTF-8", "通用编码"), ("GBK/GB18030", "国标编码"), ("UTF-16", "双字节通用编码"))


def describe_zh(describe: str) -> str:
    """Source.describe in words: XLSX · 工作表“Sheet1” → 电子表格 · 工作表“Sheet1”; CSV · GBK/GB18030 · “,”分隔 →
    逗号分隔的文本表格 · 国标编码 (the separator is said by the name)."""
    parts = describe.split(" · ")
    for code, words in _FORMAT_ZH:
        if parts and parts[0] == code:
            parts[0] = words
    parts = [dict(_ENCODING_ZH).get(x, x) for x in parts]
    if parts and parts[0] == "逗号分隔的文本表格":
        parts = [x for x in parts if x != "“,”分隔"]
    return " · ".join(parts).replace("“Tab”分隔", "制表符分隔")


def summary_text(run: AuditRun) -> str:
    c = run.collector
    lang = run.config.lang
    zh = lang != "en"
    lines = []
    src = run.source
    if zh:
        lines.append(f"{PRODUCT_ZH} · {name_safe(src.path.name)} · {describe_zh(src.describe)} · 用时 {run.elapsed:.1f} 秒")
    else:
        lines.append(f"gridlaw audit · {name_safe(src.path.name)} · {src.describe} · {run.elapsed:.1f} s")
    for city, pack in run.used_packs.items():
        lines.append(f"  {'规则' if zh else 'pack'} {label(city, lang)}《{pack.meta.title}》 {pack.hash[:12]}")
    opts = run.context.opts
    basis, assumed = date_basis(run)
    if basis:        # an assumed date (today) is marked like a warning, at the top
        mark = "! " if assumed else ""
        lines.append(f"  {mark}审查基准日：{basis}" if zh else f"  {mark}review date: {basis}")
    per = len(run.packs) if c.all_cities else 1
    lines.append((f"  读入 {c.rows_in:,} 行 = 已审查 {c.evaluated:,} + 未能审查 {c.rejected:,}" if zh else
                  f"  rows in {c.rows_in:,} = evaluated {c.evaluated:,} + not checked {c.rejected:,}")
                 + (f"（另有空行 {c.blank:,}）" if zh and c.blank else f" (blank skipped: {c.blank:,})" if c.blank else "")
                 + (f"；每行按 {per} 个城市各审一次" if zh and per > 1 else f"; each row under {per} packs" if per > 1 else ""))
    skipped = skipped_text(run)
    if skipped:
        lines.append("  " + skipped)
    if src.tally is not None and src.tally.balanced():
        lines.append(f"  核对：文件共 {src.tally.lines_in_bytes:,} 个物理行（按字节计数），逐行归入表头、记录或空行，无遗漏、无合并"
                     if zh else f"  check: the file's {src.tally.lines_in_bytes:,} physical lines (counted on the bytes) "
                     "all belong to the header, a record or a blank row: none lost, none merged")
    for city, counts in c.by_city.items():
        parts = [f"{label(s, lang) if s != 'unreadable' else ('未能审查' if zh else 'not checked')} {int(n):,}"
                 for s, n in zip(STATUSES, counts) if n]
        where = label(city, lang) if city else ("（城市不明）" if zh else "(no city)")
        prefix = f"  {where}: " if len(c.by_city) > 1 else "  "
        lines.append(prefix + " · ".join(parts))
    if c.articles:
        top = sorted(c.articles.items(), key=lambda kv: -kv[1])[:5]
        lines.append(("  违反最多的条款：" if zh else "  most violated: ") + ("；" if zh else "; ").join(
            f"{(label(city, lang) + ' ') if len(run.used_packs) > 1 else ''}{art} {n:,}{' 行' if zh else ''}"
            for (city, art), n in top))
    if c.documents:
        top = c.documents.most_common(5)
        lines.append(("  最常缺的材料：" if zh else "  documents most often missing: ")
                     + ("、" if zh else ", ").join(f"{d} {n:,}" for d, n in top))
    if c.rejections:
        lines.append(("  未能审查（数据无法读取，前 5 行）：" if zh else "  not checked (data unreadable, first 5):"))
        for row, why in c.rejections[:5]:
            lines.append(f"    {'第 ' + str(row) + ' 行' if zh else 'row ' + str(row)}：{why}" if zh else
                         f"    row {row}: {why}")
    for w in run.warnings:
        lines.append("  ! " + w)
    outs = []
    if run.config.out:
        outs.append(f"{'结果' if zh else 'results'} {name_safe(str(run.config.out))} ({run.out_rows:,})")
    if run.config.report:
        outs.append(f"{'报告' if zh else 'report'} {name_safe(str(run.config.report))}")
    if outs:
        lines.append("  " + "   ".join(outs))
    code = run.exit_code
    meaning = {0: "全部合规" if zh else "all compliant",
               1: "有不合规记录" if zh else "some rows are non-compliant",
               3: "有待补正、需审查、本市规定未涉及或未能审查的记录" if zh else
               "some rows are undecided, not addressed or not checked"}[code]
    lines.append(f"  {'退出码' if zh else 'exit code'} {code}：{meaning}" if zh else f"  exit code {code}: {meaning}")
    return "\n".join(lines)


def skipped_text(run: AuditRun) -> str:
    """Rows that are not records (title, 注, 合计), counted apart from 读入."""
    from .rowkinds import LABELS

    zh = run.config.lang != "en"
    t = LABELS["zh" if zh else "en"]
    counts = dict(run.skipped)
    above = run.source.header_line - 1 if run.source.format != "jsonl" else 0
    parts = ([f"{t['above']} {above}"] if above > 0 else []) + [f"{t[k]} {n}" for k, n in counts.items() if n]
    if not parts:
        return ""
    rows = "、".join(f"第{line}行" for line, _, _ in run.skipped_rows[:5]) if zh else \
        ", ".join(str(line) for line, _, _ in run.skipped_rows[:5])
    return ((f"另有非记录行（未审查、不计入读入）：{'、'.join(parts)}" + (f"（{rows}）" if rows else "")) if zh else
            f"not records (not audited, not counted): {', '.join(parts)}" + (f" (rows {rows})" if rows else ""))


def listing_groups(run: AuditRun, decisions: tuple[str, ...] | None = None) -> list[dict]:
    """The per-record view grouped: records with the same decision and the same advice (处理意见, the documents
    to supply) share one group, as the report's 逐人处理意见 does, so 23 identical requests read once. Each member
    keeps what is its own: the sheet's 序号, its masked name or its task text, its sheet row and its note (备注,
    a settled birth month, a blank date cell). Groups run from the worst decision down, then by first row.
    Shared by the terminal listing, the web job page and the HTML report (one grouping, three renderings)."""
    from ..mask import mask_name, mask_text

    c = run.collector
    zh = run.config.lang != "en"
    if c.listing_overflow:
        return []
    show = run.config.show_personal
    rank = {s: i for i, s in enumerate(("non_compliant", "unreadable", "insufficient_facts", "needs_review",
                                        "not_in_force", "not_addressed", "compliant"))}
    groups: dict[tuple[str, str], dict] = {}
    for it in sorted(c.listing):
        if decisions is not None and it.decision not in decisions:
            continue
        shown = (("未能审查" if it.decision == "unreadable" else label(it.decision, "zh")) if zh else it.decision)
        detail = it.detail
        if detail == shown:                 # 本市规定未涉及 twice says nothing more
            detail = ""
        elif detail.startswith(shown + "："):
            detail = detail[len(shown) + 1:]
        g = groups.setdefault((it.decision, detail), {"decision": it.decision, "label": shown, "detail": detail,
                                                      "members": [], "first": it.row})
        name = (it.name if show else mask_name(it.name)) if it.name else ""
        task = (it.task if show else mask_text(it.task)) if it.task else ""
        g["members"].append({"row": it.row, "id": it.id if show else mask_text(it.id), "name": name, "task": task,
                             "note": (it.note if show else mask_text(it.note)) if it.note else ""})
    return sorted(groups.values(), key=lambda g: (rank.get(g["decision"], 9), g["first"]))


def member_text(m: dict, zh: bool = True, task_text: bool = True) -> str:
    """One record as a clerk finds it in the sheet: 序号 7 余** (第12行), or 第6行 到独居老人家里看看…"""
    where = f"第{m['row']}行" if zh else f"row {m['row']}"
    seq = (f"序号 {m['id']}" if zh else f"no. {m['id']}") if m["id"] else ""
    what = m["name"] or (m["task"] if task_text else "")
    if seq:
        return " ".join(x for x in (seq, what) if x) + (f"（{where}）" if zh else f" ({where})")
    return " ".join(x for x in (where, what) if x)


def listing_text(run: AuditRun) -> str:
    """The HR view on the terminal, grouped: a head line per group (the decision, how many, the shared advice),
    then its records: people on one line (序号 and masked name), tasks one per line (the task in full), and
    each record with a note of its own on a line of its own."""
    zh = run.config.lang != "en"
    out = []
    for g in listing_groups(run):
        people = any(m["name"] for m in g["members"])
        unit = ("人" if people else "件" if any(m["task"] for m in g["members"]) else "行") if zh else ""
        n = len(g["members"])
        head = f"{g['label']} · {n} {unit}" if zh else f"{g['label']} · {n}"
        out.append(head + (f"：{g['detail']}" if zh and g["detail"] else f": {g['detail']}" if g["detail"] else ""))
        noted = ["  " + member_text(m, zh) + ("：" if zh else ": ") + m["note"] for m in g["members"] if m["note"]]
        if people:      # names are short: one line for those without a note, then each noted one
            plain = [m for m in g["members"] if not m["note"]]
            out += (["  " + ("、" if zh else ", ").join(member_text(m, zh) for m in plain)] if plain else []) + noted
        else:           # tasks are long: one per line, in sheet order, the note beside its task
            out += ["  " + member_text(m, zh) + (("：" if zh else ": ") + m["note"] if m["note"] else "")
                    for m in g["members"]]
    return "\n".join(out)
