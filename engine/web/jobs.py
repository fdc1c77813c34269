"""Audit jobs: an uploaded file is audited on a worker thread while the page polls its progress.

Each job owns a folder inside the server's temp workdir (input, results, report); the
oldest finished jobs are removed when more than ``max_jobs`` are kept."""
from __future__ import annotations

import re
import secrets
import shutil
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .settings import Settings

INPUT_SUFFIXES = (".csv", ".xlsx", ".xls", ".ods", ".jsonl")   # what `gridlaw audit` reads
RESULT_FORMATS = ("csv", "xlsx", "jsonl")
_PERCENT = re.compile(r"(\d+(?:\.\d+)?)%\s+([\d,]+)")
_UNSAFE = re.compile(r"[^\w.\-（）()]+")
MAX_PENDING = 8  # queued or running; more is refused (the server has one audit worker)


class Busy(Exception):
    pass


def stored_name(filename: str, suffix: str) -> str:
    """The uploaded name as stored (the report shows it): letters, digits, CJK, . - _ only, never a path."""
    base = re.split(r"[/\\]", filename)[-1]
    stem = base[: -len(suffix)] if base.lower().endswith(suffix) else base
    stem = _UNSAFE.sub("_", stem)[:80].lstrip(".")
    return (stem or "upload") + suffix


@dataclass
class Job:
    id: str
    dir: Path
    filename: str               # as uploaded, shown to the user only
    options: dict[str, Any]
    status: str = "queued"      # queued | running | done | failed
    progress: float = 0.0
    rows: int = 0
    errors: list[dict] = field(default_factory=list)
    summary: str = ""
    groups: list[dict] = field(default_factory=list)   # the per-record view, grouped (audit.texts.listing_groups)
    totals: dict[str, int] = field(default_factory=dict)
    exit_code: int | None = None
    created: float = field(default_factory=time.time)

    @property
    def results_path(self) -> Path:
        return self.dir / f"results.{self.options['format']}"

    @property
    def report_path(self) -> Path:
        return self.dir / "report.html"

    def public(self, base: str) -> dict:
        done = self.status == "done"
        return {"job": self.id, "status": self.status, "file": self.filename, "progress": round(self.progress, 3),
                "rows": self.rows, "totals": self.totals, "exit_code": self.exit_code, "errors": self.errors,
                "summary": self.summary,
                "links": {"status": f"{base}/{self.id}",
                          "report": f"{base}/{self.id}/report" if done else None,
                          "results": f"{base}/{self.id}/results" if done else None}}


class _ProgressStream:
    """Receives the audit's progress bar (``run_audit(err=...)``) and keeps the fraction and rows."""

    def __init__(self, job: Job):
        self.job = job

    def write(self, text: str) -> int:
        m = None
        for m in _PERCENT.finditer(text):
            pass
        if m:
            self.job.progress = float(m.group(1)) / 100
            self.job.rows = int(m.group(2).replace(",", ""))
        return len(text)

    def flush(self) -> None:
        pass

    def isatty(self) -> bool:
        return False


class Jobs:
    def __init__(self, settings: Settings):
        self.settings = settings
        self.pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="gridlaw-audit")
        self.jobs: dict[str, Job] = {}
        self.lock = threading.Lock()

    def create(self, filename: str, suffix: str, options: dict[str, Any]) -> Job:
        if suffix not in INPUT_SUFFIXES:
            raise ValueError(suffix)
        if sum(j.status in ("queued", "running") for j in list(self.jobs.values())) >= MAX_PENDING:
            raise Busy()
        job_id = secrets.token_urlsafe(12)
        folder = self.settings.workdir / job_id
        folder.mkdir(parents=True)
        job = Job(job_id, folder, filename, options)
        job.options["input"] = folder / stored_name(filename, suffix)
        with self.lock:
            self.jobs[job_id] = job
        self._prune()
        return job

    def start(self, job: Job) -> None:
        self.pool.submit(self._run, job)

    def get(self, job_id: str) -> Job | None:
        return self.jobs.get(job_id)

    def _prune(self) -> None:
        with self.lock:
            finished = sorted((j for j in self.jobs.values() if j.status in ("done", "failed")), key=lambda j: j.created)
            for job in finished[: max(len(self.jobs) - self.settings.max_jobs, 0)]:
                del self.jobs[job.id]
                shutil.rmtree(job.dir, ignore_errors=True)

    def _run(self, job: Job) -> None:
        from ..errors import GridlawError

        job.status = "running"
        o = job.options
        try:
            from ..audit.run import AuditConfig, run_audit
            from ..audit.texts import for_people, listing_groups, member_text, web_summary

            cfg = AuditConfig(file=o["input"], kind=o.get("kind"), city=o.get("city"), role=o.get("role"),
                              date=o.get("date"), lang=o.get("lang", "zh"), sheet=o.get("sheet"),
                              out=job.results_path, report=job.report_path, show_personal=o.get("show_personal", False),
                              listing="auto", progress=True)
            run = run_audit(cfg, err=_ProgressStream(job))  # type: ignore[arg-type]
        except GridlawError as exc:
            from ..mask import mask_text

            # an error may quote the row it refuses (a sheet without a header: its first row); masked
            # always, as the CLI masks every error it prints
            job.errors = [{"location": mask_text(p.path) if p.path else (f"第 {p.line} 行" if p.line else None),
                           "line": p.line, "message": for_people(mask_text(p.message)).replace(str(job.dir) + "/", "")}
                          for p in exc.problems]
            job.status = "failed"
            return
        except Exception as exc:  # a file the audit cannot read at all: say so, never a traceback
            from ..mask import mask_text

            job.errors = [{"location": None, "line": None,
                           "message": mask_text(f"无法审计该文件（{type(exc).__name__}）").replace(str(job.dir) + "/", "")}]
            job.status = "failed"
            return
        from ..mask import mask_text

        # the audit masks what it reads; an ID number or phone quoted in a rejection reason is masked here too
        shown = (lambda t: t) if o.get("show_personal") else mask_text
        job.summary = shown(web_summary(run).replace(str(job.dir) + "/", ""))
        zh = o.get("lang", "zh") != "en"
        job.groups = [{**g, "detail": shown(g["detail"]),
                       "members": [{"who": member_text(m, zh), "note": shown(m["note"])} for m in g["members"]]}
                      for g in listing_groups(run)]
        job.totals = {k: int(v) for k, v in run.collector.decision_totals().items() if v}
        job.rows = run.collector.rows_in
        job.exit_code = run.exit_code
        job.progress = 1.0
        job.status = "done"
