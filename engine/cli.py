"""gridlaw command line. Modules beyond typer are imported inside each command,
so start-up stays light.

\b
Exit codes (check, compare, test, validate, audit):
  0  compliant (check) / all good
  1  non_compliant (check) / a test or validation failed
  2  usage error (unknown option, missing argument)
  3  undecided: needs_review, insufficient_facts, not_addressed or not_in_force
  4  bad input: unreadable file, malformed YAML/JSON, unknown field, wrong type
  5  a pack failed to load (only if a shipped pack is broken)
"""
from __future__ import annotations

import sys
from pathlib import Path
from typing import Optional

import typer

from .exitcodes import EXIT_BAD_INPUT, EXIT_BAD_PACK, EXIT_NON_COMPLIANT, EXIT_OK, EXIT_UNDECIDED
_EXIT_BY_DECISION = {"compliant": EXIT_OK, "non_compliant": EXIT_NON_COMPLIANT}

app = typer.Typer(
    help=__doc__,
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _fail(exc: Exception) -> "typer.Exit":
    """Print every problem of a GridlawError (best first) and pick the exit code."""
    from .errors import PackError

    for problem in getattr(exc, "problems", [exc]):
        typer.echo(f"error: {problem}", err=True)
    return typer.Exit(EXIT_BAD_PACK if isinstance(exc, PackError) else EXIT_BAD_INPUT)


def _acts_and_checklist(file: str, checklist: Optional[Path]) -> tuple[list, object]:
    """The acts of a file (or stdin) and the optional checklist; GridlawError on bad input."""
    from .api import read_act_file
    from .checklist import load_checklist

    from .yamlsrc import MAX_BYTES

    acts = read_act_file(file, sys.stdin.buffer.read(MAX_BYTES + 1) if file == "-" else None)
    return [act for act, _ in acts], (load_checklist(checklist) if checklist else None)


def _emit(text: str, output: Optional[Path]) -> None:
    if output:
        output.write_text(text + "\n", encoding="utf-8")
    else:
        typer.echo(text)


@app.command()
def check(
    file: str = typer.Argument(..., help="act file (JSON or YAML; one act or a list), or - for stdin"),
    fmt: str = typer.Option("text", "--format", "-f", help="text | json | md | html"),
    lang: str = typer.Option("zh", "--lang", help="zh | en"),
    checklist: Optional[Path] = typer.Option(None, "--checklist", help="local checklist file (YAML/JSON)"),
    city: Optional[str] = typer.Option(None, "--city", help="check under this city's pack instead of the act's"),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="write the report here"),
    show_personal_data: bool = typer.Option(False, "--show-personal-data", help="do not mask names, ID numbers, phones"),
) -> None:
    """Check one act (or a list of acts) and report article by article."""
    from .errors import GridlawError

    if fmt not in ("text", "json", "md", "html") or lang not in ("zh", "en"):
        typer.echo("error: --format is text|json|md|html and --lang is zh|en", err=True)
        raise typer.Exit(EXIT_BAD_INPUT)
    try:
        from .api import check as run_check
        from .report import render

        acts, cl = _acts_and_checklist(file, checklist)
        decisions = [run_check(act, cl, city) for act in acts]
    except GridlawError as exc:
        raise _fail(exc) from None
    if fmt == "json" and len(decisions) > 1:
        import json

        from .report import view

        text = json.dumps([view(d, lang, show_personal_data) for d in decisions], ensure_ascii=False, indent=2, default=str)
    else:
        text = "\n\n".join(render(d, fmt, lang, show_personal_data) for d in decisions)
    _emit(text, output)
    codes = [_EXIT_BY_DECISION.get(d.decision, EXIT_UNDECIDED) for d in decisions]
    raise typer.Exit(EXIT_NON_COMPLIANT if EXIT_NON_COMPLIANT in codes else max(codes))


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
        text = "\n\n".join(render_comparison(compare_act(act, cl), fmt, lang) for act in acts)
    except GridlawError as exc:
        raise _fail(exc) from None
    _emit(text, output)


