"""What an audit is asked (:class:`AuditConfig`) and what it found (:class:`AuditRun`).

Below ``run`` (which fills an AuditRun), ``texts`` and ``report`` (which read one).
"""
from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .chunks import GROUPS
from .context import AuditContext
from .results import Collector
from .sourcefile import Source

if TYPE_CHECKING:
    from ..loader import Pack

from ..exitcodes import EXIT_NON_COMPLIANT, EXIT_OK, EXIT_UNDECIDED
EXIT_OF = {"compliant": EXIT_OK, "not_addressed": EXIT_UNDECIDED, "non_compliant": EXIT_NON_COMPLIANT,
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
    partition_by: list[str] | None = None   # Parquet results folder: hive folders by these keys of the input
    source: Any = None             # a Source over rows in memory (audit/inmemory.py), instead of file
    sink: Any = None               # callable(columns) -> a writer keeping results in memory, instead of out


@dataclass
class AuditRun:
    config: AuditConfig
    source: Source
    packs: dict[str, "Pack"]
    collector: Collector
    context: AuditContext
    started: dt.datetime
    elapsed: float = 0.0
    out_rows: int = 0
    warnings: list[str] = field(default_factory=list)
    skipped: Counter = field(default_factory=Counter)                     # title / note / total rows
    skipped_rows: list[tuple[int, str, str]] = field(default_factory=list)  # (line, kind, text) of the first few
    out_files: list[dict] = field(default_factory=list)   # Parquet results: each file with its rows and SHA-256

    @property
    def exit_code(self) -> int:
        # As for `gridlaw check` on a list: any non-compliant row decides (1); else any undecided
        # or rejected row (3); else 0.
        codes = {EXIT_OF[s] for s, n in self.collector.decision_totals().items() if n}
        return EXIT_NON_COMPLIANT if EXIT_NON_COMPLIANT in codes else max(codes, default=EXIT_OK)

    @property
    def used_packs(self) -> dict[str, "Pack"]:
        """The packs some row was evaluated under (all of them with --city all)."""
        return {c: p for c, p in self.packs.items() if c in self.collector.by_city} or dict(self.packs)

    @property
    def groups_present(self) -> list[str]:
        return [g for g in GROUPS if self.collector.groups.get(g)]
