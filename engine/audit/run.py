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
from pathlib import Path
from typing import TextIO

from ..errors import InputError, Problem
from ..labels import label
from . import pipeline, readers
from .chunks import RAW_FIELDS, ColumnPlan
from .config import EXIT_OF, AuditConfig, AuditRun  # noqa: F401  (the API web jobs and tests use)
from .context import Options, audit_context, load_packs
from .headerplan import plan_columns
from .sourcefile import MAX_COLUMNS
from .mapping import KINDS, HeaderMap, load_header_map, norm
from .outputs import ResultWriter, ThreadedWriter, discard, format_of, replace_atomically
from .results import COLUMN_TITLES, Collector
from .sourcefile import Source
from .texts import Progress, listing_text, summary_text  # noqa: F401  (re-exported)


def run_audit(cfg: AuditConfig, err: TextIO | None = None) -> AuditRun:
    """Run an audit; raises GridlawError (InputError / PackError) when the input cannot be audited at all.

    Set-up (options, packs, the source and its header), then every chunk down
    :func:`gridlaw.audit.pipeline.audit_chunk` and into the results file, then the report.
    The outputs are locked for the whole run: results and report always come from one run."""
    from ..outfile import exclusive

    with exclusive([cfg.out, cfg.report], cfg.lang):
        return _run_audit(cfg, err)


def _run_audit(cfg: AuditConfig, err: TextIO | None = None) -> AuditRun:
    err = err or sys.stderr
    lang = cfg.lang if cfg.lang in ("zh", "en") else "zh"
    hm = load_header_map(str(cfg.map_file) if cfg.map_file else None)
    kind = _option_value(hm, "kind", cfg.kind, list(KINDS), "--kind")
    city = cfg.city if cfg.city in (None, "all") else _option_value(hm, "city", cfg.city, None, "--city")
    role = _option_value(hm, "role", cfg.role, None, "--role")
    if cfg.out is not None:
        format_of(cfg.out)
    _refuse_overwriting_input(cfg)
    packs, warnings, city = load_packs(city, lang, cfg.pack, cfg.national)
    checklist = None
    if cfg.checklist:
        from ..checklist import load_checklist

        checklist = load_checklist(cfg.checklist)

    def score(row: list[str]) -> int:
        if len(row) > MAX_COLUMNS:      # refused below by its width; not worth looking up cell by cell
            return 0
        return max(sum(1 for h in row if h and hm.fact_of(k, h)) for k in KINDS)

    from .arrowio import is_parquet, open_parquet

    if cfg.source is not None:                       # rows held in memory (audit/inmemory.py)
        source = cfg.source
    elif is_parquet(cfg.file):                       # a Parquet file, or a folder of them (hive folders too)
        source = open_parquet(cfg.file, lang)
    else:
        source = readers.open_source(cfg.file, cfg.sheet, score, lang)     # read
    if kind is None and source.format != "jsonl":
        kind, note = _infer_kind(hm, source.header, lang)
        if note:
            warnings.append(note)
    if role is None and kind in ("hire", "exit") and source.format != "jsonl":
        role, note = _role_from_title(hm, source, lang)
        if note:
            warnings.append(note)
    day, basis, assumed = _review_date(cfg, hm, source, kind, lang)
    has_column = source.format == "jsonl" or any(
        h and any(hm.fact_of(k, h) == "date" for k in ((kind,) if kind else KINDS)) for h in source.header)
    opts = Options(kind, city, role, day, lang, checklist, basis, assumed, has_column)
    ctx = audit_context(packs, opts, str(cfg.map_file) if cfg.map_file else None, source.strict_keys)
    if len(source.header) > MAX_COLUMNS:     # every header is looked up (and an unknown one matched for a hint)
        raise InputError([Problem(str(source.path), f"表头至少有 {len(source.header):,} 列，超过 {MAX_COLUMNS:,} 列的上限，不予审查；"
                                  "请删去无关的列" if lang != "en" else
                                  f"the header has at least {len(source.header):,} columns, over the limit of {MAX_COLUMNS:,}; "
                                  "remove the columns not needed", source.header_line, code="too_many_columns",
                                  en=f"the header has at least {len(source.header):,} columns, over the limit of {MAX_COLUMNS:,}")])
    plan = plan_columns(ctx, source.header)
    if source.format != "jsonl":
        _check_header(source, plan, kind, city, lang)
    listing = {"auto": 200, "all": None, "none": 0}.get(cfg.listing, 200)
    coll = Collector(packs, lang, cfg.top, listing, all_cities=(city == "all"), show_personal=cfg.show_personal)
    columns = result_columns(source, plan, kind)
    titles = ({**COLUMN_TITLES, "name": "姓名"} if cfg.show_personal else COLUMN_TITLES) if lang == "zh" else None
    if cfg.report:
        discard(cfg.report)
    writer = None
    results = None
    if cfg.out or cfg.sink:
        results = cfg.sink(columns) if cfg.sink else \
            _result_writer(cfg, source, columns, run_stamp(packs, checklist, cfg), titles)
        writer = ThreadedWriter(results)
    if writer is None:
        coll.need = frozenset({"row"})
    elif writer.fmt == "jsonl":
        coll.need = frozenset({"row", "_tail", "note", *[c for c in (*RAW_FIELDS, "inferred") if c in writer.columns]})
    else:
        coll.need = frozenset(writer.columns)
    run = AuditRun(cfg, source, packs, coll, ctx, dt.datetime.now().astimezone(), warnings=warnings)
    show = err.isatty() if cfg.progress is None else cfg.progress
    bar = Progress(source.total, err, show, "行" if lang == "zh" else "rows")
    ignored: dict[str, None] = {}
    duplicates: dict[str, None] = {}
    t0 = time.perf_counter()
    from ..report import nature_text
    from ..textpool import two_cores

    try:
        with two_cores(nature_text, lang):     # a chunk's many distinct task texts are read by two processes (textpool.py)
            for chunk in source.chunks():                        # read
                out = pipeline.audit_chunk(ctx, chunk, coll)     # split … collect
                if writer is not None:
                    writer.write(out.table)                      # write
                done = out.evaluated
                run.skipped.update(done.non_records)
                run.skipped_rows.extend(done.non_record_rows[:max(20 - len(run.skipped_rows), 0)])
                ignored.update(dict.fromkeys(done.ignored))
                duplicates.update(dict.fromkeys(done.duplicates))
                bar.update(chunk.progress, coll.rows_in)
        _prove_accounting(source, coll, lang, sum(run.skipped.values()))
    except BaseException:
        if writer is not None:      # no results file rather than a partial one
            writer.abort()
        raise
    finally:
        bar.close()
    if writer is not None:
        from .texts import date_basis

        if hasattr(results, "notes"):
            results.notes = [("审查基准日" if lang == "zh" else "review date", date_basis(run)[0])]
        writer.close()
        run.out_rows = writer.rows
        run.out_files = getattr(writer.writer, "files", [])
    run.elapsed = time.perf_counter() - t0
    coll.finalize()
    coll.listing.sort()
    if coll.rows_in == 0 and cfg.source is None:
        raise InputError([Problem(str(cfg.file), "no data rows below the header" if lang == "en" else "表头下没有数据行")])
    run.warnings += _column_warnings(list(ignored), list(duplicates), lang)
    if cfg.report:
        from .report import render_report

        html = render_report(run)
        try:
            cfg.report.parent.mkdir(parents=True, exist_ok=True)
            replace_atomically(cfg.report, html.encode("utf-8"))
        except OSError as exc:
            from ..outfile import cannot_write

            raise InputError([cannot_write(cfg.report, exc)]) from None
    return run