@app.command()
def packs(
    matrix: bool = typer.Option(False, "--matrix", help="which questions each city governs, with articles"),
    fmt: str = typer.Option("text", "--format", "-f", help="text | json | md | html (with --matrix)"),
    lang: str = typer.Option("zh", "--lang"),
) -> None:
    """List the city packs (title, instrument, in force from, rules)."""
    from .errors import GridlawError
    from .loader import available_packs, load_pack

    try:
        if matrix:
            from .compare import question_matrix, render_matrix

            typer.echo(render_matrix(question_matrix(), fmt, lang))
            return
        for city in available_packs():
            p = load_pack(city)
            typer.echo(f"{city:9} 《{p.meta.title}》 {p.meta.instrument} · {p.meta.issuer} · "
                       f"施行 {p.meta.effective} · {len(p.rules)} rules · {p.meta.articles} articles")
    except GridlawError as exc:
        raise _fail(exc) from None


@app.command()
def validate(pack: Optional[str] = typer.Argument(None, help="city pack (default: all)")) -> None:
    """Validate packs: schema, fact names, quotes against source.md, article coverage."""
    from .errors import GridlawError
    from .loader import CITIES, available_packs, compile_pack, pack_root

    failed = False
    for city in [pack] if pack else available_packs():
        try:
            if city not in CITIES:
                from .loader import load_pack

                load_pack(city)  # raises the "unknown city, did you mean" error
            p = compile_pack(pack_root(city), city, use_cache=False)  # validate for real, never from cache
        except GridlawError as exc:
            failed = True
            typer.echo(f"{city}: INVALID ({len(exc.problems)} problem(s))")
            for problem in exc.problems:
                typer.echo(f"  {problem}")
            continue
        cov = p.coverage()
        used = sum(1 for s, _ in cov.values() if s == "rules")
        skipped = sum(1 for s, _ in cov.values() if s == "not_modelled")
        missing = [n for n, (s, _) in cov.items() if s == "missing"]
        typer.echo(f"{city}: ok · {len(p.rules)} rules · {used + skipped} of {p.meta.articles} articles accounted for "
                   f"({used} by rules, {skipped} not modelled) · {len(p.rules) + (1 if p.meta.effective_cite else 0)} "
                   f"quotes checked, 0 mismatches · pack {p.hash[:12]}")
        generated = "generated by scripts/clean_sources.py" in (p.root / "source.md").read_text("utf-8")
        typer.echo(f"  source.md: {'generated by scripts/clean_sources.py (tests/test_sources.py checks it equals the script output)' if generated else 'NOT generated by the cleaning script'}")
        failed = failed or not generated
        from .packreview import differences

        changed = differences(city, pack_root(city))
        if changed:
            failed = True
            typer.echo("  reviewed.json: CHANGED SINCE REVIEW (rerun scripts/pack_manifest.py once reviewed)")
            for line in changed:
                typer.echo(f"    {line}")
        else:
            typer.echo("  reviewed.json: " + ("no entry for this pack" if changed is None else "matches the reviewed files"))
        for n, (status, what) in cov.items():
            detail = ", ".join(what) if isinstance(what, list) else what
            typer.echo(f"  第{n:>2}条 {status:13} {detail}")
        if missing:
            failed = True
    raise typer.Exit(EXIT_NON_COMPLIANT if failed else EXIT_OK)


