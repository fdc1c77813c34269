"""``gridlaw audit --engine dask``: the same audit over the parts of a Parquet dataset, on a Dask cluster.

Each part (a file, or some row groups of a large one: audit/arrowio.py) is one task. A task takes its
part's rows, chunk by chunk, through the pipeline's batch function (pipeline.audit_batch, the stages a
one-process run drives), with the packs and vocabulary loaded once per worker; it writes the part's
results under a temporary name and renames them into place, and returns the part's aggregates
(audit/partials.py). The driver settles the options, the kind and the header once, as a one-process
run does before its first chunk.
Its output name depends only on the part, so a task that Dask runs again after a worker died writes
the same file again, never a second one.

Only the driver writes the manifest (``_manifest.json`` in the results folder): a part is done when
the manifest lists it, with its rows, the SHA-256 of its input file and of its results file, and its
aggregates (``_gridlaw/<n>.json``). The manifest is replaced atomically after every part, so a run
killed at any point leaves a manifest of whole parts; ``--resume`` checks the options, the engine
and packs and every done part's files against it, and submits only the parts it does not list.

The summary and the HTML report are built from the parts' aggregates: no result row travels to the
driver.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
import sys
import time
from pathlib import Path
from typing import Any, TextIO

from ..errors import InputError, Problem
from .arrowio import MANIFEST, Dataset, Part, dataset_sha256, file_sha256, open_dataset, out_is_folder, part_out_path
from .config import AuditConfig, AuditRun

AGGREGATES = "_gridlaw"          # per-part aggregates, beside the manifest (a leading '_': not data)


@dataclasses.dataclass
class DaskOptions:
    scheduler: str | None = None     # tcp://host:port of a running scheduler; None: a local cluster
    workers: int = 2                 # local cluster: worker processes (one thread each)
    memory_limit: str = "auto"       # local cluster: per worker
    resume: bool = False
    part_rows: int = 1_000_000       # a larger file is cut into parts of whole row groups, about this many rows


@dataclasses.dataclass(frozen=True)
class PartJob:
    """One task: a part, where its results go, and the run's options as the driver resolved them."""

    part: Part
    out: Path                        # the part's results file
    columns: tuple[str, ...]         # results columns (run.result_columns on the dataset's header)
    kind: str | None
    city: str | None
    role: str | None
    date: dt.date
    lang: str
    map_file: str | None
    checklist: str | None
    pack: str | None
    national: bool
    show_personal: bool
    top: int
    partition_by: tuple[str, ...] | None


def audit_part(job: PartJob) -> dict:
    """One task: the part's rows, chunk by chunk, through the pipeline's batch function
    (pipeline.audit_batch), into the part's results file (renamed into place when whole); returns the
    part's aggregates (partials.snapshot). No state but the worker's context, loaded once."""
    from collections import Counter

    from . import pipeline
    from .arrowio import Dataset, DatasetHash, ParquetResultWriter, part_chunks
    from .partials import snapshot
    from .results import Collector

    ctx, patterns, stamp = _worker_context(job)
    part = job.part
    coll = Collector(ctx.packs, job.lang, job.top, 0, all_cities=job.city == "all", show_personal=job.show_personal)
    coll._patterns = patterns          # patterns rendered for earlier parts of this run (a cache)
    ds = Dataset(Path(part.root), [part], [], list(part.key_names))
    writer = ParquetResultWriter(job.out, list(job.columns), job.show_personal, {}, ds,
                                 list(job.partition_by) if job.partition_by else None, manifest=False)
    coll.need = frozenset(writer.columns)
    skipped: Counter = Counter()
    skipped_rows: list = []
    ignored: dict[str, None] = {}
    duplicates: dict[str, None] = {}
    sha = DatasetHash()
    try:
        sha.add(part)
        for chunk in part_chunks(part):
            coll.blank += chunk.blank          # blank rows never reach the pipeline (as the CSV reader's)
            out = pipeline.audit_batch(ctx, chunk.header, chunk.columns, chunk.lines, coll)
            writer.write(out.table)
            done = out.evaluated
            skipped.update(done.non_records)
            skipped_rows.extend(done.non_record_rows[:max(20 - len(skipped_rows), 0)])
            ignored.update(dict.fromkeys(done.ignored))
            duplicates.update(dict.fromkeys(done.duplicates))
        writer.close()
    except BaseException:
        writer.abort()
        raise
    coll.finalize()
    snap = snapshot(coll, skipped, skipped_rows, list(ignored), list(duplicates), writer.rows, writer.files,
                    sha.files())
    snap["stamp"] = stamp          # what answered on this worker: the driver checks it is what answers there
    return {"key": part.key, "snapshot": snap}


