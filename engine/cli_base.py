"""The command line without typer: printing, failures, act files, and the `check` command itself.

`gridlaw check` is the command a township runs most, and its start-up budget is 200 ms; typer (its own
click, and a pydantic adapter per option) costs about 20 ms of it. So `check` is parsed here with the
standard library's argparse, and gridlaw.launch runs it without importing typer; ``gridlaw.cli`` lists
``check`` among its commands and hands its arguments to :func:`check_main`, so there is one parser.
The other commands (gridlaw.cli) use these helpers too.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any, Optional

from .exitcodes import EXIT_BAD_INPUT, EXIT_BAD_PACK, EXIT_NON_COMPLIANT, EXIT_OK, EXIT_UNDECIDED

EXIT_BY_DECISION = {"compliant": EXIT_OK, "non_compliant": EXIT_NON_COMPLIANT}
FORMATS = ("text", "json", "md", "html", "junit", "sarif")


def echo(text: str, err: bool = False) -> None:
    stream = sys.stderr if err else sys.stdout
    stream.write(text + "\n")
    stream.flush()


def fail(exc: Exception, lang: str = "zh", fmt: str = "text") -> int:
    """Print every problem of a GridlawError (best first) — as JSON with -f json — and return the exit code."""
    from .errors import PackError

    problems = getattr(exc, "problems", [exc])
    if fmt == "json":
        import json

        items = [p.to_dict(lang) if hasattr(p, "to_dict") else {"code": "error", "message": str(p)} for p in problems]
        kind = "bad_pack" if isinstance(exc, PackError) else "bad_user_pack" if getattr(exc, "user_pack", False) \
            else "bad_input"
        echo(json.dumps({"error": kind, "problems": items},
                        ensure_ascii=False, indent=2))
    else:
        prefix = "错误" if lang == "zh" else "error"
        for problem in problems:
            echo(f"{prefix}: {problem.text(lang) if hasattr(problem, 'text') else problem}", err=True)
    return EXIT_BAD_PACK if isinstance(exc, PackError) else EXIT_BAD_INPUT


def acts_and_checklist(file: str, checklist: Optional[Path]) -> tuple[list, object]:
    """The acts of a file (or stdin) and the optional checklist; GridlawError on bad input."""
    from .api import read_act_file
    from .yamlsrc import MAX_BYTES

    acts = read_act_file(file, sys.stdin.buffer.read(MAX_BYTES + 1) if file == "-" else None)
    if not checklist:
        return [act for act, _ in acts], None
    from .checklist import load_checklist

    return [act for act, _ in acts], load_checklist(checklist)


def city_code(city: Optional[str]) -> Optional[str]:
    """--city as a code: 盐城 / Yancheng / yancheng all mean yancheng."""
    if city is None:
        return None
    from .labels import LABELS

    for lang in ("zh", "en"):
        for code, name in LABELS[lang].items():
            if city in (name, name + "市") or city.lower() == name.lower():
                return code
    return city


def emit(text: str, output: Optional[Path], lang: str = "zh") -> Optional[int]:
    """The report on stdout, or written whole to ``output`` (engine/outfile.py); an exit code when
    it cannot be written (the reason printed, in Chinese by default)."""
    if output:
        from .errors import InputError
        from .outfile import write_text_atomic

        try:
            write_text_atomic(output, text + "\n", lang)
        except InputError as exc:
            return fail(exc, lang)
    else:
        echo(text)
    return None


def known_city(city: Optional[str]) -> Optional[str]:
    """--city as a code; InputError (exit 4, not 5: a typo is not a broken pack) naming the cities."""
    code = city_code(city)
    if code is None:
        return None
    from .loader import CITIES

    if code not in CITIES:
        from .errors import InputError, Problem
        from .labels import LABELS

        names = "、".join(f"{LABELS['zh'].get(c, c)}（{c}）" for c in CITIES)
        raise InputError([Problem("--city", f"未知城市 {city!r}；可选：{names}", code="unknown_city",
                                  en=f"unknown city {city!r}; one of {', '.join(CITIES)}")])
    return code


def worst_exit(decisions: list[Any]) -> int:
    """Any non_compliant → 1, else any undecided → 3, else 0."""
    codes = [EXIT_BY_DECISION.get(d.decision, EXIT_UNDECIDED) for d in decisions]
    return EXIT_NON_COMPLIANT if EXIT_NON_COMPLIANT in codes else max(codes, default=EXIT_OK)


CHECK_HELP = "Check one act (or a list of acts) and report article by article."


def check_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="gridlaw check", description=CHECK_HELP)
    p.add_argument("file", help="act file (JSON or YAML; one act or a list), or - for stdin")
    p.add_argument("-f", "--format", dest="fmt", metavar="FORMAT", default="text", help="text | json | md | html | junit | sarif")
    p.add_argument("--lang", default="zh", help="zh | en")
    p.add_argument("--checklist", type=Path,
                   help="local checklist: YAML/JSON (UTF-8 or GBK), or a CSV/XLSX/XLS table with a 事项 column")
    p.add_argument("--city", help="check under this city's pack instead of the act's")
    p.add_argument("--pack", help="check under this pack: a folder holding pack.yaml (or versions of one), "
                                  "e.g. a county pack")
    p.add_argument("--national", action=argparse.BooleanOptionalAction, default=True,
                   help="evaluate over the national layer (default)")
    p.add_argument("-o", "--output", type=Path, help="write the report here")
    p.add_argument("--show-personal-data", action="store_true", help="do not mask names, ID numbers, phones")
    p.add_argument("--original-quotes", action="store_true",
                   help="quote the regulation exactly as published (default: simplified script, full-width "
                        "punctuation; JSON always keeps the verbatim quote)")
    return p


def check_main(argv: list[str]) -> int:
    """`gridlaw check ARGV…`: the report on stdout (or -o), and the exit code (argparse exits 2 on misuse)."""
    a = check_parser().parse_args(argv)
    from .errors import GridlawError

    if a.fmt not in FORMATS or a.lang not in ("zh", "en"):
        echo("错误: --format 可选 text|json|md|html|junit|sarif，--lang 可选 zh|en" if a.lang != "en" else
             "error: --format is text|json|md|html|junit|sarif and --lang is zh|en", err=True)
        return EXIT_BAD_INPUT
    try:
        from .api import check as run_check

        city = known_city(a.city)
        acts, cl = acts_and_checklist(a.file, a.checklist)
        decisions = [run_check(act, cl, city, a.pack, a.national) for act in acts]
    except GridlawError as exc:
        return fail(exc, a.lang, a.fmt)
    except Exception as exc:  # never a traceback for a user; GRIDLAW_DEBUG=1 shows it
        import os

        if os.environ.get("GRIDLAW_DEBUG"):
            raise
        from .errors import InputError, Problem

        return fail(InputError([Problem(a.file, f"无法处理：{type(exc).__name__}: {exc}（设置 GRIDLAW_DEBUG=1 可查看详情）",
                                        code="unexpected", en=f"cannot process: {type(exc).__name__}: {exc} "
                                        "(set GRIDLAW_DEBUG=1 for details)")]), a.lang, a.fmt)
    if a.fmt in ("junit", "sarif"):
        from .ci_formats import junit, sarif

        text = (junit if a.fmt == "junit" else sarif)([(d, a.file) for d in decisions], a.lang)
    else:
        from .report import render_many

        text = render_many(decisions, a.fmt, a.lang, a.show_personal_data, a.original_quotes)
    return emit(text, a.output, a.lang) or worst_exit(decisions)
