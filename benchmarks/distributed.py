#!/usr/bin/env python
"""gridlaw audit on Parquet: one process vs a local Dask cluster of 2 workers, on this 2-core machine.

    python benchmarks/distributed.py                          # 10,000,000 hire rows, 2,000,000 free-text tasks
    python benchmarks/distributed.py --hire 1000000 --tasks 200000
    python benchmarks/distributed.py --quick                  # 200,000 / 40,000: a smoke run

Datasets (generated once, seeded, reused; benchmarks/data/, gitignored), hive-partitioned
``province=…/year=…/part-N.parquet``, files of --file-rows rows in row groups of 100,000:
  hire   full-time hire acts, typed columns (booleans with nulls for unknown, date32 dates), fact
         paths as column names (benchmarks/bench.py hire_columns: 2 % unknown, 2 % breaches per fact)
  tasks  free-text assignments (benchmarks/bench.py TASKS: ten templates with numbers, nearly every
         text distinct, so the task reader reads each)

For each dataset:
  one    ``gridlaw audit DS --out OUT/`` in a child process: wall and CPU (user+sys) from wait4; peak RSS
         (VmHWM) written by the child as it exits (wait4's maxrss carries the parent's peak over exec)
  dask   ``run_dask`` on a LocalCluster(n_workers=2, threads_per_worker=1) started here (the same code as
         ``--engine dask``; the cluster is started first and not timed): wall; CPU and peak RSS of each
         worker (getrusage and VmHWM in the worker); the driver's CPU
  check  both results read back: the same row ids, each once, with the same decision and rule ids

The machine is shared: the load average is printed before and after each run, and CPU time is the
figure to compare. Tests never assert on time; this script only reports.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

HERE = Path(__file__).resolve().parent
DATA = HERE / "data" / "distributed"
SEED = 20240501
# this file's name is the `distributed` package's: its folder must not be on the import path
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != HERE]


def _bench():
    """benchmarks/bench.py (the hire generator and the task templates), loaded by path."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("gridlaw_bench", HERE / "bench.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


bench = _bench()

PROVINCES = ("江苏", "浙江")
YEARS = ("2023", "2024")


def load() -> str:
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


# --------------------------------------------------------------------------- data


def hire_file(n: int, seed: int) -> pa.Table:
    cols = bench.hire_columns(n, seed)
    out = {}
    for fact, arr in cols.data.items():
        known = cols.known[fact]
        if arr.dtype == bool:
            out[fact] = pa.array(arr, pa.bool_(), mask=~known)
        elif arr.dtype.kind == "M":
            out[fact] = pa.array(arr.astype("datetime64[D]"), pa.date32(), mask=~known)
        else:
            out[fact] = pa.array(arr.astype(str), pa.string(), mask=~known)
    return pa.table(out)


def tasks_file(n: int, seed: int) -> pa.Table:
    rng = np.random.default_rng(seed)
    kinds = rng.integers(0, len(bench.TASKS), n)
    nums = rng.integers(1, 5000, n)
    days = rng.integers(0, 900, n)
    dates = np.datetime64("2022-01-01") + days.astype("timedelta64[D]")
    texts = [bench.TASKS[k].format(n=int(m)) for k, m in zip(kinds.tolist(), nums.tolist())]
    return pa.table({"id": pa.array([f"a{seed % 1000}-{i}" for i in range(n)]), "date": pa.array(dates, pa.date32()),
                     "role": pa.array(["full_time"] * n), "task.text": pa.array(texts, pa.string())})