_CONTEXT: dict[tuple, tuple] = {}


def _worker_context(job: PartJob) -> tuple[Any, dict]:
    """The pipeline's context (packs, header map, vocabulary) for this run's options, built once per
    worker process, and the result patterns its parts have rendered (bounded: dropped past 200,000)."""
    key = (job.kind, job.city, job.role, job.date, job.lang, job.map_file, job.checklist, job.pack, job.national)
    hit = _CONTEXT.get(key)
    if hit is None or len(hit[1]) > 200_000:
        from .pipeline import worker_context

        checklist = None
        if job.checklist:
            from ..checklist import load_checklist

            checklist = load_checklist(Path(job.checklist))
        from ..stamp import stamp_of

        _CONTEXT.clear()
        ctx = worker_context(job.kind, job.city, job.date, job.lang, job.role, job.map_file, job.pack, job.national,
                             checklist=checklist)
        hit = _CONTEXT[key] = (ctx, {}, _same_stamp(stamp_of(ctx.packs.values(), job.checklist)))
    return hit


def _same_stamp(stamp: dict) -> dict:
    """The parts of a stamp two machines must share to give the same answers."""
    return {"engine": stamp.get("engine"), "engine_code": stamp.get("engine_code"), "packs": stamp.get("packs"),
            "checklist": stamp.get("checklist")}


# --------------------------------------------------------------------------- the driver


def run_dask(cfg: AuditConfig, opts: DaskOptions, err: TextIO | None = None) -> AuditRun:
    err = err or sys.stderr
    lang = cfg.lang if cfg.lang in ("zh", "en") else "zh"
    zh = lang == "zh"
    from .arrowio import is_parquet

    if not is_parquet(cfg.file):
        raise InputError([Problem(str(cfg.file), "--engine dask 读取 Parquet 文件或其文件夹（可按 province=…/year=… 分区）"
                                  if zh else "--engine dask reads a Parquet file or a folder of them")])
    if cfg.out is None or not out_is_folder(cfg.out):
        raise InputError([Problem("--out", "--engine dask 需要 --out 指向一个结果文件夹（每个分区一个 Parquet 文件）" if zh else
                                  "--engine dask needs --out naming a results folder (one Parquet file per part)")])
    from .run import _refuse_overwriting_input

    _refuse_overwriting_input(cfg)
    started = dt.datetime.now().astimezone()
    day = cfg.date or dt.date.today()            # one date for every worker, whatever their clocks say
    ds = open_dataset(cfg.file, lang, opts.part_rows)
    from .arrowio import check_partition_by

    check_partition_by(cfg.partition_by, ds, Path(cfg.out), lang)
    setup = _setup(cfg, ds, day, lang)
    packs, kind = setup.packs, setup.kind
    out = Path(cfg.out)
    from .run import run_stamp

    stamp = run_stamp(packs, None, cfg)
    fingerprint = _fingerprint(cfg, day, ds, stamp)
    manifest = Manifest.open(out, fingerprint, opts.resume, lang)
    if cfg.report:
        from .outputs import discard

        discard(cfg.report)
    todo = [i for i, p in enumerate(ds.parts) if not manifest.done(i, p)]
    before = len(ds.parts) - len(todo)
    from .run import Progress

    show = err.isatty() if cfg.progress is None else cfg.progress
    t0 = time.perf_counter()
    client, cluster = _client(opts)
    try:
        link = _dashboard(client)
        if show or cfg.progress is None:
            print((f"Dask 面板：{link}" if zh else f"Dask dashboard: {link}") if link else
                  ("Dask 面板未启用（需要 bokeh）" if zh else "Dask dashboard off (needs bokeh)"), file=err)
            if before:
                print(f"续跑：{before} 个分区已完成，跳过；余 {len(todo)} 个" if zh else
                      f"resuming: {before} parts done, skipped; {len(todo)} to go", file=err)
        bar = Progress(ds.rows, err, show, "行" if zh else "rows")
        done_rows = sum(ds.parts[i].rows for i in range(len(ds.parts)) if manifest.has(i))
        jobs = [PartJob(ds.parts[i], part_out_path(out, ds.parts[i], cfg.partition_by), tuple(setup.columns), kind,
                        setup.city, setup.role, day, lang, str(cfg.map_file) if cfg.map_file else None,
                        str(cfg.checklist) if cfg.checklist else None, cfg.pack, cfg.national, cfg.show_personal,
                        cfg.top, tuple(cfg.partition_by) if cfg.partition_by else None) for i in todo]
        from distributed import as_completed

        futures = client.map(audit_part, jobs, key=[f"gridlaw-part-{i}-{manifest.token}" for i in todo],
                             pure=False)
        index = {f.key: i for f, i in zip(futures, todo)}
        try:
            for fut in as_completed(futures):
                i = index[fut.key]
                res = fut.result()
                fut.release()
                manifest.add(i, ds.parts[i], res["snapshot"], out, cfg.partition_by, lang)
                done_rows += ds.parts[i].rows
                bar.update(done_rows, done_rows)
        except BaseException:
            for f in futures:
                f.cancel()
            raise
        finally:
            bar.close()
    finally:
        _close(client, cluster)
    elapsed = time.perf_counter() - t0
    manifest._clean_temporaries()      # a killed worker's unfinished file; every task is over now
    return _finish(cfg, opts, ds, manifest, packs, setup, started, elapsed, day, lang, before, len(todo))


