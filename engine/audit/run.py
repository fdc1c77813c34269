"""``gridlaw audit``: read a file of records in chunks, evaluate, write results, aggregate, report.

Memory stays bounded: a chunk (a few MB of input) is converted, evaluated
with :func:`gridlaw.batch.evaluate_columns`, written out and dropped; only
counts and the top-N records most in breach are kept. The next chunk is read
and parsed on a second thread meanwhile (pyarrow's parser releases the GIL),
which is how the run uses both cores.
"""
from __future__ import annotations

import datetime as dt
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from ..errors import InputError, PackError, Problem
from ..labels import label
from ..loader import Pack, available_packs, load_pack
from .convert import GROUPS, RAW_FIELDS, Options, Pipeline
from .mapping import KINDS, HeaderMap, load_header_map, norm
from .outputs import ResultWriter, ThreadedWriter, discard, format_of, replace_atomically
from .readers import Source, open_source
from .results import COLUMN_TITLES, STATUSES, Collector
from .rowkinds import drop_non_records

from ..exitcodes import EXIT_NON_COMPLIANT, EXIT_OK, EXIT_UNDECIDED
EXIT_OF = {"compliant": EXIT_OK, "not_addressed": EXIT_OK, "non_compliant": EXIT_NON_COMPLIANT,
           "insufficient_facts": EXIT_UNDECIDED, "needs_review": EXIT_UNDECIDED, "not_in_force": EXIT_UNDECIDED,
           "unreadable": EXIT_UNDECIDED}


@dataclass
class AuditConfig:
    file: Path
    kind: str | None = None
    city: str | None = None
    role: str | None = None
    date: dt.date | None = None
    lang: str = "zh"
    sheet: str | None = None
    map_file: Path | None = None
    checklist: Path | None = None
    out: Path | None = None
    report: Path | None = None
    show_personal: bool = False
    top: int = 50
    listing: str = "auto"          # auto (≤ 200 rows) | all | none
    progress: bool | None = None   # None: when stderr is a terminal
    pack: str | None = None        # --pack: a pack folder (or city/law name) instead of the shipped city pack
    national: bool = True          # evaluate over the national layer, as `gridlaw check` does


@dataclass
class AuditRun:
    config: AuditConfig
    source: Source
    packs: dict[str, Pack]
    collector: Collector
    pipeline: Pipeline
    started: dt.datetime
    elapsed: float = 0.0
    out_rows: int = 0
    warnings: list[str] = field(default_factory=list)
    skipped: Counter = field(default_factory=Counter)                     # title / note / total rows
    skipped_rows: list[tuple[int, str, str]] = field(default_factory=list)  # (line, kind, text) of the first few

    @property
    def exit_code(self) -> int:
        # As for `gridlaw check` on a list: any non-compliant row decides (1); else any undecided
        # or rejected row (3); else 0.
        codes = {EXIT_OF[s] for s, n in self.collector.decision_totals().items() if n}
        return EXIT_NON_COMPLIANT if EXIT_NON_COMPLIANT in codes else max(codes, default=EXIT_OK)

    @property
    def used_packs(self) -> dict[str, Pack]:
        """The packs some row was evaluated under (all of them with --city all)."""
        return {c: p for c, p in self.packs.items() if c in self.collector.by_city} or dict(self.packs)

    @property
    def groups_present(self) -> list[str]:
        return [g for g in GROUPS if self.collector.groups.get(g)]