def dataset(kind: str, rows: int, file_rows: int) -> Path:
    root = DATA / f"{kind}_{rows}_{file_rows}_{SEED}"
    done = root / "_complete"
    if done.exists():
        return root
    shutil.rmtree(root, ignore_errors=True)
    make = hire_file if kind == "hire" else tasks_file
    n_files = max(1, -(-rows // file_rows))
    t = time.perf_counter()
    for i in range(n_files):
        n = min(file_rows, rows - i * file_rows)
        where = root / f"province={PROVINCES[i % 2]}" / f"year={YEARS[(i // 2) % 2]}"
        where.mkdir(parents=True, exist_ok=True)
        pq.write_table(make(n, SEED + 7 * i + (0 if kind == "hire" else 1)), where / f"part-{i:03d}.parquet",
                       row_group_size=100_000)
    done.write_text(f"{rows} rows in {n_files} files, written in {time.perf_counter() - t:.1f} s\n")
    return root


# --------------------------------------------------------------------------- runs


# The child writes its own peak RSS (VmHWM) when it exits: wait4's ru_maxrss is not the audit's own,
# since Linux carries a parent's peak across fork and exec.
WRAP = ("import atexit, sys; f = sys.argv[1]; atexit.register(lambda: open(f, 'w').write(vm_hwm())); "
        "sys.argv = ['gridlaw'] + sys.argv[2:]; from gridlaw.launch import main; main()")


def vm_hwm() -> str:
    with open("/proc/self/status") as f:
        return next(line.split()[1] for line in f if line.startswith("VmHWM"))     # kB


def run_one(ds: Path, kind: str, out: Path) -> dict:
    shutil.rmtree(out, ignore_errors=True)
    hwm = out.with_name(out.name + ".hwm")
    hwm.unlink(missing_ok=True)
    code = f"def vm_hwm():\n    with open('/proc/self/status') as f:\n        return next(l.split()[1] for l in f if l.startswith('VmHWM'))\n{WRAP}"
    cmd = [sys.executable, "-c", code, str(hwm), "audit", str(ds), "--kind", kind, "--city", "yancheng",
           "--date", "2024-05-06", "--out", str(out) + "/", "--no-list", "--no-progress"]
    l0 = load()
    t = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, ru = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t
    err = proc.stderr.read().decode() if proc.stderr else ""
    return {"wall": wall, "cpu": ru.ru_utime + ru.ru_stime, "peak_rss_mb": int(hwm.read_text()) / 1024,
            "rc": os.waitstatus_to_exitcode(status), "load": [l0, load()], "summary": err.strip().splitlines()[:4]}


def _usage() -> dict:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return {"cpu": r.ru_utime + r.ru_stime, "peak_rss_mb": int(vm_hwm()) / 1024}


def run_dask(ds: Path, kind: str, out: Path, workers: int) -> dict:
    import logging

    from distributed import Client, LocalCluster

    from gridlaw.audit.distributed import DaskOptions, run_dask as drive
    from gridlaw.audit.run import AuditConfig

    shutil.rmtree(out, ignore_errors=True)
    cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=":0",
                           silence_logs=logging.ERROR)
    client = Client(cluster)
    try:
        client.wait_for_workers(workers)
        start = client.run(_usage)
        l0 = load()
        d0 = resource.getrusage(resource.RUSAGE_SELF)
        t = time.perf_counter()
        cfg = AuditConfig(file=ds, kind=kind, city="yancheng", date=dt.date(2024, 5, 6), out=out, listing="none",
                          progress=False)
        run = drive(cfg, DaskOptions(scheduler=cluster.scheduler_address), err=open(os.devnull, "w"))
        wall = time.perf_counter() - t
        d1 = resource.getrusage(resource.RUSAGE_SELF)
        end = client.run(_usage)
        per = [{"cpu": end[w]["cpu"] - start[w]["cpu"], "peak_rss_mb": end[w]["peak_rss_mb"]} for w in end]
        return {"wall": wall, "workers": per, "driver_cpu": (d1.ru_utime + d1.ru_stime) - (d0.ru_utime + d0.ru_stime),
                "rc": run.exit_code, "rows_in": run.collector.rows_in, "parts": len(json.loads(
                    (out / "_manifest.json").read_text())["parts"]), "load": [l0, load()]}
    finally:
        client.close()
        cluster.close()


def check(one: Path, dask: Path) -> str:
    cols = ["row", "decision", "violated_rules", "review_rules"]
    a = pq.read_table(one, columns=cols).sort_by("row")
    b = pq.read_table(dask, columns=cols).sort_by("row")
    rows = b.column("row").to_numpy()
    unique = len(np.unique(rows)) == len(rows)
    same = a.equals(b)
    return (f"{b.num_rows:,} result rows, each row id once: {unique}; identical to one process "
            f"(row, decision, violated and review rule ids): {same}")


# --------------------------------------------------------------------------- report


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--hire", type=int, default=10_000_000)
    ap.add_argument("--tasks", type=int, default=2_000_000)
    ap.add_argument("--file-rows", type=int, default=500_000, help="rows per Parquet file")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--quick", action="store_true", help="200,000 hire rows, 40,000 tasks")
    ap.add_argument("--only", choices=("hire", "tasks"))
    args = ap.parse_args(argv)
    if args.quick:
        args.hire, args.tasks, args.file_rows = 200_000, 40_000, 50_000
    print(f"machine: nproc={os.cpu_count()}, {platform.processor() or platform.machine()}; python "
          f"{platform.python_version()}; load {load()} at the start")
    results = {}
    for kind, act, rows in (("hire", "hire", args.hire), ("tasks", "assignment", args.tasks)):
        if args.only and args.only != kind:
            continue
        ds = dataset(kind, rows, args.file_rows if kind == "hire" else max(args.file_rows // 2, 1))
        print(f"\n{kind}: {rows:,} rows, {ds}  ({(ds / '_complete').read_text().strip()})")
        one = run_one(ds, act, DATA / f"out_{kind}_one")
        print(f"  one process   wall {one['wall']:7.1f} s  CPU {one['cpu']:7.1f} s  peak RSS {one['peak_rss_mb']:6.0f} MB"
              f"  {rows / one['wall']:>10,.0f} rows/s wall  {rows / one['cpu']:>10,.0f} rows/CPU-s  "
              f"rc {one['rc']}  load {one['load'][0]} → {one['load'][1]}")
        dk = run_dask(ds, act, DATA / f"out_{kind}_dask", args.workers)
        cpu = sum(w["cpu"] for w in dk["workers"])
        print(f"  dask ×{args.workers}       wall {dk['wall']:7.1f} s  CPU {cpu:7.1f} s (workers) + {dk['driver_cpu']:.1f} s "
              f"(driver)  {rows / dk['wall']:>10,.0f} rows/s wall  {rows / cpu:>10,.0f} rows/CPU-s  "
              f"{dk['parts']} parts  rc {dk['rc']}  load {dk['load'][0]} → {dk['load'][1]}")
        for i, w in enumerate(dk["workers"]):
            print(f"    worker {i}: CPU {w['cpu']:.1f} s, peak RSS {w['peak_rss_mb']:.0f} MB")
        print(f"  speed-up (wall) {one['wall'] / dk['wall']:.2f}×; CPU dask / one {(cpu + dk['driver_cpu']) / one['cpu']:.2f}×")
        note = check(DATA / f"out_{kind}_one", DATA / f"out_{kind}_dask")
        print(f"  check: {note}")
        results[kind] = {"rows": rows, "one": one, "dask": dk, "check": note}
    print(f"\nload {load()} at the end")
    (DATA / "last.json").write_text(json.dumps(results, ensure_ascii=False, indent=1, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
