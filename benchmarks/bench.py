#!/usr/bin/env python
"""gridlaw benchmarks: one script, fixed seed, one table.

    python benchmarks/bench.py              # full run (≈1–2 min)
    python benchmarks/bench.py --quick      # smoke run, small sizes
    python benchmarks/bench.py --rows 200000

(a) in-process evaluation of the Yancheng HIRE rules with full findings
    (an outcome per rule per act): gridlaw.batch.evaluate_columns on 1,000,000
    generated full-time hire acts; the scalar gridlaw.evaluate.evaluate on 50,000
    of them for reference (and the two must agree on every one of those rows).
(b) the same full-time rules written for durable-rules (assert/retract, one rule
    per check; tests/test_oracle_durable.py) on as many of the same acts as fit
    in ~20 s, in a child process; the ratio (a)/(b); agreement on fully-known acts.
(c) `gridlaw audit` end to end on a generated CSV (--rows, default 1,000,000),
    if the installed CLI has the command; CPU time / wall time and the number of
    processes seen tell whether it uses more than one core.
(c') the same on free-text assignments (the task in words, mostly distinct
    texts, so the lexicon reads every one): --rows / 5 rows.
(a') the kernel of (a) plus per-record output (each act's decision and deciding
    rule ids as Python objects), on 200,000 acts: what a per-record consumer
    gets, comparable with (a) scalar and (b), which hand back per-record results.
(d) `gridlaw check examples/hire.yaml` cold start: median wall time of 10 runs
    of the installed entry point.

Generated data goes to benchmarks/data/ (gitignored). Tests never assert on time;
this script only reports.
"""
from __future__ import annotations

import argparse
import importlib.util
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
DATA = HERE / "data"
SEED = 20240501

BOOL_FACTS = {  # fact -> the compliant value
    "candidate.citizen": True, "candidate.political_integrity": True, "candidate.education_ok": True,
    "candidate.health_ok": True, "candidate.criminal_record": False, "candidate.under_investigation": False,
    "candidate.administrative_detention": False, "candidate.judicial_detention": False,
    "candidate.dismissed_from_public_office": False, "candidate.dishonest_person": False,
    "candidate.pre_job_training": True,
}
P_UNKNOWN = 0.02  # per fact
P_BAD = 0.02      # per fact, when known


# --------------------------------------------------------------------------- data


def hire_columns(n: int, seed: int = SEED):
    """n full-time hire acts as gridlaw.batch.Columns (typed arrays + known masks)."""
    from gridlaw.batch import Columns

    rng = np.random.default_rng(seed)
    effective = np.datetime64("2021-12-08")
    data: dict[str, np.ndarray] = {}
    known: dict[str, np.ndarray] = {}
    ones = np.ones(n, dtype=bool)
    data["kind"], known["kind"] = np.full(n, "hire", dtype=object), ones
    data["city"], known["city"] = np.full(n, "yancheng", dtype=object), ones
    data["id"], known["id"] = np.array([f"h{i}" for i in range(n)], dtype=object), ones
    # 0.5 % dated before the regulation took effect
    offs = rng.integers(0, 1500, n)
    early = rng.random(n) < 0.005
    offs[early] = -1 - rng.integers(0, 200, int(early.sum()))
    data["date"], known["date"] = effective + offs.astype("timedelta64[D]"), ones
    data["role"], known["role"] = np.full(n, "full_time", dtype=object), ones
    rec = np.where(rng.random(n) < 0.97, "township_unified", "other").astype(object)
    data["recruited_by"], known["recruited_by"] = rec, rng.random(n) >= P_UNKNOWN
    birth = data["date"] - rng.integers(17 * 365, 60 * 365, n).astype("timedelta64[D]")
    data["candidate.birth_date"], known["candidate.birth_date"] = birth, rng.random(n) >= P_UNKNOWN
    for fact, good in BOOL_FACTS.items():
        bad = rng.random(n) < P_BAD
        data[fact] = ~bad if good else bad
        known[fact] = rng.random(n) >= P_UNKNOWN
    return Columns(n, data, known)