def run_audit(cfg: AuditConfig, err: TextIO | None = None) -> AuditRun:
    """Run an audit; raises GridlawError (InputError / PackError) when the input cannot be audited at all."""
    err = err or sys.stderr
    lang = cfg.lang if cfg.lang in ("zh", "en") else "zh"
    hm = load_header_map(str(cfg.map_file) if cfg.map_file else None)
    kind = _option_value(hm, "kind", cfg.kind, list(KINDS), "--kind")
    city = cfg.city if cfg.city in (None, "all") else _option_value(hm, "city", cfg.city, None, "--city")
    role = _option_value(hm, "role", cfg.role, None, "--role")
    if cfg.out is not None:
        format_of(cfg.out)
    _refuse_overwriting_input(cfg)
    if cfg.pack:  # a user's pack: rows are read as of its city (a county pack: its base city)
        from ..layers import load_target

        own = load_target(cfg.pack).latest
        city = city if city not in (None, "all") else (own.meta.extends or own.id)
        packs, warnings = {city: own}, []
    else:
        packs, warnings = _packs(city, lang)
    from ..layers import audit_pack  # every row also under the national layer, as `gridlaw check` does

    packs = {c: audit_pack(p, cfg.national) for c, p in packs.items()}
    checklist = None
    if cfg.checklist:
        from ..checklist import load_checklist

        checklist = load_checklist(cfg.checklist)

    def score(row: list[str]) -> int:
        return max(sum(1 for h in row if h and hm.fact_of(k, h)) for k in KINDS)

    source = open_source(cfg.file, cfg.sheet, score, lang)
    if kind is None and source.format != "jsonl":
        kind, note = _infer_kind(hm, source.header, lang)
        if note:
            warnings.append(note)
    if role is None and kind in ("hire", "exit") and source.format != "jsonl":
        role, note = _role_from_title(hm, source, lang)
        if note:
            warnings.append(note)
    opts = Options(kind, city, role, cfg.date or dt.date.today(), lang, checklist)
    pipe = Pipeline(source, hm, opts, packs)
    if source.format != "jsonl":
        _check_header(source, pipe, kind, city, lang)
    listing = {"auto": 200, "all": None, "none": 0}.get(cfg.listing, 200)
    coll = Collector(packs, lang, cfg.top, listing, all_cities=(city == "all"), show_personal=cfg.show_personal)
    # names go to the results file only when personal data is asked for (row and id identify a record)
    # the name column is written masked (张*) unless personal data is asked for
    columns = ["row", "id", *[c for c in RAW_FIELDS[1:] if (source.format == "jsonl" or _has(pipe, source, c))],
               "city", "kind", "decision", "decision_label", "violated_articles", "violated_rules", "review_rules",
               "missing_facts", "documents", *(["inferred"] if kind in (None, "assignment", "admission") else []), "reason"]
    titles = ({**COLUMN_TITLES, "name": "姓名"} if cfg.show_personal else COLUMN_TITLES) if lang == "zh" else None
    if cfg.report:
        discard(cfg.report)
    writer = ThreadedWriter(ResultWriter(cfg.out, columns, cfg.show_personal, run_stamp(packs, checklist, cfg), titles)) \
        if cfg.out else None
    if writer is None:
        coll.need = frozenset({"row"})
    elif writer.fmt == "jsonl":
        coll.need = frozenset({"row", "_tail", "note", *[c for c in (*RAW_FIELDS, "inferred") if c in writer.columns]})
    else:
        coll.need = frozenset(writer.columns)
    run = AuditRun(cfg, source, packs, coll, pipe, dt.datetime.now().astimezone(), warnings=warnings)
    show = err.isatty() if cfg.progress is None else cfg.progress
    bar = Progress(source.total, err, show, "行" if lang == "zh" else "rows")
    t0 = time.perf_counter()
    try:
        for chunk in source.chunks():
            chunk = drop_non_records(chunk, run.skipped, run.skipped_rows)
            prep = pipe.process(chunk)
            table = coll.add(prep)
            if writer is not None:
                writer.write(table)
            bar.update(chunk.progress, coll.rows_in)
        _prove_accounting(source, coll, lang, sum(run.skipped.values()))
    except BaseException:
        if writer is not None:      # no results file rather than a partial one
            writer.abort()
        raise
    finally:
        bar.close()
    if writer is not None:
        writer.close()
        run.out_rows = writer.rows
    run.elapsed = time.perf_counter() - t0
    coll.finalize()
    coll.listing.sort()
    if coll.rows_in == 0:
        raise InputError([Problem(str(cfg.file), "no data rows below the header" if lang == "en" else "表头下没有数据行")])
    run.warnings += _column_warnings(pipe, lang)
    if cfg.report:
        from .report import render_report

        html = render_report(run)
        try:
            cfg.report.parent.mkdir(parents=True, exist_ok=True)
            replace_atomically(cfg.report, html.encode("utf-8"))
        except OSError as exc:
            raise InputError([Problem(str(cfg.report), f"cannot write: {exc.strerror}")]) from None
    return run