@app.command()
def explain(rule_id: str = typer.Argument(..., help="e.g. yancheng.art16.no-criminal-record"),
            lang: str = typer.Option("zh", "--lang")) -> None:
    """Show a rule, its article's full text, and the test cases that exercise it."""
    import difflib

    from .errors import GridlawError
    from .loader import available_packs, load_pack

    city = rule_id.split(".", 1)[0]
    try:
        pack = load_pack(city)
    except GridlawError as exc:
        raise _fail(exc) from None
    rule = pack.rule(rule_id)
    if rule is None:
        ids = [r.id for c in available_packs() for r in load_pack(c).rules]
        near = difflib.get_close_matches(rule_id, ids, n=3)
        typer.echo(f"error: no rule {rule_id!r}" + (f"; did you mean {', '.join(near)}?" if near else ""), err=True)
        raise typer.Exit(EXIT_BAD_INPUT)
    import yaml

    s = rule.spec
    typer.echo(f"{s.id}  ({rule.file}:{rule.line})")
    typer.echo(f"{rule.citation}")
    typer.echo(f"modality: {s.modality} · effect: {s.effect} · act: {s.act}" + (f" · roles: {', '.join(s.roles)}" if s.roles else ""))
    typer.echo(f"quote: “{s.quote}”")
    typer.echo(f"message: {s.message.zh if lang == 'zh' or not s.message.en else s.message.en}")
    if s.judgment:
        typer.echo(f"judgment: {s.judgment}")
    if s.note:
        typer.echo(f"note: {s.note}")
    logic = {k: v for k, v in s.model_dump(by_alias=True, exclude_none=True, mode="json").items()
             if k in ("when", "require", "forbid")}
    typer.echo("logic:\n" + "\n".join("  " + line for line in yaml.safe_dump(logic, allow_unicode=True, sort_keys=False).splitlines()))
    art = pack.source.articles[s.cite.article]
    typer.echo(f"\n第{s.cite.article}条 全文:")
    for i, para in enumerate(art.paragraphs, 1):
        typer.echo(f"  [{i}] {para.lead}")
        for item in para.items:
            typer.echo(f"      {item}")
    from .api import check as run_check

    typer.echo("\ntests:")
    for file, case, line in pack.cases():
        d = run_check({"city": city, **case.act}, case.checklist)
        outcome = next((f.outcome for f in d.findings if f.rule_id == rule_id), None)
        if outcome and outcome != "not_applicable":
            typer.echo(f"  {file}:{line}  {case.name} → {outcome} (decision {d.decision})")


@app.command("test")
def test_packs(pack: Optional[str] = typer.Argument(None, help="city pack (default: all)")) -> None:
    """Run the packs' YAML test cases and check every rule has both kinds of case."""
    from .errors import GridlawError
    from .loader import available_packs
    from .packtest import run_pack_tests

    failed = passed = 0
    for city in [pack] if pack else available_packs():
        try:
            report = run_pack_tests(city)
        except GridlawError as exc:
            raise _fail(exc) from None
        for r in report.results:
            if r.ok:
                passed += 1
            else:
                failed += 1
                typer.echo(f"FAIL {r.file}:{r.line} {r.name}: {r.detail}")
        for rule_id, what in report.uncovered.items():
            failed += 1
            typer.echo(f"UNCOVERED {rule_id}: needs {what}")
        typer.echo(f"{city}: {sum(r.ok for r in report.results)}/{len(report.results)} cases passed")
    typer.echo(f"{passed} passed, {failed} failed")
    raise typer.Exit(EXIT_NON_COMPLIANT if failed else EXIT_OK)


@app.command()
def schema(kind: str = typer.Argument(..., help="assignment | hire | exit | notice | admission | grid | pack | rules | tests | checklist")) -> None:
    """Print the JSON Schema of an act kind or of the pack format."""
    import json

    from .schema_models import SCHEMA_MODELS, schema_of

    if kind not in SCHEMA_MODELS:
        typer.echo(f"error: unknown schema {kind!r}; one of {', '.join(SCHEMA_MODELS)}", err=True)
        raise typer.Exit(EXIT_BAD_INPUT)
    typer.echo(json.dumps(schema_of(kind), ensure_ascii=False, indent=2))


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