def _lists(cols, stop: int) -> dict[str, tuple[list, list]]:
    return {k: (cols.data[k][:stop].tolist(), cols.known[k][:stop].tolist()) for k in cols.data}


def act_dicts(cols, stop: int) -> list[dict]:
    """The first ``stop`` rows as act dicts the scalar evaluate accepts (unknown facts left out)."""
    cl = _lists(cols, stop)
    acts = []
    for i in range(stop):
        act: dict = {}
        cand: dict = {}
        for fact, (vals, kn) in cl.items():
            if not kn[i]:
                continue
            if fact.startswith("candidate."):
                cand[fact[10:]] = vals[i]
            else:
                act[fact] = vals[i]
        act["candidate"] = cand
        acts.append(act)
    return acts


def durable_facts(cols, stop: int):
    """Lazy durable facts for the first ``stop`` rows (age at the act's date; unknown facts left out)."""
    from gridlaw.acts import age_on

    cl = _lists(cols, stop)
    dates, _ = cl["date"]
    births, births_k = cl["candidate.birth_date"]
    rec, rec_k = cl["recruited_by"]
    bools = [(f[10:], *cl[f]) for f in BOOL_FACTS]
    for i in range(stop):
        fact = {"rid": i, "role": "full_time"}
        if rec_k[i]:
            fact["recruited_by"] = rec[i]
        if births_k[i]:
            fact["age"] = age_on(births[i], dates[i])
        for name, vals, kn in bools:
            if kn[i]:
                fact[name] = vals[i]
        yield fact


def write_csv(cols, path: Path) -> None:
    """The columns as an auditor's CSV: fact paths as headers, 是/否, blank = unknown, ISO dates."""
    n = cols.n
    out = []
    for fact, arr in cols.data.items():
        if arr.dtype == bool:
            s = np.where(arr, "是", "否").astype(object)
        elif arr.dtype.kind == "M":
            s = np.datetime_as_string(arr, unit="D").astype(object)
        else:
            s = arr.astype(str).astype(object)
        s[~cols.known[fact]] = ""
        out.append(s.tolist())
    tmp = path.with_suffix(".tmp")
    with open(tmp, "w", encoding="utf-8", newline="") as fh:
        fh.write(",".join(cols.data) + "\n")
        step = 100_000
        for start in range(0, n, step):
            rows = zip(*(c[start:start + step] for c in out))
            fh.write("\n".join(map(",".join, rows)) + "\n")
    tmp.replace(path)


# --------------------------------------------------------------------------- measurements


def timed(fn, repeat: int = 1):
    times, result = [], None
    for _ in range(repeat):
        t = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times), result