def _refuse_overwriting_input(cfg: AuditConfig) -> None:
    """--out or --report naming the input (or the map, or the checklist) would destroy it before it is read."""
    import os

    inputs = [p for p in (cfg.file, cfg.map_file, cfg.checklist) if p is not None]
    if cfg.out is not None and cfg.report is not None and (
            Path(cfg.report).resolve() in (Path(cfg.out).resolve(), Path(str(cfg.out) + ".manifest.json").resolve())):
        # the report would replace the results (or their manifest) just written
        raise InputError([Problem("--report", f"{cfg.report} 与结果文件（--out）相同；请为报告另选文件名", code="same_output",
                                  en=f"{cfg.report} is also the results file (--out); give the report another name")
                          if cfg.lang != "en" else
                          Problem("--report", f"{cfg.report} is also the results file (--out); give the report another name",
                                  code="same_output")])
    for flag, out in (("--out", cfg.out), ("--report", cfg.report)):
        if out is None:
            continue
        for src in inputs:
            same = Path(out).resolve() == Path(src).resolve()
            try:
                same = same or (Path(out).exists() and os.path.samefile(out, src))
            except OSError:
                pass
            if same:
                raise InputError([Problem(flag, f"{out} 是输入文件本身；请另选输出文件名" if cfg.lang != "en" else
                                          f"{out} is the input file itself; choose another name")])


def run_stamp(packs: dict[str, Pack], checklist, cfg: AuditConfig) -> dict:
    """What answered: engine version and code hash, each pack's content hash, the checklist's hash."""
    from ..stamp import stamp_of

    return stamp_of(packs.values(), cfg.checklist)


def _prove_accounting(source: Source, coll: Collector, lang: str, non_records: int = 0) -> None:
    """Every physical line of a CSV belongs to exactly one record (counted on the bytes, and by the
    tokenizer), and every record below the header was counted once: read (= evaluated + rejected), blank,
    or a row that is not a record (注, 合计), which is counted apart."""
    t = source.tally
    if t is None:
        return
    below = t.records - source.header_line
    if t.balanced() and below == coll.rows_in + coll.blank + non_records and coll.rows_in == coll.evaluated + coll.rejected:
        return
    raise InputError([Problem(str(source.path), (
        f"记录计数不一致：文件有 {t.lines_in_bytes:,} 个物理行，记录占用 {t.lines_in_records:,} 行；表头下 {below:,} 条记录，"
        f"读入 {coll.rows_in:,} + 空行 {coll.blank:,} + 非记录行 {non_records:,}；结果不可信，未输出" if lang == "zh" else
        f"record count mismatch: {t.lines_in_bytes:,} physical lines, {t.lines_in_records:,} taken by records; "
        f"{below:,} records below the header, {coll.rows_in:,} read + {coll.blank:,} blank + {non_records:,} not records; "
        "results not trusted"))])


def _option_value(hm: HeaderMap, fact: str, value: str | None, codes: list[str] | None, flag: str) -> str | None:
    if value is None:
        return None
    table = hm.values.get(fact, {})
    code = table.get(norm(value))
    if code is None or (codes is not None and code not in codes):
        options = sorted(set(table.values()))
        raise InputError([Problem(flag, f"无法识别的取值 {value!r}；可选：{'、'.join(options)}", code="bad_option",
                                  en=f"unknown value {value!r}; one of: {', '.join(options)}")])
    return code


def _packs(city: str | None, lang: str) -> tuple[dict[str, Pack], list[str]]:
    have = available_packs()
    warnings: list[str] = []
    if city not in (None, "all"):
        if city not in have:
            raise InputError([Problem("--city", f"{city} 暂无规则包；现有：{'、'.join(have)}", code="no_pack",
                                      en=f"no pack for {city} yet; available: {', '.join(have)}")])
        return {city: load_pack(city)}, warnings
    packs: dict[str, Pack] = {}
    for c in have:
        try:
            packs[c] = load_pack(c)
        except PackError as exc:
            warnings.append((f"规则包 {c} 无法加载，已跳过：" if lang == "zh" else f"pack {c} failed to load, skipped: ")
                            + str(exc.problems[0]))
    if not packs:
        raise PackError([Problem("packs", "no city pack could be loaded")])
    return packs, warnings


