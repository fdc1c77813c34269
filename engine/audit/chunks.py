"""What flows down the audit pipeline, one dataclass per hand-over (docs/architecture.md):

    read      → Chunk          rows as parsed, with their source row numbers
    split     → RecordBatch    the records only; title / note / total rows counted apart
    map       → MappedBatch    + the ColumnPlan: which column gives which fact, per kind
    convert   → FactBatch      typed fact columns per kind, the city of each row, rejections
    derive    → FactBatch      + defaults, birth dates from ID numbers, age checks
    evaluate  → Evaluated      rule outcomes per (kind, city) group; rejected rows with reasons
    collect   → pyarrow Table  result rows (and the run's aggregates in the Collector)
    write     → results file

Each stage reads the one before it and builds the next; nothing here points back up,
so a chunk never returns to an earlier stage. Row indices inside a batch are positions
in ``Chunk.lines``; ``Chunk.lines`` are the row numbers the user sees.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from ..batch import BatchResult
    from .mapping import Resolution

RAW_FIELDS = ("id", "name", "county", "township", "grid", "task", "department", "date")   # carried to the outputs as written
# the facts a carried field is read from (the person's name per kind; the task or matter text; who assigned or applied)
RAW_FACTS = {"name": ("name", "candidate.name", "worker.name"), "task": ("task.text", "matter.text"),
             "department": ("required_by", "department")}
GROUPS = ("county", "township", "grid")


@dataclass
class Chunk:
    header: list[str]
    lines: np.ndarray                        # int64: the row as Excel shows it (CSV), file line (JSONL), sheet row (XLSX)
    columns: list[Any]                       # per header column: a pyarrow string array or a list, one value per row
    bad: list[tuple] = field(default_factory=list)   # rows that could not be parsed: (row, reason[, first cell])
    blank: int = 0                           # blank lines / rows skipped
    progress: int = 0                        # bytes (CSV, JSONL) or rows (XLSX) consumed so far

    @property
    def n(self) -> int:
        return len(self.lines)


@dataclass
class RecordBatch:
    """A chunk's records (non-record rows removed) and what was removed."""

    chunk: Chunk
    non_records: Counter = field(default_factory=Counter)                  # title / note / total -> rows
    non_record_rows: list[tuple[int, str, str]] = field(default_factory=list)   # (row, kind, text), the first few


@dataclass(frozen=True)
class ColumnPlan:
    """How one header maps to facts: per kind, and the columns every kind shares."""

    header: tuple[str, ...]
    kinds: dict[str, "Resolution"]           # kind -> column index -> fact
    kind_column: int | None                  # the column giving each row's kind
    city_column: int | None
    raw: dict[str, int]                      # RAW_FIELDS present -> column index (carried to the outputs)


@dataclass
class MappedBatch:
    records: RecordBatch
    plan: ColumnPlan

    @property
    def chunk(self) -> Chunk:
        return self.records.chunk


class Rejections:
    """Why rows of a batch cannot be evaluated: chunk row -> reasons, in the order found."""

    def __init__(self) -> None:
        self.msgs: dict[int, list[str]] = {}

    def __call__(self, rows: np.ndarray, text: str) -> None:
        for r in rows.tolist():
            self.msgs.setdefault(r, []).append(text)

    def rows(self) -> np.ndarray:
        return np.array(sorted(self.msgs), dtype=np.int64)

    def copy(self) -> "Rejections":
        out = Rejections()
        out.msgs = {r: list(m) for r, m in self.msgs.items()}
        return out


@dataclass
class KindFacts:
    """Typed fact columns of the rows of one kind (``rows`` None: every row of the batch)."""

    kind: str
    rows: np.ndarray | None
    data: dict[str, np.ndarray]
    known: dict[str, np.ndarray]
    cells: dict[str, Any] = field(default_factory=dict)   # raw cells the derive stage reads again (birth date, ID)

    def base(self, n: int) -> np.ndarray:
        return np.arange(n) if self.rows is None else self.rows


@dataclass
class FactBatch:
    mapped: MappedBatch
    kinds: list[KindFacts]
    city: np.ndarray | None                  # each row's city (object array), None with --city all
    rejections: Rejections
    notes: dict[int, str] = field(default_factory=dict)   # chunk row -> why a fact stayed unknown / where it came from
    ignored: list[str] = field(default_factory=list)      # headers giving no fact (kinds converted in this batch)
    duplicates: list[str] = field(default_factory=list)   # headers repeating a fact

    @property
    def chunk(self) -> Chunk:
        return self.mapped.chunk


@dataclass
class Group:
    """Rows of one chunk evaluated together under one pack."""

    kind: str
    city: str
    rows: np.ndarray                 # indices into the chunk's rows
    result: "BatchResult"


@dataclass
class Evaluated:
    """A batch after evaluation: what the collector folds into results and aggregates."""

    chunk: Chunk
    groups: list[Group]
    rejected: np.ndarray             # indices into the chunk's rows
    reasons: list[str]               # one per rejected index
    rejected_city: list[str]         # the row's city if it was read ("" if not)
    raw: dict[str, Any]              # RAW_FIELDS -> pyarrow string array over the chunk's rows (null = empty)
    kinds: dict[str, int] = field(default_factory=dict)
    notes: dict[int, str] = field(default_factory=dict)   # chunk row -> why a fact stayed unknown / where it came from
    bad_raw: dict[str, list] = field(default_factory=dict)   # RAW_FIELDS of the chunk's unparsable rows (chunk.bad)
    non_records: Counter = field(default_factory=Counter)
    non_record_rows: list[tuple[int, str, str]] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)
    duplicates: list[str] = field(default_factory=list)


@dataclass
class Accounting:
    """Every row of a batch, once: read = evaluated + unreadable; non-record and blank rows apart."""

    read: int = 0
    evaluated: int = 0
    unreadable: int = 0
    non_records: int = 0
    blank: int = 0

    def __add__(self, other: "Accounting") -> "Accounting":
        return Accounting(self.read + other.read, self.evaluated + other.evaluated,
                          self.unreadable + other.unreadable, self.non_records + other.non_records,
                          self.blank + other.blank)

    def as_dict(self) -> dict[str, int]:
        return {"read": self.read, "evaluated": self.evaluated, "unreadable": self.unreadable,
                "non_records": self.non_records, "blank": self.blank}