@dataclasses.dataclass
class Setup:
    packs: dict
    kind: str | None
    city: str | None
    role: str | None
    columns: list[str]
    warnings: list[str]
    opts: Any = None                 # context.Options as a one-process run settles them (the review date's basis)


def _setup(cfg: AuditConfig, ds: Dataset, day: dt.date, lang: str) -> Setup:
    """What a one-process run settles before its first chunk, settled once on the driver for every
    worker: the options' codes, the packs (to render the report), the kind from the header, the
    header's check and the results' columns. A bad option or header is said once, before any task."""
    from .arrowio import open_part
    from .context import Options, audit_context, load_packs
    from .headerplan import plan_columns
    from .mapping import KINDS, load_header_map
    from .run import _check_header, _infer_kind, _option_value, result_columns

    hm = load_header_map(str(cfg.map_file) if cfg.map_file else None)
    kind = _option_value(hm, "kind", cfg.kind, list(KINDS), "--kind")
    city = cfg.city if cfg.city in (None, "all") else _option_value(hm, "city", cfg.city, None, "--city")
    role = _option_value(hm, "role", cfg.role, None, "--role")
    packs, warnings, city = load_packs(city, lang, cfg.pack, cfg.national)
    source = open_part(ds.parts[0], lang)
    source.path = Path(cfg.file)
    if kind is None:
        kind, note = _infer_kind(hm, source.header, lang)
        if note:
            warnings.append(note)
    from .run import _review_date

    day2, basis, assumed = _review_date(dataclasses.replace(cfg, date=day), hm, source, kind, lang)
    has_column = any(h and any(hm.fact_of(k, h) == "date" for k in ((kind,) if kind else KINDS))
                     for h in source.header)
    opts = Options(kind, city, role, day2, lang, None, basis, assumed, has_column)
    ctx = audit_context(packs, opts, str(cfg.map_file) if cfg.map_file else None, False)
    plan = plan_columns(ctx, source.header)
    _check_header(source, plan, kind, city, lang)
    return Setup(packs, kind, city, role, result_columns(source, plan, kind), warnings, opts)


def _fingerprint(cfg: AuditConfig, day: dt.date, ds: Dataset, stamp: dict) -> dict:
    """What must be the same for a run to be resumed: the input's parts, the options, the engine and packs."""
    from ..stamp import file_hash

    return {"input": str(Path(cfg.file).resolve()),
            "parts": [[p.key, p.rows] for p in ds.parts],
            "options": {"kind": cfg.kind, "city": cfg.city, "role": cfg.role, "date": day.isoformat(),
                        "lang": cfg.lang, "national": cfg.national, "pack": cfg.pack,
                        "show_personal_data": cfg.show_personal, "partition_by": cfg.partition_by,
                        "map": file_hash(cfg.map_file), "checklist": file_hash(cfg.checklist)},
            "stamp": stamp}


