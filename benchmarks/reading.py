#!/usr/bin/env python
"""Speed of reading task texts (issue 7, item 8): one script, fixed seed, one table.

    python benchmarks/reading.py                 # 200,000 texts in-process + the 1,000,000-row audit
    python benchmarks/reading.py --quick         # smoke run, a few seconds
    python benchmarks/reading.py --texts 100000 --rows 300000

(r) gridlaw.lexicon.infer_many (texts read in batches, as the audit reads them) and infer_nature (one
    text at a time) on N unique 50-character task texts, in this process, one thread (one core):
    texts/s of wall time and of CPU time (the machine is shared; CPU time is what one core gives). The texts are built from the clauses of the labelled corpus
    (tests/corpus/*.yaml) — real phrasings, so the density of power terms, negations and referrals is
    that of real notices — shuffled, joined, cut to 49 characters plus a serial that makes every
    text distinct (a cache of texts cannot help; whole clauses do repeat, as in township notices, and
    the reader keeps each clause's reading — every line below starts with none kept). A second line
    gives every clause a serial too, so no clause repeats (the worst case). For reference, the old
    per-character normalisation loop and the new regex normalisation on the same texts.
(a) `gridlaw audit FILE --kind assignment --city yancheng --out …` end to end (subprocess, wall time)
    on a generated CSV of --rows rows (default 1,000,000) whose 任务内容 are all distinct, so every
    row's text is read once. Output lines are counted; CPU ÷ wall says how many cores it used.

Generated data goes to benchmarks/data/ (gitignored). Tests never assert on time; this only reports.
"""
from __future__ import annotations

import argparse
import os
import platform
import random
import re
import resource
import shutil
import subprocess
import sys
import time
import unicodedata
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
DATA = HERE / "data"
SEED = 20240501
LENGTH = 50


def clause_pool() -> list[str]:
    import yaml

    pool: list[str] = []
    for f in sorted((ROOT / "tests" / "corpus").glob("*.yaml")):
        if f.name == "sources.yaml":  # the sources of the corpus, not texts
            continue
        for it in yaml.safe_load(f.read_text("utf-8")):
            pool += [c for c in re.split(r"[，。；：,;:]", it["text"]) if c]
    return pool


def unique_texts(n: int, seed: int = SEED) -> list[str]:
    """n distinct task texts of exactly LENGTH characters built from real clauses."""
    rng = random.Random(seed)
    pool = clause_pool()
    out = []
    for i in range(n):
        tail = f"#{i}"
        body = ""
        while len(body) < LENGTH:
            body += rng.choice(pool) + rng.choice("，，，；。")
        out.append(body[:LENGTH - len(tail)] + tail)
    return out


def distinct_clause_texts(n: int, seed: int = SEED) -> list[str]:
    """As unique_texts, but every clause carries a serial too: no clause repeats, so no kept clause reading
    can help (the worst case for the reader's clause cache)."""
    rng = random.Random(seed)
    pool = clause_pool()
    out = []
    serial = 0
    for i in range(n):
        body = ""
        while len(body) < LENGTH:
            serial += 1
            body += rng.choice(pool)[:12] + f"{serial:x}" + rng.choice("，，，；。")
        out.append(body[:LENGTH])
    return out


def old_normalize(text: str, to_simplified) -> str:
    """The normalisation gridlaw used before issue 7 (per-character loop), for reference."""
    text = unicodedata.normalize("NFKC", to_simplified(text))
    return "".join(ch for ch in re.sub(r"[\s\u3000]+", "", text) if unicodedata.category(ch)[0] not in "PSZ")


