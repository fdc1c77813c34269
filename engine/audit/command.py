"""The ``gridlaw audit`` command. Importing this module costs only typer: numpy,
pyarrow, openpyxl, jinja2 and the pack loader are imported inside the function.

Registered in gridlaw.cli as ``app.command("audit")(audit)``.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Optional

import typer

from ..exitcodes import EXIT_BAD_INPUT, EXIT_BAD_PACK


def audit(
    file: Path = typer.Argument(..., help="records to audit: CSV (UTF-8, UTF-8 BOM, GBK/GB18030), XLSX or JSONL",
                                show_default=False),
    kind: Optional[str] = typer.Option(None, "--kind", "-k",
                                       help="kind of every row: hire | exit | assignment | notice | admission | grid "
                                            "(else a 类型/kind column)"),
    city: Optional[str] = typer.Option(None, "--city",
                                       help="city for rows without a city column (盐城 or yancheng …); "
                                            "'all' audits every row under every pack"),
    role: Optional[str] = typer.Option(None, "--role", help="role for rows without one: full_time (专职网格员), "
                                                            "part_time, grid_leader, …"),
    date: Optional[str] = typer.Option(None, "--date", help="record date for rows without a date column "
                                                            "(default: today)"),
    sheet: Optional[str] = typer.Option(None, "--sheet", help="XLSX sheet name or number (default: the first)"),
    map_file: Optional[Path] = typer.Option(None, "--map", help="your own header/value mapping (YAML or JSON), "
                                                                "extending gridlaw/audit/headers.yaml"),
    checklist: Optional[Path] = typer.Option(None, "--checklist", help="local checklist file (assignment records)"),
    out: Optional[Path] = typer.Option(None, "--out", "-o", help="results file, one row per input row: "
                                                                 ".jsonl, .csv or .xlsx"),
    report: Optional[Path] = typer.Option(None, "--report", help="self-contained HTML report"),
    lang: str = typer.Option("zh", "--lang", help="zh | en"),
    show_personal_data: bool = typer.Option(False, "--show-personal-data",
                                            help="do not mask names, ID numbers and phones"),
    top: int = typer.Option(50, "--top", help="records most in breach kept for the report"),
    list_rows: Optional[bool] = typer.Option(None, "--list/--no-list",
                                             help="one line per record on stdout (default: when ≤ 200 rows)"),
    progress: Optional[bool] = typer.Option(None, "--progress/--no-progress",
                                            help="progress bar (default: when stderr is a terminal)"),
) -> None:
    """Audit a file of records (thousands to millions) against the city packs.

    Every row is evaluated, or rejected with its row number and a reason naming
    the column and value. Exit code: 1 if any row is non-compliant; else 3 if
    any is undecided (insufficient facts, needs review, not in force) or
    rejected; else 0 (all compliant or not addressed); 4 the file cannot be
    read; 5 a pack failed to load.
    """
    if lang not in ("zh", "en"):
        typer.echo("error: --lang is zh or en", err=True)
        raise typer.Exit(EXIT_BAD_INPUT)
    try:
        from ..errors import GridlawError, PackError
    except ImportError:  # pragma: no cover
        raise
    try:
        from .run import AuditConfig, listing_text, run_audit, summary_text
        from .values import BadValue, parse_date

        day = None
        if date:
            try:
                day = parse_date(date)
            except BadValue:
                day = None
            if day is None:
                typer.echo(f"error: --date: not a date: {date!r} (write 2024-05-01 or 2024年5月1日)", err=True)
                raise typer.Exit(EXIT_BAD_INPUT)
        cfg = AuditConfig(file=file, kind=kind, city=city, role=role, date=day, lang=lang, sheet=sheet,
                          map_file=map_file, checklist=checklist, out=out, report=report,
                          show_personal=show_personal_data, top=max(top, 0),
                          listing="auto" if list_rows is None else ("all" if list_rows else "none"),
                          progress=progress)
        run = run_audit(cfg)
    except GridlawError as exc:
        for problem in exc.problems:
            typer.echo(f"error: {problem}", err=True)
        raise typer.Exit(EXIT_BAD_PACK if isinstance(exc, PackError) else EXIT_BAD_INPUT) from None
    except typer.Exit:
        raise
    except KeyboardInterrupt:
        typer.echo("interrupted", err=True)
        raise typer.Exit(130) from None
    except MemoryError:
        typer.echo(f"error: {file}: out of memory", err=True)
        raise typer.Exit(EXIT_BAD_INPUT) from None
    except Exception as exc:  # never a traceback for a user; GRIDLAW_DEBUG=1 shows it
        if os.environ.get("GRIDLAW_DEBUG"):
            raise
        from ..errors import terminal_safe

        typer.echo(terminal_safe(f"error: {file}: {type(exc).__name__}: {exc} (set GRIDLAW_DEBUG=1 for details)"), err=True)
        raise typer.Exit(EXIT_BAD_INPUT) from None
    from ..errors import terminal_safe

    listing = listing_text(run)
    if listing:
        typer.echo(terminal_safe(listing))
    typer.echo(terminal_safe(summary_text(run)), err=True)
    sys.stdout.flush()
    raise typer.Exit(run.exit_code)