def load_oracle():
    spec = importlib.util.spec_from_file_location("gridlaw_durable_oracle", ROOT / "tests" / "test_oracle_durable.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)  # type: ignore[union-attr]
    return mod


def gridlaw_exe() -> str | None:
    near = Path(sys.executable).with_name("gridlaw")
    return str(near) if near.exists() else shutil.which("gridlaw")


class ProcWatch:
    """Counts the distinct processes in a subprocess's tree while it runs (from /proc)."""

    def __init__(self, pid: int):
        self.pid, self.seen, self.stop = pid, {pid}, threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while not self.stop.is_set():
            try:
                parents = {}
                for entry in os.listdir("/proc"):
                    if entry.isdigit():
                        try:
                            with open(f"/proc/{entry}/stat") as fh:
                                stat = fh.read()
                            parents[int(entry)] = int(stat.rsplit(")", 1)[1].split()[1])
                        except OSError:
                            pass
                tree, grew = set(self.seen), True
                while grew:
                    grew = False
                    for p, pp in parents.items():
                        if pp in tree and p not in tree:
                            tree.add(p)
                            grew = True
                self.seen |= {p for p in tree if p in parents or p == self.pid}
            except OSError:
                pass
            self.stop.wait(0.05)

    def done(self) -> int:
        self.stop.set()
        self.thread.join()
        return len(self.seen)


TASKS = ("入户采集实有人口信息", "排查{n}号楼消防安全隐患", "对{n}号商户占道经营处以罚款", "协助执法人员查封{n}号仓库",
         "走访{n}户独居老人", "收集第{n}网格社情民意", "代收{n}户水电费", "调解{n}号楼邻里纠纷", "核查{n}家出租房屋",
         "宣传防范电信诈骗知识（第{n}期）")


def write_assignment_csv(n: int, path: Path) -> None:
    """Free-text assignments as a township sends them: the task in words, mostly distinct texts."""
    rng = np.random.default_rng(SEED + 2)
    kinds = rng.integers(0, len(TASKS), n)
    nums = rng.integers(1, 5000, n)
    days = rng.integers(0, 900, n)
    base = np.datetime64("2022-01-01")
    tmp = path.with_suffix(".tmp")
    with open(tmp, "w", encoding="utf-8", newline="") as fh:
        fh.write("id,date,role,task.text\n")
        for i in range(n):
            fh.write(f"a{i},{base + int(days[i])},full_time,{TASKS[kinds[i]].format(n=int(nums[i]))}\n")
    tmp.replace(path)


def run_audit(csv: Path, rows: int, kind: str = "hire", out_name: str = "results.jsonl") -> dict:
    exe = gridlaw_exe()
    if exe is None:
        return {"available": False, "why": "no gridlaw entry point"}
    help_ = subprocess.run([exe, "audit", "--help"], capture_output=True, text=True, timeout=60)
    if help_.returncode != 0:
        return {"available": False, "why": (help_.stderr or help_.stdout).strip().splitlines()[-1:]}
    text = help_.stdout
    out = DATA / out_name
    cmd = [exe, "audit", str(csv)]
    for flag, value in (("--kind", kind), ("--city", "yancheng"), ("--out", str(out))):
        if re.search(rf"(?<![\w-]){re.escape(flag)}\b", text):
            cmd += [flag, value]
    if out.exists():
        out.unlink()
    before = os.times()
    t = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    watch = ProcWatch(proc.pid)
    stdout, stderr = proc.communicate()
    wall = time.perf_counter() - t
    procs = watch.done()
    after = os.times()
    cpu = (after.children_user - before.children_user) + (after.children_system - before.children_system)
    lines = 0
    if out.exists():
        with open(out, "rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                lines += block.count(b"\n")
    return {"available": True, "cmd": cmd, "rc": proc.returncode, "wall": wall, "cpu": cpu, "procs": procs,
            "out_lines": lines, "rows": rows, "stderr": stderr.strip().splitlines()[-3:],
            "stdout": stdout.strip().splitlines()[-3:]}


def check_audit(results: Path, cols, pack) -> str:
    """The audit's decision per row against evaluate_columns on the same generated columns."""
    import json

    from gridlaw.batch import evaluate_columns
    from gridlaw.evaluate import DECISIONS

    want = evaluate_columns(pack, "hire", cols).decisions
    code = {d: i for i, d in enumerate(DECISIONS)}
    got = np.full(cols.n, -1, dtype=np.int16)
    rejected = 0
    with open(results, encoding="utf-8") as fh:
        for line in fh:
            rec = json.loads(line)
            rid = rec.get("id")
            if not (isinstance(rid, str) and rid[:1] == "h" and rid[1:].isdigit()) or int(rid[1:]) >= cols.n:
                continue
            if rec.get("decision") in code:
                got[int(rid[1:])] = code[rec["decision"]]
            else:
                rejected += 1
    seen = got >= 0
    agree = int((got[seen] == want[seen]).sum())
    return (f"audit decisions agree with evaluate_columns on {agree:,}/{int(seen.sum()):,} rows "
            f"({rejected:,} rejected, {cols.n - int(seen.sum()) - rejected:,} missing from the output)")


def cold_start(runs: int) -> dict:
    exe = gridlaw_exe()
    if exe is None:
        return {"available": False}
    act = ROOT / "examples" / "hire.yaml"
    tmp = None
    if not act.exists():
        tmp = tempfile.NamedTemporaryFile("w", suffix=".yaml", delete=False, encoding="utf-8")
        tmp.write("kind: hire\ncity: yancheng\ndate: 2024-05-01\nrole: full_time\n"
                  "candidate: {birth_date: 1990-01-01, citizen: true, pre_job_training: true}\n")
        tmp.close()
        act = Path(tmp.name)
    times, rcs = [], set()
    for _ in range(runs):
        t = time.perf_counter()
        r = subprocess.run([exe, "check", str(act)], capture_output=True, timeout=60)
        times.append(time.perf_counter() - t)
        rcs.add(r.returncode)
    if tmp:
        os.unlink(tmp.name)
    return {"available": True, "median_ms": statistics.median(times) * 1000, "min_ms": min(times) * 1000,
            "rcs": sorted(rcs), "file": str(act.relative_to(ROOT) if act.is_relative_to(ROOT) else act)}


# --------------------------------------------------------------------------- main


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rows", type=int, default=None, help="rows of the audit CSV for (c) (default 1,000,000)")
    ap.add_argument("--quick", action="store_true", help="small sizes: a smoke run in a few seconds")
    ap.add_argument("--durable-seconds", type=float, default=None, help="time budget of (b) (default 20)")
    args = ap.parse_args(argv)
    q = args.quick
    n_batch = 50_000 if q else 1_000_000
    n_scalar = 2_000 if q else 50_000
    budget = args.durable_seconds or (2.0 if q else 20.0)
    rows = args.rows or (20_000 if q else 1_000_000)
    runs = 3 if q else 10

    import gridlaw
    from gridlaw.batch import OUTCOME_CODES, evaluate_columns
    from gridlaw.evaluate import evaluate
    from gridlaw.loader import load_pack

    cpu_model = next((ln.split(":", 1)[1].strip() for ln in Path("/proc/cpuinfo").read_text().splitlines()
                      if ln.startswith("model name")), platform.processor()) if Path("/proc/cpuinfo").exists() else ""
    print(f"machine: nproc={os.cpu_count()} (usable {len(os.sched_getaffinity(0))}), {cpu_model}")
    print(f"python {platform.python_version()} ({sys.executable}), numpy {np.__version__}, gridlaw {gridlaw.__version__}")
    print(f"seed {SEED}; {'QUICK run' if q else 'full run'}; load average {os.getloadavg()[0]:.1f} at the start "
          "(other processes share the cores: wall times are inflated when it exceeds the core count)\n")

    DATA.mkdir(exist_ok=True)
    pack = load_pack("yancheng")
    rules = pack.by_kind["hire"]
    table: list[tuple[str, str, str, str, str]] = []

    # (a) batch -------------------------------------------------------------
    t_gen, cols = timed(lambda: hire_columns(n_batch))
    evaluate_columns(pack, "hire", hire_columns(1000))  # compile once (cached per pack and kind)
    t_a, res = timed(lambda: evaluate_columns(pack, "hire", cols), repeat=3)
    rate_a = n_batch / t_a
    counts = res.decision_counts()
    table.append(("(a) kernel: evaluate_columns on pre-built columns (outcome matrix)", f"{n_batch:,} acts × {len(rules)} rules",
                  f"{t_a:.3f} s", f"{rate_a:,.0f} acts/s", "≥500,000 acts/s"))

    acts = act_dicts(cols, n_scalar)

    def scalar() -> list[tuple[str, list[str]]]:
        # keep only what is compared: holding 50,000 Decision objects would time the garbage collector
        return [(d.decision, [f.outcome for f in d.findings]) for d in map(lambda a: evaluate(pack, a), acts)]

    t_s, decisions = timed(scalar)
    rate_s = n_scalar / t_s
    table.append(("(a) scalar evaluate (reference)", f"{n_scalar:,} acts × {len(rules)} rules", f"{t_s:.3f} s",
                  f"{rate_s:,.0f} acts/s", ""))

    # (a') the batch kernel plus what a per-record consumer needs: each act's decision and the ids of
    # its deciding rules as Python objects (what the scalar path and durable-rules hand back per act)
    n_rec = min(n_batch, 200_000)
    sub_cols = hire_columns(n_rec)

    def per_record() -> int:
        r = evaluate_columns(pack, "hire", sub_cols)
        return sum(len(r.deciding_rules(i)) + (r.decision(i) == "compliant") for i in range(r.n))

    t_rec, _ = timed(per_record)
    rate_rec = n_rec / t_rec
    table.append(("(a') batch + per-record output (decision, deciding rules)", f"{n_rec:,} acts × {len(rules)} rules",
                  f"{t_rec:.3f} s", f"{rate_rec:,.0f} acts/s", ""))
    mismatch = 0
    for i, (decision, outcomes) in enumerate(decisions):
        if decision != res.decision(i) or (decision != "not_in_force" and
                                           outcomes != [OUTCOME_CODES[c] for c in res.outcomes[:, i]]):
            mismatch += 1

    # (b) durable-rules -----------------------------------------------------
    oracle = load_oracle()
    cap = min(n_batch, 2_000_000)
    try:
        dres = oracle.durable_isolated(durable_facts(cols, cap), "bench_hire", budget_s=budget, timeout_s=budget * 4 + 60)
        done, t_b = dres["done"], dres["seconds"]
        rate_b = done / t_b
        ratio = rate_a / rate_b
        # agreement on fully-known acts (durable has no 'unknown'; a missing key just fails to match)
        ft_idx = [j for j, r in enumerate(rules) if r.id in oracle.FULL_TIME_RULES]
        facts_used = ["recruited_by", "candidate.birth_date", *BOOL_FACTS]
        full = np.logical_and.reduce([cols.known[f][:done] for f in facts_used]) & res.in_force[:done]
        agree = checked = 0
        viol = dres["violations"]
        sub = res.outcomes[ft_idx, :done] == OUTCOME_CODES.index("violated")
        ids = [rules[j].id for j in ft_idx]
        for i in np.flatnonzero(full):
            checked += 1
            agree += {ids[k] for k in np.flatnonzero(sub[:, i])} == set(viol.get(int(i), ()))
        table.append(("(b) durable-rules assert/retract, same rules", f"{done:,} acts in {t_b:.1f} s",
                      f"{t_b:.3f} s", f"{rate_b:,.0f} acts/s", ""))
        table.append(("(a)/(b) kernel vs durable-rules", "", "", f"{ratio:,.0f}×", "≥10×"))
        table.append(("(a')/(b) per-record output on both sides", "", "", f"{rate_rec / rate_b:,.0f}×", ""))
        durable_note = f"durable agrees with gridlaw on {agree:,}/{checked:,} fully-known acts"
    except Exception as exc:  # report, keep going
        rate_b = ratio = None
        table.append(("(b) durable-rules", "", "", f"failed: {exc}", ""))
        durable_note = f"durable-rules failed: {exc}"

    # (c) audit ---------------------------------------------------------------
    csv = DATA / f"hire_{rows}_{SEED}.csv"
    t_csv = None
    if not csv.exists():
        t_csv, _ = timed(lambda: write_csv(hire_columns(rows, SEED + 1), csv))
    audit = run_audit(csv, rows)
    if audit["available"]:
        ok = audit["rc"] in (0, 1, 3) and audit["out_lines"] > 0  # 1, 3: decisions, not errors
        cores = audit["cpu"] / audit["wall"] if audit["wall"] else 0
        table.append(("(c) gridlaw audit CSV → jsonl, end to end", f"{rows:,} rows",
                      f"{audit['wall']:.2f} s" + ("" if ok else f" (rc {audit['rc']})"),
                      f"{rows / audit['wall']:,.0f} rows/s", "≤5 s / 1M rows"))
        audit_note = (f"audit: rc={audit['rc']}, {audit['out_lines']:,} output lines, CPU {audit['cpu']:.2f} s "
                      f"= {cores:.2f}× wall, {audit['procs']} process(es) seen → "
                      f"{'uses >1 process' if audit['procs'] > 1 else 'single process'}"
                      f"{'' if cores > 1.2 else ', ≈1 core busy'}; cmd: {' '.join(audit['cmd'][1:])}")
        if not ok:
            audit_note += f"\n  stderr: {audit['stderr']}"
        elif (DATA / "results.jsonl").exists():
            audit_note += "\n    " + check_audit(DATA / "results.jsonl", hire_columns(rows, SEED + 1), pack)
    else:
        table.append(("(c) gridlaw audit", f"{rows:,} rows", "", "audit: not available", "≤5 s / 1M rows"))
        audit_note = f"audit: not available ({audit.get('why')})"

    # (c') audit of free-text assignments -------------------------------------------
    a_rows = max(rows // 5, 1000)
    a_csv = DATA / f"assignment_{a_rows}_{SEED}.csv"
    if not a_csv.exists():
        write_assignment_csv(a_rows, a_csv)
    a_audit = run_audit(a_csv, a_rows, kind="assignment", out_name="results_assignment.jsonl")
    if a_audit["available"]:
        rate_c2 = a_rows / a_audit["wall"]
        table.append(("(c') gridlaw audit, free-text assignments → jsonl", f"{a_rows:,} rows",
                      f"{a_audit['wall']:.2f} s" + ("" if a_audit["rc"] in (0, 1, 3) else f" (rc {a_audit['rc']})"),
                      f"{rate_c2:,.0f} rows/s", ""))
        if audit["available"] and audit["wall"]:
            table.append(("(c)/(c') hire rows vs free-text rows per second", "", "",
                          f"{(rows / audit['wall']) / rate_c2:.1f}×", ""))

    # (d) cold start -------------------------------------------------------------
    cold = cold_start(runs)
    if cold["available"]:
        table.append((f"(d) gridlaw check {cold['file']} cold start", f"median of {runs} runs",
                      f"{cold['median_ms']:.0f} ms", f"min {cold['min_ms']:.0f} ms", "≤200 ms"))
    else:
        table.append(("(d) gridlaw check cold start", "", "", "not available (no entry point)", "≤200 ms"))

    # table -----------------------------------------------------------------------
    heads = ("measure", "size", "time", "rate", "target")
    widths = [max(_w(str(r[i])) for r in [heads, *table]) for i in range(5)]
    line = "  ".join("-" * w for w in widths)
    print("  ".join(_pad(h, w) for h, w in zip(heads, widths)))
    print(line)
    for row in table:
        print("  ".join(_pad(str(c), w) for c, w in zip(row, widths)))
    print(line)
    print(f"load average {os.getloadavg()[0]:.1f} at the end")
    print(f"(a) decisions: {counts}; generating the columns took {t_gen:.2f} s (not counted)")
    print(f"(a) scalar and batch agree on {n_scalar - mismatch:,}/{n_scalar:,} rows (decision and every outcome)")
    print(f"(b) {durable_note}")
    print(f"(c) {audit_note}" + (f"; CSV written in {t_csv:.1f} s ({csv.stat().st_size / 1e6:.0f} MB)" if t_csv else
                                 f"; CSV reused: {csv.relative_to(ROOT)}"))
    if cold["available"]:
        print(f"(d) exit codes {cold['rcs']} (1 = non_compliant, 3 = undecided: decisions, not errors)")
    return 1 if mismatch else 0


def _w(s: str) -> int:
    import unicodedata
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)


def _pad(s: str, w: int) -> str:
    return s + " " * (w - _w(s))


if __name__ == "__main__":
    sys.exit(main())