def _client(opts: DaskOptions) -> tuple[Any, Any]:
    import logging

    from distributed import Client, LocalCluster

    if opts.scheduler:
        return Client(opts.scheduler), None
    cluster = LocalCluster(n_workers=opts.workers, threads_per_worker=1, processes=True,
                           memory_limit=opts.memory_limit, dashboard_address=":0", silence_logs=logging.ERROR)
    return Client(cluster), cluster


def _dashboard(client: Any) -> str | None:
    try:
        import bokeh  # noqa: F401  — distributed serves its dashboard only with bokeh
    except ImportError:
        return None
    return client.dashboard_link


def _close(client: Any, cluster: Any) -> None:
    try:
        client.close()
    finally:
        if cluster is not None:
            cluster.close()


# --------------------------------------------------------------------------- the manifest


class Manifest:
    """``_manifest.json``: the run's fingerprint and, per done part, its rows, input and results hashes
    and accounting. Written by the driver only, atomically, after every part."""

    def __init__(self, out: Path, data: dict):
        self.out = out
        self.data = data
        self.token = data["token"]

    @classmethod
    def open(cls, out: Path, fingerprint: dict, resume: bool, lang: str) -> "Manifest":
        zh = lang == "zh"
        path = out / MANIFEST
        old = None
        if path.exists():
            try:
                old = json.loads(path.read_text("utf-8"))
            except (OSError, ValueError):
                old = None
        if resume:
            if old is None or "fingerprint" not in old:
                raise InputError([Problem(str(path), "没有可续跑的清单（请去掉 --resume 重新运行）" if zh else
                                          "no manifest to resume from (run without --resume)")])
            diff = [k for k in fingerprint if fingerprint[k] != old["fingerprint"].get(k)]
            if diff:
                raise InputError([Problem(str(path), (
                    f"清单记录的{'、'.join(_FP_ZH.get(k, k) for k in diff)}与本次不同，不能续跑；请去掉 --resume 重新运行"
                    if zh else f"the manifest's {', '.join(diff)} differ from this run's: cannot resume; "
                    "run without --resume"))])
            m = cls(out, old)
            m.data["complete"] = False
            m._clean_temporaries()
            return m
        out.mkdir(parents=True, exist_ok=True)
        if old is not None:              # a new run replaces the old one's files, never mixes with them
            for entry in (old.get("parts") or {}).values():
                for f in entry.get("files", []):
                    _unlink(out / f["file"])
                _unlink(out / entry.get("aggregate", "\0"))
            _unlink(path)
        m = cls(out, {"fingerprint": fingerprint, "token": os.urandom(6).hex(), "complete": False, "parts": {}})
        m._clean_temporaries()
        m._write()
        return m

    def has(self, i: int) -> bool:
        return str(i) in self.data["parts"]

    def done(self, i: int, part: Part) -> bool:
        """A part listed as done whose results file is still there and unchanged."""
        entry = self.data["parts"].get(str(i))
        if entry is None or entry["key"] != part.key:
            return False
        try:
            ok = all(file_sha256(str(self.out / f["file"])) == f["sha256"] for f in entry["files"]) and \
                file_sha256(str(self.out / entry["aggregate"])) == entry["aggregate_sha256"] and \
                all(file_sha256(p) == h for p, h in entry["input_sha256"].items())
        except OSError:
            ok = False
        if not ok:
            del self.data["parts"][str(i)]
        return ok

    def add(self, i: int, part: Part, snap: dict, out: Path, partition_by: list[str] | None, lang: str) -> None:
        from .outputs import replace_atomically
        from .partials import accounting

        a = accounting(snap)
        want = _same_stamp(self.data["fingerprint"]["stamp"])
        if snap.get("stamp") != want:
            got = snap.get("stamp") or {}
            raise InputError([Problem(part.path, (
                f"工作进程的引擎或规则包与本机不同（引擎 {got.get('engine_code')} ≠ {want['engine_code']}；"
                "规则包哈希不同）：请在所有工作进程安装同一版本的 gridlaw" if lang == "zh" else
                f"a worker's engine or packs differ from the driver's (engine {got.get('engine_code')} ≠ "
                f"{want['engine_code']}, or pack hashes): install the same gridlaw wheel on every worker"))])
        if part.rows != a["rows_in"] + a["blank"] + a["non_records"] or a["rows_in"] != a["evaluated"] + a["rejected"]:
            raise InputError([Problem(part.path, (
                f"分区 {part.key} 计数不一致：{part.rows:,} 行 ≠ 读入 {a['rows_in']:,} + 空行 {a['blank']:,} + 非记录行 "
                f"{a['non_records']:,}；结果不可信" if lang == "zh" else
                f"part {part.key}: {part.rows:,} rows ≠ read {a['rows_in']:,} + blank {a['blank']:,} + not records "
                f"{a['non_records']:,}; results not trusted"))])
        # the worker renamed its file into place; the driver checks what it finds against what it was told
        rel = part_out_path(out, part, partition_by).relative_to(out).as_posix()
        files = [{"file": rel, "rows": f["rows"], "sha256": f["sha256"]} for f in snap["out_files"]]
        for f in files:
            if file_sha256(str(out / f["file"])) != f["sha256"]:
                raise InputError([Problem(str(out / f["file"]), "结果文件与工作进程报告的不符" if lang == "zh" else
                                          "results file differs from what its worker reported")])
        agg_rel = f"{AGGREGATES}/{i:06d}.json"
        body = json.dumps(snap, ensure_ascii=False).encode()
        (self.out / AGGREGATES).mkdir(exist_ok=True)
        replace_atomically(self.out / agg_rel, body)
        import hashlib

        self.data["parts"][str(i)] = {"key": part.key, "rows": part.rows, "accounting": a,
                                      "input_sha256": snap["input_sha256"], "out_rows": snap["out_rows"],
                                      "files": files, "aggregate": agg_rel,
                                      "aggregate_sha256": hashlib.sha256(body).hexdigest()}
        self._write()

    def snapshots(self, n: int) -> list[dict]:
        out = []
        for i in range(n):
            entry = self.data["parts"][str(i)]
            out.append(json.loads((self.out / entry["aggregate"]).read_text("utf-8")))
        return out

    def complete(self, totals: dict, dataset_sha: str) -> None:
        self.data.update(complete=True, totals=totals, input_sha256=dataset_sha,
                         written=dt.datetime.now().astimezone().isoformat(timespec="seconds"))
        self._write()

    def _write(self) -> None:
        from .outputs import replace_atomically

        replace_atomically(self.out / MANIFEST, json.dumps(self.data, ensure_ascii=False, indent=1).encode())

    def _clean_temporaries(self) -> None:
        """Temporary files of a killed run's writers (.<name>.<pid>.part): never data, never finished."""
        for dirpath, _, names in os.walk(self.out):
            for name in names:
                if name.startswith(".") and name.endswith(".part"):
                    _unlink(Path(dirpath) / name)


