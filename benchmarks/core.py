#!/usr/bin/env python
"""The semantic core's choice of executor for ``gridlaw.check`` (issue 15 §1 and §3), by measurement.

    python benchmarks/core.py            # 5,000 acts per variant
    python benchmarks/core.py --acts 20000

One act per call, over the full stack (national + Yancheng), on generated full-time hire acts
(benchmarks/bench.py's generator: 2 % unknown facts, 2 % failing ones, 0.5 % dated before the city's
regulation). Every variant gives the same answer (checked here act by act: decision, deciding rules,
missing facts, verdicts by question):

  scalar      the scalar executor over the compiled program (``gridlaw.evaluate.run``), from a validated act
  one-row     "check as a batch of one": the same act as a one-row Columns through the columnar
              executor (``gridlaw.batch.evaluate_columns``), from the same validated act
  check       ``gridlaw.check(dict)``: the public API, pydantic validation included (the start helper's
              ground; reported so the two executors can be placed against the whole call)

Figures: acts per second of CPU time (time.process_time, the figure to compare on a shared
machine), wall time beside it, and the load average when the run started and ended.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench import act_dicts, hire_columns  # noqa: E402


def _timed(fn, items) -> tuple[float, float, list]:
    out = []
    c0, w0 = time.process_time(), time.perf_counter()
    for x in items:
        out.append(fn(x))
    return time.process_time() - c0, time.perf_counter() - w0, out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--acts", type=int, default=5000)
    args = ap.parse_args(argv)
    import gridlaw
    from gridlaw.acts import facts_of
    from gridlaw.api import parse_act
    from gridlaw.batch import columns_from_facts, evaluate_columns
    from gridlaw.evaluate import run
    from gridlaw.layers import load_target
    from gridlaw.program import compile_stack

    load0 = open("/proc/loadavg").read().split()[:3]
    dicts = act_dicts(hire_columns(args.acts), args.acts)
    for d in dicts:
        d["date"] = str(d["date"])[:10]
        d["candidate"]["birth_date"] = str(d["candidate"]["birth_date"])[:10] if "birth_date" in d["candidate"] else None
        if d["candidate"]["birth_date"] is None:
            del d["candidate"]["birth_date"]
    models = [parse_act(d) for d in dicts]
    prog = compile_stack(load_target("yancheng"))
    gridlaw.check(dicts[0])                       # warm: packs loaded, program compiled
    evaluate_columns(prog, "hire", columns_from_facts([facts_of(models[0])]))

    def scalar(m):
        d = run(prog, m)
        return d.decision, d.deciding_rules, [x.fact for x in d.missing], [(a.question, a.verdict) for a in d.questions]

    def one_row(m):
        r = evaluate_columns(prog, "hire", columns_from_facts([facts_of(m)]))
        return r.decision(0), r.deciding_rules(0), r.missing_facts(0), [(a.question, a.verdict) for a in r.questions(0)]

    def check(d):
        x = gridlaw.check(d)
        return x.decision, x.deciding_rules, [m.fact for m in x.missing], [(a.question, a.verdict) for a in x.questions]

    rows = []
    answers = {}
    for name, fn, items in (("scalar", scalar, models), ("one-row", one_row, models), ("check", check, dicts)):
        cpu, wall, out = _timed(fn, items)
        answers[name] = out
        rows.append((name, len(items) / cpu, len(items) / wall, cpu / len(items) * 1e6))
    same = answers["scalar"] == answers["one-row"] == answers["check"]
    load1 = open("/proc/loadavg").read().split()[:3]
    print(f"gridlaw.check over national + yancheng, {args.acts} full-time hire acts, one per call "
          f"(load average {' '.join(load0)} → {' '.join(load1)})")
    print(f"{'variant':10} {'acts/s CPU':>12} {'acts/s wall':>12} {'µs CPU/act':>11}")
    for name, per_cpu, per_wall, us in rows:
        print(f"{name:10} {per_cpu:12,.0f} {per_wall:12,.0f} {us:11.1f}")
    print(f"identical answers in all three: {same}")
    return 0 if same else 1


if __name__ == "__main__":
    raise SystemExit(main())
