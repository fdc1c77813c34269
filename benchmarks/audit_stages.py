"""Where an audit's time goes, stage by stage (docs/architecture.md, the audit pipeline).

    python benchmarks/audit_stages.py                 # 200,000 rows of the township sheet (examples/audit/make_big.py)
    python benchmarks/audit_stages.py --rows 1000000
    python benchmarks/audit_stages.py --file my.csv --kind hire --city yancheng

Each stage's entry point is wrapped: CPU time of the calling thread (``time.thread_time``)
and wall time, summed over the chunks. Reading and parsing run on the reader thread and
formatting the results file on the writer thread, so they are not in the per-stage lines;
the run's process CPU time (all threads) and the load average are printed beside them.
Wall times mean little when the load exceeds the core count. Generated sheets go to
``benchmarks/data/`` (gitignored) and are reused.
"""
from __future__ import annotations

import argparse
import collections
import os
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
DATA = HERE / "data"
STAGES = ("split", "map", "convert", "derive", "evaluate", "collect", "write")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rows", type=int, default=200_000, help="rows of the generated township sheet")
    ap.add_argument("--file", type=Path, help="audit this file instead of a generated sheet")
    ap.add_argument("--kind", default="hire")
    ap.add_argument("--city", default="yancheng")
    args = ap.parse_args(argv)

    import gridlaw.audit.convert as convert
    import gridlaw.audit.derive as derive
    import gridlaw.audit.evaluation as evaluation
    import gridlaw.audit.headerplan as headerplan
    import gridlaw.audit.rowkinds as rowkinds
    from gridlaw.audit.outputs import ResultWriter
    from gridlaw.audit.results import Collector
    from gridlaw.audit.run import AuditConfig, run_audit

    src = args.file
    if src is None:
        DATA.mkdir(exist_ok=True)
        src = DATA / f"township_{args.rows}.csv"
        if not src.exists():
            sys.path.insert(0, str(HERE.parent / "examples" / "audit"))
            from make_big import main as make_big

            make_big(args.rows, str(src))
    cpu: collections.Counter = collections.Counter()
    wall: collections.Counter = collections.Counter()

    def wrap(owner, name: str, stage: str) -> None:
        fn = getattr(owner, name)

        def timed(*a, **kw):
            c, t = time.thread_time(), time.perf_counter()
            try:
                return fn(*a, **kw)
            finally:
                cpu[stage] += time.thread_time() - c
                wall[stage] += time.perf_counter() - t
        setattr(owner, name, timed)

    for owner, name, stage in ((rowkinds, "split_rows", "split"), (headerplan, "map_columns", "map"),
                               (convert, "convert", "convert"), (derive, "derive", "derive"),
                               (evaluation, "evaluate", "evaluate"), (Collector, "add", "collect"),
                               (ResultWriter, "write", "write")):
        wrap(owner, name, stage)
    load0 = os.getloadavg()[0]
    c0, t0 = time.process_time(), time.perf_counter()
    out = DATA / "stages_results.jsonl"
    DATA.mkdir(exist_ok=True)
    run = run_audit(AuditConfig(file=src, kind=args.kind, city=args.city, out=out, progress=False))
    total_c, total_w = time.process_time() - c0, time.perf_counter() - t0
    print(f"{src.name}: {run.collector.rows_in:,} rows; run_audit CPU {total_c:.2f} s (process, all threads), "
          f"wall {total_w:.2f} s; load {load0:.1f} → {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    for stage in STAGES:
        where = " (writer thread)" if stage == "write" else ""
        print(f"  {stage:9s} CPU {cpu[stage]:6.2f} s   wall {wall[stage]:6.2f} s{where}")
    rest = total_c - sum(cpu.values())
    print(f"  {'rest':9s} CPU {rest:6.2f} s   (reading and parsing on the reader thread, set-up, packs, report)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