def _infer_kind(hm, header: list[str], lang: str) -> tuple[str | None, str]:
    """Without --kind or a kind column, the kind whose own facts the headers name most
    (出生日期、是否受过刑事处罚 → hire). A tie or no evidence leaves it to _check_header's error."""
    from ..acts import fact_vocabulary

    if any(h and any(hm.fact_of(k, h) == "kind" for k in KINDS) for h in header):
        return None, ""
    vocab = fact_vocabulary()
    shared = set.intersection(*(set(vocab[k]) for k in KINDS))
    evidence = {k: [h for h in header if h and (hm.fact_of(k, h) or "kind") not in shared | {"kind"}
                    and hm.fact_of(k, h) is not None] for k in KINDS}
    best = max(len(v) for v in evidence.values())
    winners = [k for k, v in evidence.items() if len(v) == best]
    if best == 0 or len(winners) > 1:
        return None, ""
    kind = winners[0]
    shown = ("、" if lang == "zh" else ", ").join(evidence[kind][:4])
    return kind, (f"记录类型由表头推定为 {kind}（依据：{shown}）；如有误请用 --kind 指明" if lang == "zh" else
                  f"record kind inferred from the header as {kind} (from: {shown}); pass --kind if wrong")


def _role_from_title(hm: HeaderMap, source: Source, lang: str) -> tuple[str | None, str]:
    """A sheet titled 专职网格员招聘报名登记表 is about full-time workers: without --role or a role
    column, the one role its caption names is used, and the summary says so."""
    from .sheets import title_above

    if any(h and hm.fact_of("hire", h) == "role" for h in source.header):
        return None, ""
    title = title_above(source)
    if not title:
        return None, ""
    key = norm(title)
    hits = {code: word for word, code in sorted(hm.values.get("role", {}).items(), key=lambda kv: -len(kv[0]))
            if len(word) >= 3 and word in key}
    if len(hits) != 1:
        return None, ""
    code, word = next(iter(hits.items()))
    return code, (f"岗位由表格标题“{title[:40]}”推定为 {word}（{code}）；如有误请用 --role 指明" if lang == "zh" else
                  f"role taken from the sheet's title “{title[:40]}”: {code}; pass --role if wrong")


def _check_header(source: Source, pipe: Pipeline, kind: str | None, city: str | None, lang: str) -> None:
    name = str(source.path)
    header = source.header
    zh = lang == "zh"
    if kind is None and pipe.column_of(header, "kind") is None:
        raise InputError([Problem(name, "请用 --kind 指明记录类型（hire、exit、assignment、notice、admission、grid），"
                                        "或加一列“类型”" if zh else
                                  "say which kind of record this is with --kind (hire, exit, assignment, notice, "
                                  "admission, grid), or add a kind column", source.header_line)])
    if city is None and pipe.column_of(header, "city") is None:
        raise InputError([Problem(name, "请用 --city 指明城市（或 all），或加一列“城市”" if zh else
                                  "say which city with --city (or all), or add a city column", source.header_line)])
    kinds = [kind] if kind else list(KINDS)
    facts = {f for k in kinds for f in pipe.resolution(k, header).facts.values()} - {"kind", "city"}
    if not facts:
        from ..mask import mask_cell

        shown = "、".join(mask_cell(h) for h in header[:8] if h)   # a "header" no field knows may be a data row
        raise InputError([Problem(name, (f"表头（{shown}）中没有一列是已知字段；见 gridlaw/audit/headers.yaml，或用 --map 指定"
                                         if zh else f"no column of the header ({shown}) is a known fact; see "
                                         "gridlaw/audit/headers.yaml or pass --map"), source.header_line)])


def _has(pipe: Pipeline, source: Source, name: str) -> bool:
    return name in pipe.raw_index(source.header)


