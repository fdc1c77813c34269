"""gridlaw command line. Modules beyond typer are imported inside each command,
so start-up stays light.

\b
Exit codes (check, compare, test, validate, audit):
  0  compliant (check) / all good
  1  non_compliant (check) / a test or validation failed
  2  usage error (unknown option, missing argument)
  3  undecided: needs_review, insufficient_facts, not_addressed or not_in_force
  4  bad input: unreadable file, malformed YAML/JSON, unknown field, wrong type;
     a pack of your own (a folder given with --pack) that does not load
  5  a shipped pack failed to load (the installation is damaged)
"""
from __future__ import annotations

import re

import sys
from pathlib import Path
from typing import Optional

import typer

from .cli_base import CHECK_HELP, acts_and_checklist as _acts_and_checklist, emit as _emit, worst_exit
from .exitcodes import EXIT_BAD_INPUT, EXIT_NON_COMPLIANT, EXIT_OK

app = typer.Typer(
    help=__doc__,
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _fail(exc: Exception, lang: str = "zh", fmt: str = "text") -> "typer.Exit":
    """Print every problem of a GridlawError (best first) — as JSON with -f json — and pick the exit code."""
    from .cli_base import fail

    return typer.Exit(fail(exc, lang, fmt))


@app.command(context_settings={"allow_extra_args": True, "ignore_unknown_options": True,
                               "help_option_names": []}, add_help_option=False, help=CHECK_HELP)
def check(ctx: typer.Context) -> None:
    # One parser: gridlaw.cli_base's argparse (gridlaw.launch runs it without typer; `check --help` lists the options).
    from .cli_base import check_main

    raise typer.Exit(check_main(list(ctx.args)))


@app.command()
def compare(
    file: str = typer.Argument(..., help="act file (JSON or YAML), or - for stdin"),
    fmt: str = typer.Option("text", "--format", "-f", help="text | json | md | html"),
    lang: str = typer.Option("zh", "--lang", help="zh | en"),
    checklist: Optional[Path] = typer.Option(None, "--checklist", help="local checklist file"),
    output: Optional[Path] = typer.Option(None, "--output", "-o"),
) -> None:
    """Evaluate one act under all five city packs, side by side."""
    from .errors import GridlawError

    try:
        from .compare import compare_act, render_comparison

        acts, cl = _acts_and_checklist(file, checklist)
        results = [compare_act(act, cl) for act in acts]
        text = "\n\n".join(render_comparison(r, fmt, lang) for r in results)
    except GridlawError as exc:
        raise _fail(exc, lang, fmt) from None
    bad = _emit(text, output, lang)
    if bad:
        raise typer.Exit(bad)
    # the worst decision decides, as for check on a list: any non_compliant → 1, else any undecided → 3
    raise typer.Exit(worst_exit([d for r in results for _, d in r]))


_LAYER = {"zh": {"city": "市级", "national": "国家法律", "county": "县级"}, "en": {}}
_INSTRUMENT = {"local_regulation": "地方性法规", "government_rule": "地方政府规章", "normative_document": "规范性文件",
               "law": "法律", "administrative_regulation": "行政法规"}
_STATUS = {"zh": {"rules": "规则", "not_modelled": "不予建模", "missing": "缺失"}, "en": {}}
_V = {
    "zh": {"invalid": "{target}：无效（{n} 处问题）", "failed": "{target}：未通过 · {layer}{extends}{version} · {rules} 条规则 · "
           "{held}中 {n} 条已处理（规则 {used} 条，不予建模 {skipped} 条） · 核对引文 {quotes} 处，不符 0 处 · 规则包 {hash}",
           "extends": "，补充 {base}", "version": " · 版本 {version}（{effective} 施行）", "held": "所载 {n} 条（共 {total} 条）",
           "all": "全部 {n} 条", "warning": "  提示：{text}", "conflict": "  规范冲突：{text}",
           "gen_script": "由 scripts/clean_sources.py 生成（tests/test_sources.py 核对其与脚本输出一致）",
           "gen_raw": "由 raw.txt 生成，且与之一致", "differs": "与 raw.txt 不一致：请用 gridlaw new-pack 重新生成，勿手工修改",
           "not_gen": "并非由原始文本生成", "source": "  source.md：{how}",
           "changed": "  reviewed.json：审核后已改动（审核通过后请重新运行 scripts/pack_manifest.py）",
           "todo": "  pack.yaml 第 {n} 行仍待填写：{line}（{what}）",
           "no_entry": "  reviewed.json：无此规则包的审核记录", "matches": "  reviewed.json：与审核时的文件一致",
           "fail": "不通过 {file}:{line} {name}：{detail}", "uncovered": "未覆盖 {rule}：需要 {what}",
           "cases": "{city}：{ok}/{n} 个用例通过", "total": "通过 {passed} 个，不通过 {failed} 个",
           "pack": "{id} 《{title}》 {instrument} · {issuer} · {effective} 施行 · {rules} 条规则 · 共 {articles} 条",
           "national": "{id} 《{title}》（{version}） 国家法律 · {issuer} · {effective} 施行 · {rules} 条规则 · 收录{articles}"},
    "en": {"invalid": "{target}: INVALID ({n} problem(s))", "ok": "{target}: ok · layer {layer}{extends}{version} · {rules} rules "
           "· {n} of {held} accounted for ({used} by rules, {skipped} not modelled) · {quotes} quotes checked, 0 mismatches · "
           "pack {hash}",
           "extends": ", extends {base}", "version": " · version {version} (in force {effective})",
           "held": "{n} articles held (excerpt of {total})", "all": "{n} articles", "warning": "  warning: {text}",
           "conflict": "  conflict: {text}",
           "gen_script": "generated by scripts/clean_sources.py (tests/test_sources.py checks it equals the script output)",
           "gen_raw": "generated from raw.txt, and equal to it",
           "differs": "DIFFERS from raw.txt: regenerate it (gridlaw new-pack) instead of editing by hand",
           "not_gen": "NOT generated from a raw text", "source": "  source.md: {how}",
           "changed": "  reviewed.json: CHANGED SINCE REVIEW (rerun scripts/pack_manifest.py once reviewed)",
           "todo": "  pack.yaml:{n}: still to fill in: {line} ({what})",
           "no_entry": "  reviewed.json: no entry for this pack", "matches": "  reviewed.json: matches the reviewed files",
           "fail": "FAIL {file}:{line} {name}: {detail}", "uncovered": "UNCOVERED {rule}: needs {what}",
           "cases": "{city}: {ok}/{n} cases passed", "total": "{passed} passed, {failed} failed",
           "pack": "{id:9} 《{title}》 {instrument} · {issuer} · 施行 {effective} · {rules} rules · {articles} articles",
           "national": "{id:12} 《{title}》（{version}） national · {issuer} · 施行 {effective} · {rules} rules · articles {articles}"},
}


_V["zh"]["ok"] = _V["zh"]["failed"].replace("：未通过 ·", "：通过 ·", 1)
_V["en"]["failed"] = _V["en"]["ok"].replace(": ok ·", ": FAILED ·", 1)
_TODO_WHAT = {"zh": {"effective": "生效日期请按正文“自…起施行”填写", "issuer": "请填写制定机关",
                     "title": "请填写规定名称"},
              "en": {"effective": "the date in force is in the text's 自…起施行", "issuer": "the issuing body",
                     "title": "the instrument's title"}}


def _pack_name(target: str, lang: str) -> str:
    """How a Chinese screen names a pack: 盐城, 行政处罚法; a folder of your own by its path (ids are for --lang en)."""
    if lang == "en":
        return target
    from .labels import LABELS
    from .layers import national

    if target in LABELS["zh"] and target not in ("hire", "exit", "notice", "grid", "assignment", "admission"):
        return LABELS["zh"][target]
    law = next((x for x in national() if x.id == target), None)
    return law.latest.meta.title.removeprefix("中华人民共和国") if law else target


def _lang_of(lang: str) -> str:
    return "en" if lang == "en" else "zh"


@app.command()
def packs(
    matrix: bool = typer.Option(False, "--matrix", help="which questions each city governs, with articles"),
    fmt: str = typer.Option("text", "--format", "-f", help="text | json | md | html (with --matrix)"),
    lang: str = typer.Option("zh", "--lang"),
) -> None:
    """List the city packs (title, instrument, in force from, rules)."""
    from .errors import GridlawError
    from .loader import available_packs, load_pack

    t = _V[_lang_of(lang)]
    try:
        if matrix:
            from .compare import question_matrix, render_matrix

            typer.echo(render_matrix(question_matrix(), fmt, lang))
            return
        from .compare import _w
        from .textnorm import int_to_cn

        def name(target: str) -> str:     # padded by display width (a CJK character takes two columns)
            shown = _pack_name(target, lang)
            return shown + " " * max(0, (14 if lang != "en" else 12) - _w(shown))

        for city in available_packs():
            p = load_pack(city)
            instrument = _INSTRUMENT.get(p.meta.instrument, p.meta.instrument) if lang != "en" else p.meta.instrument
            typer.echo(t["pack"].format(id=name(city), title=p.meta.title, instrument=instrument, issuer=p.meta.issuer,
                                        effective=p.meta.effective, rules=len(p.rules), articles=p.meta.articles))
        from .layers import national

        for law in national():  # the national layer under every city, each version with its date
            for p in law.packs:
                arts = ("、".join(f"第{int_to_cn(n)}条" for n in p.meta.excerpt or []) if lang != "en" else
                        ", ".join(map(str, p.meta.excerpt or [])))
                typer.echo(t["national"].format(id=name(law.id), title=p.meta.title, version=p.meta.version,
                                                issuer=p.meta.issuer, effective=p.meta.effective, rules=len(p.rules),
                                                articles=arts))
    except GridlawError as exc:
        raise _fail(exc, lang) from None


@app.command()
def validate(pack: Optional[str] = typer.Argument(None, help="a city, a national law, or a pack folder (default: every shipped pack)"),
             lang: str = typer.Option("zh", "--lang", help="zh (default) or en")) -> None:
    """Validate packs: schema, fact names, quotes against source.md, article coverage, links to the base pack."""
    from .errors import InputError, PackError
    from .layers import load_target, national, static_conflicts

    lang = _lang_of(lang)
    t = _V[lang]
    failed = False
    targets = [pack] if pack else [*available_packs_lazy(), *(law.id for law in national())]
    for target in targets:
        try:
            law = load_target(target, use_cache=False)  # validate for real, never from cache
        except (InputError, PackError) as exc:
            if isinstance(exc, InputError) and not getattr(exc, "user_pack", False):
                raise _fail(exc, lang) from None        # a mistyped name or path: exit 4, as check does
            failed = True                               # a pack that does not load fails its validation
            problems = exc.problems[1:] if getattr(exc, "user_pack", False) else exc.problems
            typer.echo(t["invalid"].format(target=_pack_name(target, lang), n=len(problems)))
            for problem in problems:
                typer.echo(f"  {problem.text(lang)}")
            continue
        for p in law.packs:
            failed = _print_coverage(target, p, len(law.packs) > 1, lang) or failed
            for text in static_conflicts(p):
                typer.echo(t["conflict"].format(text=text))
        failed = _print_review(law.id, lang) or failed
    raise typer.Exit(EXIT_NON_COMPLIANT if failed else EXIT_OK)


def available_packs_lazy() -> list[str]:
    from .loader import available_packs

    return available_packs()


def _print_review(pack_id: str, lang: str = "zh") -> bool:
    """Say whether a shipped pack's files are the reviewed ones (policies/reviewed.json); True when changed."""
    from .loader import available_packs, pack_root
    from .packreview import differences

    t = _V[lang]
    if pack_id not in available_packs():
        return False                      # national laws and packs from a path have no review entry
    changed = differences(pack_id, pack_root(pack_id))
    if changed:
        typer.echo(t["changed"])
        for line in changed:
            typer.echo(f"    {line}")
        return True
    typer.echo(t["no_entry"] if changed is None else t["matches"])
    return False


def _print_coverage(target: str, p, versioned: bool, lang: str = "zh") -> bool:
    """Print one pack's coverage; True when something is missing or the source is not generated."""
    t = _V[lang]
    cov = p.coverage()
    used = sum(1 for s, _ in cov.values() if s == "rules")
    skipped = sum(1 for s, _ in cov.values() if s == "not_modelled")
    missing = [n for n, (s, _) in cov.items() if s == "missing"]
    held = t["held"].format(n=len(cov), total=p.meta.articles) if p.meta.excerpt else t["all"].format(n=p.meta.articles)
    layer = _LAYER[lang].get(p.meta.layer, p.meta.layer)
    extends = t["extends"].format(base=p.meta.extends) if p.meta.extends else ""
    version = t["version"].format(version=p.meta.version, effective=p.meta.effective) \
        if versioned or p.meta.version else ""
    text = (p.root / "source.md").read_text("utf-8")
    if "generated by scripts/clean_sources.py" in text:
        generated, how = True, t["gen_script"]
    elif "generated by gridlaw new-pack" in text and (p.root / "raw.txt").is_file():
        from .errors import GridlawError
        from .rawtext import source_of

        try:
            generated = source_of((p.root / "raw.txt").read_text("utf-8"), "raw.txt")[2] == text
        except GridlawError:
            generated = False
        how = t["gen_raw"] if generated else t["differs"]
    else:
        generated, how = False, t["not_gen"]
    todo = _todo_lines(p.root / "pack.yaml")
    # the head line says 通过 only when nothing below fails (it said 通过 above a placeholder date)
    failed = bool(missing) or not generated or any(key == "effective" for _, key, _ in todo)
    typer.echo(t["failed" if failed else "ok"].format(
        target=_pack_name(target, lang), layer=layer, extends=extends, version=version, rules=len(p.rules), n=used + skipped, held=held,
        used=used, skipped=skipped, quotes=len(p.rules) + (1 if p.meta.effective_cite else 0), hash=p.hash[:12]))
    for warning in p.warnings():
        typer.echo(t["warning"].format(text=warning))
    typer.echo(t["source"].format(how=how))
    for n, key, line in todo:
        typer.echo(t["todo"].format(n=n, line=line, what=_TODO_WHAT[lang][key]))
    for n, (status, what) in cov.items():
        typer.echo(_coverage_line(n, status, what, lang))
    return failed


def _coverage_line(n: int, status: str, what: object, lang: str) -> str:
    """One article's line. In Chinese: 第十六条, the status, then the number of rules (ids are for --lang en)
    and a reason only when it is written in Chinese (the shipped packs' reasons are English notes)."""
    if lang == "en":
        detail = ", ".join(what) if isinstance(what, list) else str(what)
        return f"  article {n:>3} {status:13} {detail}"
    from .textnorm import int_to_cn

    head = f"  第{int_to_cn(n)}条 "
    if status == "rules" and isinstance(what, list):
        ids = [w for w in what if not str(w).startswith("(")]
        return head + "、".join(([f"规则 {len(ids)} 条"] if ids else []) + (["生效日期条款"] if len(ids) < len(what) else []))
    chinese = isinstance(what, str) and what and not re.search(r"[A-Za-z]{2,}", what)
    return head + _STATUS["zh"].get(status, status) + (f"：{what}" if chinese else "")


def _todo_lines(meta: Path) -> list[tuple[int, str]]:
    """What new-pack left to fill in: the date in force (effective: 2000-01-01 # TODO; a pack dated by a
    placeholder would answer for the wrong days, so validate fails it), the issuer and the title (named)."""
    try:
        text = meta.read_text("utf-8")
    except OSError:
        return []
    out = []
    for n, line in enumerate(text.splitlines(), 1):
        key = line.split(":", 1)[0].strip()
        if "TODO" in line and key in ("effective", "issuer", "title"):
            out.append((n, key, line.split("#", 1)[0].strip()))    # the comment is the skeleton's English note
    return out


@app.command()
def explain(rule_id: str = typer.Argument(..., help="e.g. yancheng.art16.no-criminal-record"),
            lang: str = typer.Option("zh", "--lang")) -> None:
    """Show a rule, its article's full text, and the test cases that exercise it."""
    import difflib

    from .errors import GridlawError
    from .loader import available_packs, load_pack

    from .layers import load_target, national

    city = rule_id.split(".", 1)[0]
    try:
        versions = load_target(city) if city in available_packs() or any(v.id == city for v in national()) \
            else load_pack(city)  # load_pack: the "unknown city, did you mean" error
        pack = next((p for p in reversed(versions.packs) if p.rule(rule_id)), versions.latest)
    except GridlawError as exc:
        raise _fail(exc) from None
    rule = pack.rule(rule_id)
    if rule is None:
        ids = [r.id for c in available_packs() for r in load_pack(c).rules]
        near = difflib.get_close_matches(rule_id, ids, n=3)
        typer.echo((f"错误: 没有规则“{rule_id}”" + (f"；是否指 {'、'.join(near)}？" if near else "")) if lang != "en" else
                   f"error: no rule {rule_id!r}" + (f"; did you mean {', '.join(near)}?" if near else ""), err=True)
        raise typer.Exit(EXIT_BAD_INPUT)
    import yaml

    s = rule.spec
    if lang == "en":
        _explain_en(rule, pack, city, rule_id, lang)
    else:
        _explain_zh(rule, pack, city, rule_id)


def _explain_cases(pack, city: str, rule_id: str):
    """(file, line, case, this rule's outcome, the decision) for each case of the pack in which the rule speaks."""
    from .api import check as run_check

    for file, case, line, national in pack.cases():
        d = run_check({"city": pack.meta.extends or city, **case.act}, case.checklist, pack=city,
                      national=national if case.national is None else case.national)
        outcome = next((f.outcome for f in d.findings if f.rule_id == rule_id), None)
        if outcome and outcome != "not_applicable":
            yield file, line, case, outcome, d.decision


def _explain_zh(rule, pack, city: str, rule_id: str) -> None:
    """The rule in words a legal officer reads: citation, kind of norm, quote and the article in simplified
    script, the facts it reads by their Chinese names, and the cases that show it (no ids or codes)."""
    from .facts import fact_vocabulary
    from .labels import label, question_label, text_of
    from .textnorm import int_to_cn, reading_text
    from .answer_lines import _facts_in

    s = rule.spec
    typer.echo(f"{rule.citation}  （{rule.file} 第 {rule.line} 行）")
    from .shortfall import _value_label

    roles = "、".join(_value_label("role", r, "zh") for r in s.roles) if s.roles else ""
    typer.echo(" · ".join(x for x in [f"所答问题：{question_label(s.question)}" if s.question else "",
                                      f"规范类型：{label(s.modality)}", f"法律后果：{label(s.effect)}" if s.effect else "",
                                      f"适用行为：{label(s.act)}", f"适用岗位：{roles}" if roles else ""] if x))
    typer.echo(f"原文：“{reading_text(s.quote)}”")
    typer.echo(f"说明：{s.message.zh}")
    if s.judgment:
        typer.echo(f"审查理由：{text_of(s.judgment, 'zh')}")
    vocab = fact_vocabulary().get(s.act, {})
    facts = []
    for part in ("trigger", "exempt", "when", "require", "forbid"):
        facts += _facts_in(getattr(s, part, None))
    names = list(dict.fromkeys(vocab.get(f, {}).get("label", "") for f in facts))
    if any(names):
        typer.echo("依据的事实：" + "、".join(n for n in names if n))
    art = pack.source.articles[s.cite.article]
    typer.echo(f"\n第{int_to_cn(s.cite.article)}条全文：")
    for i, para in enumerate(art.paragraphs, 1):
        typer.echo(f"  （第{int_to_cn(i)}款）{reading_text(para.lead)}")
        for item in para.items:
            typer.echo(f"      {reading_text(item)}")
    typer.echo("\n用例：")
    for file, line, _case, outcome, decision in _explain_cases(pack, city, rule_id):
        typer.echo(f"  {file} 第 {line} 行：本条{label(outcome)}，结论{label(decision)}")


def _explain_en(rule, pack, city: str, rule_id: str, lang: str) -> None:
    import yaml

    s = rule.spec
    typer.echo(f"{s.id}  ({rule.file}:{rule.line})")
    typer.echo(f"{rule.citation}")
    typer.echo((f"structure: {s.structure} · " if s.structure else "") + (f"question: {s.question} · " if s.question else "")
               + f"modality: {s.modality} · effect: {s.effect} · act: {s.act}" + (f" · roles: {', '.join(s.roles)}" if s.roles else ""))
    typer.echo(f"quote: “{s.quote}”")
    typer.echo(f"message: {s.message.en or s.message.zh}")
    if s.judgment:
        from .labels import text_of

        typer.echo(f"judgment: {text_of(s.judgment, lang)}")
    if s.note:
        typer.echo(f"note: {s.note}")
    logic = {k: v for k, v in s.model_dump(by_alias=True, exclude_none=True, mode="json").items()
             if k in ("trigger", "exempt", "when", "require", "forbid")}
    typer.echo("logic:\n" + "\n".join("  " + line for line in yaml.safe_dump(logic, allow_unicode=True, sort_keys=False).splitlines()))
    art = pack.source.articles[s.cite.article]
    typer.echo(f"\nArt. {s.cite.article}, full text:")
    for i, para in enumerate(art.paragraphs, 1):
        typer.echo(f"  [{i}] {para.lead}")
        for item in para.items:
            typer.echo(f"      {item}")
    typer.echo("\ntests:")
    for file, line, case, outcome, decision in _explain_cases(pack, city, rule_id):
        typer.echo(f"  {file}:{line}  {case.name} → {outcome} (decision {decision})")


@app.command("test")
def test_packs(pack: Optional[str] = typer.Argument(None, help="a city, a national law or a pack folder (default: every shipped pack)"),
               lang: str = typer.Option("zh", "--lang", help="zh (default) or en")) -> None:
    """Run the packs' YAML test cases and check every rule has both kinds of case."""
    from .errors import GridlawError
    from .layers import national
    from .loader import available_packs
    from .packtest import run_pack_tests

    lang = _lang_of(lang)
    t = _V[lang]
    failed = passed = 0
    for city in [pack] if pack else [*available_packs(), *(law.id for law in national())]:
        try:
            report = run_pack_tests(city, lang)
        except GridlawError as exc:
            raise _fail(exc, lang) from None
        for r in report.results:
            if r.ok:
                passed += 1
            else:
                failed += 1
                typer.echo(t["fail"].format(file=r.file, line=r.line, name=r.name, detail=r.detail))
        for rule_id, what in report.uncovered.items():
            failed += 1
            typer.echo(t["uncovered"].format(rule=rule_id, what=what) if lang == "en" else f"未覆盖：{what}")
        typer.echo(t["cases"].format(city=_pack_name(city, lang), ok=sum(r.ok for r in report.results), n=len(report.results)))
    typer.echo(t["total"].format(passed=passed, failed=failed))
    raise typer.Exit(EXIT_NON_COMPLIANT if failed else EXIT_OK)


@app.command("new-pack")
def new_pack(
    raw: Path = typer.Option(..., "--from", help="the regulation's plain text (UTF-8): 第一条 … one paragraph a line"),
    out: Path = typer.Option(..., "--out", "-o", help="folder to create; its name is the pack id (lowercase letters)"),
) -> None:
    """Start a pack from a regulation's text: source.md split into articles, paragraphs and items,
    and a pack.yaml listing every article as not yet modelled. Nothing is overwritten."""
    import re

    from .errors import GridlawError, InputError, Problem
    from .rawtext import skeleton, source_of

    try:
        if not re.fullmatch(r"[a-z]+", out.name):
            raise InputError([Problem(str(out), "文件夹名就是规定包的标识：只能用小写字母（如 yandu）", code="bad_pack_id",
                                      en="the folder name is the pack id: lowercase letters only (e.g. yandu)")])
        if out.exists() and not out.is_dir():
            raise InputError([Problem(str(out), "已存在同名文件，不是文件夹；未写入任何内容", code="out_exists",
                                      en="a file of that name exists (not a folder); nothing written")])
        if out.is_dir() and any(out.iterdir()):
            raise InputError([Problem(str(out), "文件夹已存在且不是空的；未写入任何内容", code="out_exists",
                                      en="folder exists and is not empty; nothing written")])
        from .safefile import read_bounded
        from .yamlsrc import MAX_BYTES

        data = read_bounded(raw, MAX_BYTES, str(raw), "规定文本", "a regulation's text")
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise InputError([Problem(str(raw), f"不是 UTF-8 文本（第 {exc.start} 字节）；请另存为 UTF-8", code="not_text",
                                      en=f"not UTF-8 text (byte {exc.start}); save the file as UTF-8")]) from None
        parsed, source, md = source_of(text, "raw.txt", str(raw))
    except GridlawError as exc:
        raise _fail(exc) from None
    try:
        (out / "rules").mkdir(parents=True, exist_ok=True)
        (out / "tests").mkdir(exist_ok=True)
        (out / "raw.txt").write_text(text, encoding="utf-8")
        (out / "source.md").write_text(md, encoding="utf-8")
        (out / "pack.yaml").write_text(skeleton(out.name, parsed, "raw.txt"), encoding="utf-8")
        (out / "rules" / "rules.yaml").write_text("rules: []\n", encoding="utf-8")
    except OSError as exc:
        from .safefile import os_reason_zh

        raise _fail(InputError([Problem(str(exc.filename or out), f"无法写入：{os_reason_zh(exc)}", code="cannot_write",
                                        en=f"cannot write: {exc.strerror}")])) from None
    paras = sum(len(a.paragraphs) for a in parsed.articles)
    items = sum(len(p) - 1 for a in parsed.articles for p in a.paragraphs)
    typer.echo(f"已写入 {out}：《{parsed.title}》共 {len(parsed.articles)} 条、{paras} 款、{items} 项；pack.yaml 把每一条都列为"
               f"尚未建模。下一步：填写 pack.yaml、编写规则，然后运行 gridlaw validate {out}。")


@app.command()
def schema(kind: str = typer.Argument(..., help="assignment | hire | exit | notice | admission | grid | pack | rules | tests | checklist | decision")) -> None:
    """Print the JSON Schema of an act kind, of the pack format, or of check's JSON output (decision)."""
    import json

    from .schema_models import SCHEMA_MODELS, schema_of

    if kind not in SCHEMA_MODELS:
        typer.echo(f"error: unknown schema {kind!r}; one of {', '.join(SCHEMA_MODELS)}", err=True)
        raise typer.Exit(EXIT_BAD_INPUT)
    typer.echo(json.dumps(schema_of(kind), ensure_ascii=False, indent=2))


def _version(value: bool) -> None:
    if value:
        from .version import __version__

        typer.echo(f"gridlaw {__version__}")
        raise typer.Exit(EXIT_OK)


@app.callback()
def _main(version: bool = typer.Option(False, "--version", callback=_version, is_eager=True,
                                       help="print the version and exit")) -> None:
    """gridlaw: checks grid-governance acts against the municipal regulation in force."""


@app.command()
def serve(
    host: str = typer.Option("127.0.0.1", "--host", help="address to bind (default: this machine only)"),
    port: int = typer.Option(8000, "--port", "-p", help="port"),
    allow_personal_data: bool = typer.Option(False, "--allow-personal-data",
                                             help="let a request ask for unmasked names, ID numbers, phones"),
    max_upload_mb: int = typer.Option(50, "--max-upload-mb", help="largest file accepted for audit"),
) -> None:
    """Start the web app (forms for legal staff and HR) and the HTTP API under /api/v1."""
    try:
        import uvicorn

        from .web.app import create_app
        from .web.settings import MB, Settings
    except ImportError as exc:
        typer.echo(f"error: the web app needs the server extra ({exc.name} is missing): pip install 'gridlaw[server]'",
                   err=True)
        raise typer.Exit(EXIT_BAD_INPUT) from None
    hosts = ("*",) if host in ("0.0.0.0", "::") else (host, *Settings().allowed_hosts)
    settings = Settings(allow_personal_data=allow_personal_data, max_upload_bytes=max_upload_mb * MB,
                        allowed_hosts=hosts)
    typer.echo(f"gridlaw serve: http://{host}:{port}/  (API: /api/v1, OpenAPI: /openapi.json)", err=True)
    if host not in ("127.0.0.1", "localhost", "::1"):
        typer.echo(f"warning: listening on {host}: other machines can reach it; there is no login", err=True)
    uvicorn.run(create_app(settings), host=host, port=port, log_level="warning")


def _register_audit() -> None:
    try:
        from .audit.command import audit
    except ImportError:  # the audit package is optional while it is being built
        return
    app.command("audit")(audit)


_register_audit()


def main() -> None:
    # Pydantic scans every installed distribution for plugins on first import (~30 ms);
    # the CLI uses none, so it skips the scan. Library users keep pydantic's default.
    import os

    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    app()


if __name__ == "__main__":
    main()