_FP_ZH = {"input": "输入", "parts": "分区", "options": "选项", "stamp": "引擎或规则包"}


def _unlink(p: Path) -> None:
    try:
        if p.is_file():
            p.unlink()
    except OSError:
        pass


# --------------------------------------------------------------------------- the end of a run


def _finish(cfg: AuditConfig, opts: DaskOptions, ds: Dataset, manifest: Manifest, packs: dict, setup: Setup,
            started: dt.datetime, elapsed: float, day: dt.date, lang: str, before: int, now: int) -> AuditRun:
    from types import SimpleNamespace

    from .partials import merge, non_records, totals
    from .readers import Source
    from .run import _column_warnings

    zh = lang == "zh"
    snaps = manifest.snapshots(len(ds.parts))
    t = totals(snaps)
    per = len(packs) if cfg.city == "all" else 1
    out_rows = sum(int(manifest.data["parts"][str(i)]["out_rows"]) for i in range(len(ds.parts)))
    if t["rows_in"] != t["evaluated"] + t["rejected"] or ds.rows != t["rows_in"] + t["blank"] + t["non_records"] \
            or out_rows != t["rows_in"] * per:
        raise InputError([Problem(str(cfg.file), (
            f"合计不一致：{ds.rows:,} 行；读入 {t['rows_in']:,} = 已审查 {t['evaluated']:,} + 未能审查 {t['rejected']:,}；"
            f"空行 {t['blank']:,}；非记录行 {t['non_records']:,}；结果 {out_rows:,} 行" if zh else
            f"totals disagree: {ds.rows:,} rows; read {t['rows_in']:,} = evaluated {t['evaluated']:,} + "
            f"unreadable {t['rejected']:,}; blank {t['blank']:,}; not records {t['non_records']:,}; "
            f"{out_rows:,} result rows"))])
    coll = merge(snaps, packs, lang, cfg.top, cfg.city == "all", cfg.show_personal)
    lines = []
    for i, p in enumerate(ds.parts):
        h = manifest.data["parts"][str(i)]["input_sha256"].get(p.path) or ""
        lines.append(f"{p.key}\t{h}\n")
    sha = dataset_sha256(lines)
    manifest.complete(t, sha)
    source = Source(Path(cfg.file), "parquet", list(ds.columns), ds.rows, _describe(ds, lang),
                    _sha=SimpleNamespace(hexdigest=lambda: sha))
    ignored = list(dict.fromkeys(h for s in snaps for h in s["ignored"]))
    dups = list(dict.fromkeys(h for s in snaps for h in s["duplicates"]))
    ctx = SimpleNamespace(opts=setup.opts)    # what the summary and report read of the context
    run = AuditRun(dataclasses.replace(cfg, date=day), source, packs, coll, ctx, started,   # type: ignore[arg-type]
                   warnings=list(setup.warnings))
    run.elapsed = elapsed
    run.out_rows = out_rows
    run.skipped, run.skipped_rows = non_records(snaps)
    run.warnings += [w for w in _column_warnings(ignored, dups, lang) if w not in run.warnings]
    run.warnings.append(
        (f"Dask：{len(ds.parts)} 个分区（本次审 {now} 个" + (f"，续跑跳过已完成的 {before} 个" if before else "") + "）；"
         + ("集群 " + opts.scheduler if opts.scheduler else f"本机集群 {opts.workers} 个工作进程")) if zh else
        (f"Dask: {len(ds.parts)} parts ({now} audited in this run" + (f", {before} done before and skipped" if before else "")
         + "); " + ("cluster " + opts.scheduler if opts.scheduler else f"local cluster of {opts.workers} workers")))
    if cfg.report:
        from .outputs import replace_atomically
        from .report import render_report

        try:
            cfg.report.parent.mkdir(parents=True, exist_ok=True)
            replace_atomically(cfg.report, render_report(run).encode("utf-8"))
        except OSError as exc:
            raise InputError([Problem(str(cfg.report), f"cannot write: {exc.strerror}")]) from None
    return run