def result_columns(source: Source, plan: ColumnPlan, kind: str | None) -> list[str]:
    """The results' columns for this input (the name column is written masked unless personal data is asked for)."""
    # the record as the sheet gives it (name, township, task, department, date): each result row stands alone
    return ["row", "id", *[c for c in RAW_FIELDS[1:] if c in plan.raw or (
        source.format == "jsonl" and c in ("name", "county", "township", "grid"))],
            "city", "kind", "decision", "decision_label", "advice", "questions", "violated_articles", "violated_rules",
            "review_rules", "missing_facts", "documents", *(["inferred"] if kind in (None, "assignment", "admission")
                                                            else []), "reason"]


def _result_writer(cfg: AuditConfig, source: Source, columns: list[str], stamp: dict, titles: dict | None):
    assert cfg.out is not None
    from .arrowio import check_partition_by

    check_partition_by(cfg.partition_by, getattr(source, "dataset", None), cfg.out, cfg.lang)
    if format_of(cfg.out) == "parquet":
        from .arrowio import ParquetResultWriter

        return ParquetResultWriter(cfg.out, columns, cfg.show_personal, stamp, getattr(source, "dataset", None),
                                   cfg.partition_by)
    return ResultWriter(cfg.out, columns, cfg.show_personal, stamp, titles)


