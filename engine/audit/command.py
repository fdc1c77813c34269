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
    file: Path = typer.Argument(..., help="records to audit: CSV (UTF-8, UTF-8 BOM, GBK/GB18030), XLSX, JSONL, "
                                          "or Parquet (a file or a folder, hive folders province=…/year=… too)",
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
                                                                 ".jsonl, .csv, .xlsx or .parquet; or a folder "
                                                                 "(Parquet, one file per input part)"),
    report: Optional[Path] = typer.Option(None, "--report", help="self-contained HTML report"),
    lang: str = typer.Option("zh", "--lang", help="zh | en"),
    show_personal_data: bool = typer.Option(False, "--show-personal-data",
                                            help="do not mask names, ID numbers and phones"),
    top: int = typer.Option(50, "--top", help="records most in breach kept for the report"),
    list_rows: Optional[bool] = typer.Option(None, "--list/--no-list",
                                             help="one line per record on stdout (default: when ≤ 200 rows)"),
    progress: Optional[bool] = typer.Option(None, "--progress/--no-progress",
                                            help="progress bar (default: when stderr is a terminal)"),
    pack: Optional[str] = typer.Option(None, "--pack", help="audit under this pack: a folder holding pack.yaml "
                                                           "(a county pack includes its city's rules)"),
    national: bool = typer.Option(True, "--national/--no-national", help="evaluate over the national layer (default)"),
    partition_by: Optional[str] = typer.Option(None, "--partition-by",
                                               help="Parquet results folder: hive folders by these keys of the input "
                                                    "(e.g. province,year)"),
    engine: str = typer.Option("local", "--engine", help="local (one process) | dask (a Parquet dataset, part by part, "
                                                         "on a Dask cluster)"),
    scheduler: Optional[str] = typer.Option(None, "--scheduler", help="--engine dask: a running cluster, "
                                                                      "tcp://host:port (default: a local cluster)"),
    workers: int = typer.Option(2, "--workers", help="--engine dask: worker processes of the local cluster"),
    memory_limit: str = typer.Option("auto", "--memory-limit", help="--engine dask: memory per local worker "
                                                                    "(e.g. 2GB; auto: the machine's share)"),
    part_rows: int = typer.Option(1_000_000, "--part-rows", help="--engine dask: a larger Parquet file is cut into "
                                                                 "parts of whole row groups, about this many rows"),
    resume: bool = typer.Option(False, "--resume", help="--engine dask: carry on a killed run from the manifest "
                                                        "in --out; no part is audited twice"),
    fmt: str = typer.Option("text", "--format", "-f",
                            help="stdout: text (one line per record) | junit | sarif (one case per record, for CI)"),
) -> None:
    """Audit a file of records (thousands to millions) against the city packs.

    Every row is evaluated, or rejected with its row number and a reason naming
    the column and value. Exit code: 1 if any row is non-compliant; else 3 if
    any is undecided (insufficient facts, needs review, not in force) or
    rejected; else 0 (all compliant or not addressed); 4 the file cannot be
    read; 5 a pack failed to load.
    """
    if engine not in ("local", "dask"):
        typer.echo("错误: --engine 可选 local|dask" if lang != "en" else "error: --engine is local or dask", err=True)
        raise typer.Exit(EXIT_BAD_INPUT)
    if engine != "dask" and (scheduler or resume):
        typer.echo("错误: --scheduler 与 --resume 仅用于 --engine dask" if lang != "en" else
                   "error: --scheduler and --resume go with --engine dask", err=True)
        raise typer.Exit(EXIT_BAD_INPUT)
    if lang not in ("zh", "en") or fmt not in ("text", "junit", "sarif"):
        typer.echo("错误: --lang 可选 zh|en，--format 可选 text|junit|sarif" if lang != "en" else
                   "error: --lang is zh or en, --format is text, junit or sarif", err=True)
        raise typer.Exit(EXIT_BAD_INPUT)
    prefix = "错误" if lang != "en" else "error"
    try:
        from ..errors import GridlawError, PackError
    except ImportError:  # pragma: no cover
        raise
    try:
        import numpy, pyarrow  # noqa: F401,E401  — the audit extra
    except ImportError:
        typer.echo("错误: gridlaw audit 需要 audit 组件：pip install 'gridlaw[audit]'" if lang != "en" else
                   "error: gridlaw audit needs the audit extra: pip install 'gridlaw[audit]'", err=True)
        raise typer.Exit(EXIT_BAD_INPUT)
    try:
        from .run import AuditConfig, listing_text, run_audit, summary_text
        from .values import BadValue, parse_date

        day = None
        if date:
            try:
                day = parse_date(date)
            except BadValue:
                day = None
            if getattr(day, "month_only", False):
                day = None                         # a record date needs its day
            if day is None:
                typer.echo(f"错误: --date：无法识别的日期 {date!r}（请写作 2024-05-01、2024/5/1 或 2024年5月1日）" if lang != "en"
                           else f"error: --date: not a date: {date!r} (write 2024-05-01 or 2024年5月1日)", err=True)
                raise typer.Exit(EXIT_BAD_INPUT)
        cfg = AuditConfig(file=file, kind=kind, city=city, role=role, date=day, lang=lang, sheet=sheet,
                          map_file=map_file, checklist=checklist, out=out, report=report,
                          show_personal=show_personal_data, top=max(top, 0),
                          listing="all" if fmt != "text" else
                          "auto" if list_rows is None else ("all" if list_rows else "none"),
                          progress=progress, pack=pack, national=national,
                          partition_by=[k.strip() for k in partition_by.split(",") if k.strip()] if partition_by else None)
        if engine == "dask":
            try:
                import dask, distributed  # noqa: F401,E401  — the dask extra
            except ImportError:
                typer.echo("错误: --engine dask 需要 dask 组件：pip install 'gridlaw[dask]'" if lang != "en" else
                           "error: --engine dask needs the dask extra: pip install 'gridlaw[dask]'", err=True)
                raise typer.Exit(EXIT_BAD_INPUT)
            from .distributed import DaskOptions, run_dask

            cfg.listing = "none" if fmt == "text" else cfg.listing
            run = run_dask(cfg, DaskOptions(scheduler, max(workers, 1), memory_limit, resume, max(part_rows, 1)))
        else:
            run = run_audit(cfg)
    except GridlawError as exc:
        for problem in exc.problems:
            typer.echo(f"{prefix}: {problem.text(lang) if hasattr(problem, 'text') else problem}", err=True)
        raise typer.Exit(EXIT_BAD_PACK if isinstance(exc, PackError) else EXIT_BAD_INPUT) from None
    except typer.Exit:
        raise
    except KeyboardInterrupt:
        typer.echo("已中断" if lang != "en" else "interrupted", err=True)
        raise typer.Exit(130) from None
    except MemoryError:
        typer.echo(f"{prefix}: {file}: {'内存不足' if lang != 'en' else 'out of memory'}", err=True)
        raise typer.Exit(EXIT_BAD_INPUT) from None
    except Exception as exc:  # never a traceback for a user; GRIDLAW_DEBUG=1 shows it
        if os.environ.get("GRIDLAW_DEBUG"):
            raise
        from ..errors import name_safe, terminal_safe

        # the exception's own words are English: shown with --lang en only (a damaged Parquet page, …)
        typer.echo(terminal_safe(f"{prefix}: {name_safe(file)}: " + (
            "读取或审查时出错，文件可能已损坏或不完整；请重新导出后再试（设置 GRIDLAW_DEBUG=1 可查看详情）" if lang != "en"
            else f"{type(exc).__name__}: {exc} (set GRIDLAW_DEBUG=1 for details)")), err=True)
        raise typer.Exit(EXIT_BAD_INPUT) from None
    from ..errors import terminal_safe

    if fmt != "text":
        from .ci import audit_cases

        from ..ci_formats import junit_cases, sarif_cases

        cases = audit_cases(run)
        typer.echo(terminal_safe(junit_cases(cases, "gridlaw audit") if fmt == "junit" else sarif_cases(cases)))
    else:
        listing = listing_text(run)
        if listing:
            typer.echo(terminal_safe(listing))
    typer.echo(terminal_safe(summary_text(run)), err=True)
    sys.stdout.flush()
    raise typer.Exit(run.exit_code)