def _describe(ds: Dataset, lang: str) -> str:
    files = len({p.rel for p in ds.parts})
    keys = "/".join(ds.key_names)
    if lang == "zh":
        return f"Parquet · {files} 个文件 · {len(ds.parts)} 个分区" + (f" · 按 {keys}" if keys else "")
    return f"Parquet · {files} files · {len(ds.parts)} parts" + (f" · by {keys}" if keys else "")


# --------------------------------------------------------------------------- a Dask DataFrame in memory


def audit_dataframe(ddf: Any, **options: Any) -> Any:
    """A Dask DataFrame of records → a Dask DataFrame of results, partition by partition (lazy).

    Each partition goes through ``gridlaw.audit_table`` (the in-memory audit, options as there); a
    result's ``row`` is the record's 0-based position in the whole DataFrame, so results from any
    partitioning compare row for row. Call ``.compute()``, or write with ``.to_parquet()``."""
    import dask
    import numpy as np
    import pandas as pd

    from .inmemory import audit_table

    if options.get("date") is None:                # one date for every partition, whatever the workers' clocks
        options["date"] = dt.date.today()
    lengths = ddf.map_partitions(len).compute()
    starts = np.concatenate([[0], np.cumsum(np.asarray(lengths, dtype=np.int64))[:-1]]).tolist()

    def one(pdf: Any, first_row: int) -> Any:
        # Arrow-backed columns: rule ids stay lists (object columns would be cast to text by dask)
        return audit_table(pdf, first_row=int(first_row), **options).to_pandas(types_mapper=pd.ArrowDtype)

    meta = one(ddf._meta, 0)
    parts = [dask.delayed(one)(p, s) for p, s in zip(ddf.to_delayed(), starts)]
    import dask.dataframe as dd

    return dd.from_delayed(parts, meta=meta if isinstance(meta, pd.DataFrame) else None, verify_meta=False)