def _review_date(cfg: AuditConfig, hm: HeaderMap, source: Source, kind: str | None, lang: str
                 ) -> tuple[dt.date, str, bool]:
    """(the date for rows without their own date, the sentence saying where it comes from, assumed?).

    A row is judged under the law in force on its own date (the date column). A row without one takes
    --date, else the sheet's 填报日期 above the header; without either, today — said at the top of every
    output as an assumption, never silently (a 2024 sheet audited today would apply today's law and ages)."""
    zh = lang != "en"
    has_column = source.format == "jsonl" or any(
        h and any(hm.fact_of(k, h) == "date" for k in ((kind,) if kind else KINDS)) for h in source.header)
    own = "按各行日期栏所载日期审查；日期栏空白的行" if zh else "each row under its own date; rows with a blank date "
    if cfg.date:
        return cfg.date, ((own if has_column else "") + f"按 --date 指定的 {cfg.date.isoformat()}" if zh else
                          (own if has_column else "") + f"as of --date {cfg.date.isoformat()}"), False
    from .sheetdate import sheet_date

    found = sheet_date(source)
    if found is not None:
        sheet_day, where = found
        return sheet_day, ((own if has_column else "") + f"按{where}所载填报日期 {sheet_day.isoformat()}" if zh else
                           (own if has_column else "") + f"as of the sheet's 填报日期 {sheet_day.isoformat()}"), False
    today = dt.date.today()
    if has_column:
        return today, (own + f"按今天（{today.isoformat()}）审查：表格未载明填报日期；如应按填报时的规定和年龄审查，请用 --date 指明"
                       if zh else own + f"as of today ({today.isoformat()}): the sheet gives no 填报日期; pass --date "
                       "to judge as of the day the sheet was filled in"), True
    return today, (f"表格没有日期栏，也未载明填报日期：按今天（{today.isoformat()}）的规定和年龄审查；如应按填报时审查，请用 --date 指明"
                   if zh else f"the sheet has no date column and no 填报日期: judged as of today ({today.isoformat()}); "
                   "pass --date to judge as of the day it was filled in"), True


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
            same = _resolved(out) == _resolved(src)
            try:
                same = same or (Path(out).exists() and os.path.samefile(out, src))
            except OSError:
                pass
            # a results folder inside an input folder would be read as input by the next run
            inside = Path(src).is_dir() and _resolved(src) in _resolved(out).parents
            if same or inside:
                raise InputError([Problem(flag, f"{out} 是输入文件本身；请另选输出文件名" if cfg.lang != "en" else
                                          f"{out} is the input file itself; choose another name")])


def _resolved(p: Path | str) -> Path:
    """The path resolved as far as it goes: a symlink loop raises RuntimeError in Path.resolve
    (the input is then refused by the reader, naming the loop)."""
    import os

    try:
        return Path(p).resolve()
    except (RuntimeError, OSError):
        return Path(os.path.abspath(p))


def run_stamp(packs: dict, checklist, cfg: AuditConfig) -> dict:
    """What answered: engine version and code hash, each pack's content hash, the checklist's hash."""
    from ..packreview import review_of
    from ..stamp import stamp_of

    # each pack's review state (policies/reviewed.json) travels with the results, as in check's answers
    return {**stamp_of(packs.values(), cfg.checklist), "review": [review_of(p.hash) for p in packs.values()]}


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
    return kind, (f"记录类型由表头推定为{label(kind)}（依据：{shown}）；如有误请用 --kind 指明" if lang == "zh" else
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
    return code, (f"岗位由表格标题“{title[:40]}”推定为{word}；如有误请用 --role 指明" if lang == "zh" else
                  f"role taken from the sheet's title “{title[:40]}”: {code}; pass --role if wrong")


def _check_header(source: Source, plan: ColumnPlan, kind: str | None, city: str | None, lang: str) -> None:
    name = str(source.path)
    header = source.header
    zh = lang == "zh"
    if kind is None and plan.kind_column is None:
        raise InputError([Problem(name, "请用 --kind 指明记录类型（hire、exit、assignment、notice、admission、grid），"
                                        "或加一列“类型”" if zh else
                                  "say which kind of record this is with --kind (hire, exit, assignment, notice, "
                                  "admission, grid), or add a kind column", source.header_line)])
    if city is None and plan.city_column is None:
        raise InputError([Problem(name, "请用 --city 指明城市（或 all），或加一列“城市”" if zh else
                                  "say which city with --city (or all), or add a city column", source.header_line)])
    kinds = [kind] if kind else list(KINDS)
    facts = {f for k in kinds for f in plan.kinds[k].facts.values()} - {"kind", "city"}
    if not facts:
        from ..mask import mask_cell

        shown = "、".join(mask_cell(h) for h in header[:8] if h)   # a "header" no field knows may be a data row
        raise InputError([Problem(name, (f"表头（{shown}）中没有一列是已知字段：人员名单应有“姓名”“身份证号”“出生年月”等列，任务台账应有"
                                         f"“任务内容”“交办部门”“交办日期”等列；请确认表头在表格的前几行；"
                                         f"见 gridlaw/audit/headers.yaml，或用 --map 指定"
                                         if zh else f"no column of the header ({shown}) is a known fact; see "
                                         "gridlaw/audit/headers.yaml or pass --map"), source.header_line)])


def _column_warnings(ignored: list[str], duplicates: list[str], lang: str) -> list[str]:
    from .mapping import FACT_LIKE

    out = []
    # A header worded like a fact (是否受过治安处罚, 有无…) that maps to none is said loudly:
    # its answers do not reach the decision, which the reader must know.
    from .remarks import HEADERS as REMARKS

    ignored = [h for h in ignored if norm(h.split("（是否指")[0]) not in REMARKS]    # 备注 is read (remarks.py)
    factlike = [h for h in ignored if FACT_LIKE.search(norm(h.split("（是否指")[0]))]
    plain = [h for h in ignored if h not in factlike]
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
    if duplicates:
        out.append(("重复的列：" if lang == "zh" else "duplicate columns: ")
                   + ("、" if lang == "zh" else ", ").join(duplicates))
    return out