def _column_warnings(pipe: Pipeline, lang: str) -> list[str]:
    from .mapping import FACT_LIKE

    out = []
    # A header worded like a fact (是否受过治安处罚, 有无…) that maps to none is said loudly:
    # its answers do not reach the decision, which the reader must know.
    factlike = [h for h in pipe.ignored if FACT_LIKE.search(norm(h.split("（是否指")[0]))]
    plain = [h for h in pipe.ignored if h not in factlike]
    for h in factlike:
        col = h.split("（是否指")[0]
        out.append(f"注意：列“{col}”像是一项审查事实，但不对应任何已知字段，已忽略——该列的填写不影响结论。"
                   f"{h[len(col):]}如它就是某项字段，请用 --map 指明（headers: {{{col}: 字段名}}）；无关则写 null。"
                   if lang == "zh" else
                   f"warning: column “{col}” reads like a fact but maps to none, so it was ignored and does not "
                   f"affect any decision.{h[len(col):]} Map it with --map (headers: {{{col}: fact}}), or to null.")
    if plain:
        out.append(("未识别、已忽略的列：" if lang == "zh" else "columns not recognised (ignored): ")
                   + ("、" if lang == "zh" else ", ").join(plain))
    if pipe.duplicates:
        out.append(("重复的列：" if lang == "zh" else "duplicate columns: ")
                   + ("、" if lang == "zh" else ", ").join(pipe.duplicates))
    return out


# --------------------------------------------------------------------------- terminal


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


def summary_text(run: AuditRun) -> str:
    c = run.collector
    lang = run.config.lang
    zh = lang != "en"
    lines = []
    src = run.source
    lines.append(f"gridlaw audit · {src.path.name} · {src.describe} · {run.elapsed:.1f} s")
    for city, pack in run.used_packs.items():
        lines.append(f"  {'规则' if zh else 'pack'} {label(city, lang)}《{pack.meta.title}》 {pack.hash[:12]}")
    per = len(run.packs) if c.all_cities else 1
    lines.append((f"  读入 {c.rows_in:,} 行 = 已审查 {c.evaluated:,} + 未能审查 {c.rejected:,}" if zh else
                  f"  rows in {c.rows_in:,} = evaluated {c.evaluated:,} + not checked {c.rejected:,}")
                 + (f"（另有空行 {c.blank:,}）" if zh and c.blank else f" (blank skipped: {c.blank:,})" if c.blank else "")
                 + (f"；每行按 {per} 个城市各审一次" if zh and per > 1 else f"; each row under {per} packs" if per > 1 else ""))
    skipped = _skipped_text(run)
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
            f"{(city + ' ') if len(run.used_packs) > 1 else ''}{art} {n:,}{' 行' if zh else ''}" for (city, art), n in top))
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
        outs.append(f"{'结果' if zh else 'results'} {run.config.out} ({run.out_rows:,})")
    if run.config.report:
        outs.append(f"{'报告' if zh else 'report'} {run.config.report}")
    if outs:
        lines.append("  " + "   ".join(outs))
    code = run.exit_code
    meaning = {0: "全部合规或本市未涉及" if zh else "all compliant or not addressed",
               1: "有不合规记录" if zh else "some rows are non-compliant",
               3: "有待补正、需审查或未能审查的记录" if zh else "some rows are undecided or not checked"}[code]
    lines.append(f"  {'退出码' if zh else 'exit code'} {code}：{meaning}" if zh else f"  exit code {code}: {meaning}")
    return "\n".join(lines)


def _skipped_text(run: AuditRun) -> str:
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


def listing_text(run: AuditRun) -> str:
    """The HR view: one line per record — who, the decision, and what to ask for."""
    from ..mask import mask_name

    c = run.collector
    zh = run.config.lang != "en"
    if c.listing_overflow:
        return ""
    out = []
    for row, _, name, rid, decision, detail in c.listing:
        who = (name if run.config.show_personal else mask_name(name)) if name else (rid or "")
        where = f"第{row}行" if zh else f"row {row}"
        who = who or where
        shown = (("未能审查" if decision == "unreadable" else label(decision, "zh")) if zh else decision)
        text = f"{who}\t{shown}" + (f"\t{detail}" if detail else "")
        out.append(text + (f"\t（{where}）" if zh and who != where else f"\t({where})" if who != where else ""))
    return "\n".join(out)