def bench_reading(n: int) -> list[tuple[str, str, float, str]]:
    from gridlaw.lexicon import infer_many, infer_nature, reader
    from gridlaw.textnorm import normalize, to_simplified

    texts = unique_texts(n)
    assert len(set(texts)) == n and all(len(t) == LENGTH for t in texts)
    r = reader()  # load and compile the vocabulary outside the timing
    infer_many(texts[:100])
    rows = []
    outcomes: dict[str, int] = {}
    r.cache.clear()  # every line starts with no clause reading kept
    cpu0, t0 = time.process_time(), time.perf_counter()
    for inf in infer_many(texts):
        outcomes[inf.outcome] = outcomes.get(inf.outcome, 0) + 1
    wall, cpu = time.perf_counter() - t0, time.process_time() - cpu0
    rows.append(("(r) infer_many (batches of 4096; audit path)", f"{n:,} texts", wall,
                 f"{n / wall:,.0f} texts/s wall, {n / cpu:,.0f}/s CPU"))
    kept = len(r.cache)
    worst = distinct_clause_texts(n)
    r.cache.clear()
    cpu0w, t0w = time.process_time(), time.perf_counter()
    infer_many(worst)
    ww, cw = time.perf_counter() - t0w, time.process_time() - cpu0w
    rows.append(("(r) infer_many, no clause repeats (worst)", f"{n:,} texts", ww,
                 f"{n / ww:,.0f} texts/s wall, {n / cw:,.0f}/s CPU"))
    print(f"(r) clause readings kept after the first line: {kept:,} for {n:,} texts (texts are distinct, clauses "
          f"repeat: each text ends in a clause cut short with its serial); second line: {len(r.cache):,} kept")
    r.cache.clear()
    m1 = min(n, 50_000)
    cpu0, t0 = time.process_time(), time.perf_counter()
    for t in texts[:m1]:
        infer_nature(t)
    w1, c1 = time.perf_counter() - t0, time.process_time() - cpu0
    rows.append(("(r) infer_nature, one text at a time", f"{m1:,} texts", w1, f"{m1 / w1:,.0f} texts/s wall, {m1 / c1:,.0f}/s CPU"))
    matches = sum(len(i.matches) for i in infer_many(texts[:5000])) / min(n, 5000)
    print(f"(r) outcomes {outcomes}; {matches:.2f} power-term matches per text; CPU {cpu:.2f} s = {cpu / wall:.2f}× wall "
          f"(one thread: below 1 means other processes had the core)")
    m = min(n, 50_000)
    t0 = time.perf_counter()
    for t in texts[:m]:
        old_normalize(t, to_simplified)
    w = time.perf_counter() - t0
    rows.append(("(r) old per-character normalize (ref.)", f"{m:,} texts", w, f"{m / w:,.0f} texts/s"))
    t0 = time.perf_counter()
    for t in texts[:m]:
        normalize(t)
    w = time.perf_counter() - t0
    rows.append(("(r) new regex normalize (ref.)", f"{m:,} texts", w, f"{m / w:,.0f} texts/s"))
    return rows


def write_csv(path: Path, rows: int) -> None:
    texts = unique_texts(rows, SEED + 1)
    rng = random.Random(SEED)
    with path.open("w", encoding="utf-8", newline="") as fh:
        fh.write("记录编号,交办日期,所属镇街,任务内容,是否列入清单\n")
        for i, t in enumerate(texts):
            day = f"2024-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
            listed = rng.choice(("是", "否", ""))
            fh.write(f"a{i},{day},{rng.choice(('南洋镇', '新兴镇', '五星街道'))},\"{t}\",{listed}\n")


def bench_audit(rows: int) -> list[tuple[str, str, float, str]]:
    exe = shutil.which("gridlaw") or str(Path(sys.executable).with_name("gridlaw"))
    DATA.mkdir(exist_ok=True)
    csv = DATA / f"assign_distinct_{rows}_{SEED}.csv"
    if not csv.exists():
        t0 = time.perf_counter()
        write_csv(csv, rows)
        print(f"(a) wrote {csv.name} in {time.perf_counter() - t0:.1f} s (not counted)")
    out = DATA / "reading_results.jsonl"
    cmd = [exe, "audit", str(csv), "--kind", "assignment", "--city", "yancheng", "--out", str(out)]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    r = subprocess.run(cmd, capture_output=True, text=True)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    lines = sum(1 for _ in out.open("rb")) if out.exists() else 0
    print(f"(a) rc={r.returncode}, {lines:,} output lines for {rows:,} rows, CPU {cpu:.1f} s = {cpu / wall:.2f}× wall; "
          f"cmd: {' '.join(cmd[1:])}")
    if r.returncode not in (0, 1, 3):
        print(r.stderr[-2000:])
    return [("(a) gridlaw audit, all texts distinct", f"{rows:,} rows", wall, f"{rows / wall:,.0f} rows/s")]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--texts", type=int, default=None, help="unique texts for (r) (default 200,000)")
    ap.add_argument("--rows", type=int, default=None, help="rows of the audit CSV for (a) (default 1,000,000)")
    ap.add_argument("--quick", action="store_true", help="small sizes: a smoke run")
    ap.add_argument("--no-audit", action="store_true", help="only (r), the in-process reading")
    a = ap.parse_args(argv)
    n = a.texts or (5_000 if a.quick else 200_000)
    rows = a.rows or (20_000 if a.quick else 1_000_000)
    load = os.getloadavg()
    print(f"machine: nproc={os.cpu_count()}, {platform.processor() or platform.machine()}; "
          f"load average before the run {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} (other processes share the cores)")
    print(f"python {platform.python_version()}; seed {SEED}; {'quick' if a.quick else 'full'} run")
    table = bench_reading(n) + ([] if a.no_audit else bench_audit(rows))
    print()
    print(f"{'measure':46s}  {'size':>16s}  {'time':>9s}  rate")
    for name, size, t, rate in table:
        print(f"{name:46s}  {size:>16s}  {t:8.2f}s  {rate}")
    print("targets: (r) ≥ 50,000 texts/s on one core; (a) ≤ 30 s for 1,000,000 distinct rows")
    return 0


if __name__ == "__main__":
    sys.exit(main())
