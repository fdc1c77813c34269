#!/usr/bin/env python
"""The budgets of issue 15, measured side by side in one run (fixed seed; one table).

    pip install -e ".[test,bench]"            # polars and duckdb are benchmark-only (the bench extra)
    python benchmarks/budgets.py               # full sizes
    python benchmarks/budgets.py --quick       # smoke run, small sizes
    python benchmarks/budgets.py --only s,b    # some lines only: a b c s

(a) per-record output from plain dicts, 200,000 Yancheng full-time hire acts: every act's decision, its
    violated and its unknown rule ids. gridlaw: the public library call for many acts, gridlaw.check_many
    (national + Yancheng, as gridlaw.check: the dicts validated by column, evaluated by column, one answer
    per distinct outcome pattern shared by the acts that have it). Peer: hand-written
    Python closures doing the same checks (three-valued, age from the birth date) on the same dicts. Target ≥ 0.5×.
(b) gridlaw.check, one act per call, over the full stack (national + Yancheng), on the same dicts: Decision
    objects. Peer: durable-rules asserting and retracting each act (tests/test_oracle_durable.py), in a child
    process. Target ≥ 10,000 acts/s. The input side (act_data) is timed alone beside it.
(c) `gridlaw audit` of a 1,000,000-row township sheet (23 Chinese headers, 是/否/合格 with blanks, dates written
    three ways, names, ID numbers and phones; ID numbers carry valid check digits) → JSONL, end to end, vs a
    polars expression and a duckdb query reading the same CSV and computing the same decision per row.
    Target ≤ 3× the faster. The three answers are compared row by row.
(d) `gridlaw audit` of a 1,000,000-row task sheet (--kind assignment) whose 任务内容 texts are all distinct
    (benchmarks/reading.py's generator: real clauses from the labelled corpus, a serial making each text
    unique, so no reading is reused), → JSONL, end to end. Target ≤ 30 s (issue 17 §5). Output lines counted.
(s) start-up: `gridlaw --version` and `gridlaw check examples/hire.yaml`, median wall of 15 cold runs of the
    installed entry point (use a non-editable install: pip install . into its own venv), with the CPU time of
    each child (getrusage). Targets ≤ 80 ms and ≤ 200 ms on an idle machine.

Every line says what it times; wall and CPU time are both given, with the load average at start and end,
because the machine is shared. The run ends with the same table in Markdown, as the README carries it. Generated data goes to benchmarks/data/ (gitignored). Tests never assert on time.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
DATA = HERE / "data"
SEED = 20240501
EFFECTIVE = dt.date(2021, 12, 8)   # 《盐城市城乡网格化服务管理实施细则》施行日期
sys.path.insert(0, str(HERE))


def clock():
    return time.perf_counter(), time.process_time()


def since(start) -> tuple[float, float]:
    return time.perf_counter() - start[0], time.process_time() - start[1]


# --------------------------------------------------------------------------- (a) closures


def age_on(birth: dt.date, day: dt.date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def _eq(c, key, want):
    v = c.get(key)
    return None if v is None else v == want


def _any(*xs):
    return True if True in xs else (None if None in xs else False)


def _all(*xs):
    return False if False in xs else (None if None in xs else True)


# The Yancheng rules a full-time hire meets (their ids, as gridlaw names them), written by hand: each returns
# True (the requirement is met), False (breached) or None (it hangs on a fact not given); N/A rules are left out.
def _closures():
    def adult_citizen(a, c):
        b = c.get("birth_date")
        return _all(None if b is None else age_on(b, a["date"]) >= 18, _eq(c, "citizen", True))

    return (
        ("yancheng.art15.unified-recruitment", lambda a, c: _eq(a, "recruited_by", "township_unified")),
        ("yancheng.art16.political-integrity", lambda a, c: _eq(c, "political_integrity", True)),
        ("yancheng.art16.adult-citizen", adult_citizen),
        ("yancheng.art16.education-and-ability", lambda a, c: _eq(c, "education_ok", True)),
        ("yancheng.art16.physical-fitness", lambda a, c: _eq(c, "health_ok", True)),
        ("yancheng.art16.no-criminal-record",
         lambda a, c: _not(_any(_eq(c, "criminal_record", True), _eq(c, "under_investigation", True)))),
        ("yancheng.art16.no-detention",
         lambda a, c: _not(_any(_eq(c, "administrative_detention", True), _eq(c, "judicial_detention", True)))),
        ("yancheng.art16.not-dismissed", lambda a, c: _not(_eq(c, "dismissed_from_public_office", True))),
        ("yancheng.art16.not-dishonest", lambda a, c: _not(_eq(c, "dishonest_person", True))),
        ("yancheng.art43.pre-job-training", lambda a, c: _not(_eq(c, "pre_job_training", False))),
    )


def _not(x):
    return None if x is None else not x


def closure_answers(acts: list[dict]) -> list[tuple[str, tuple, tuple]]:
    checks = _closures()
    out = []
    for a in acts:
        if a["date"] < EFFECTIVE:
            out.append(("not_in_force", (), ()))
            continue
        c = a["candidate"]
        violated, unknown = [], []
        for rule_id, fn in checks:
            ok = fn(a, c)
            if ok is False:
                violated.append(rule_id)
            elif ok is None:
                unknown.append(rule_id)
        out.append(("non_compliant" if violated else "insufficient_facts" if unknown else "compliant",
                    tuple(violated), tuple(unknown)))
    return out


def gridlaw_answers(acts: list[dict]) -> list[tuple[str, tuple, tuple]]:
    """Per-record output through the public library API: ``gridlaw.check_many`` (validated and evaluated by
    column, each answer exactly what ``gridlaw.check`` gives the act alone), as (decision, violated, unknown)."""
    import gridlaw

    return [c[:3] for c in gridlaw.check_many(acts)]


# --------------------------------------------------------------------------- (c) the township sheet

HEADERS = ["序号", "姓名", "性别", "身份证号", "出生日期", "政治面貌", "招聘方式", "是否中国公民", "政审结论", "学历是否符合",
           "体检结论", "是否受过刑事处罚", "是否涉嫌犯罪尚未结案", "是否受过行政拘留", "有无司法拘留", "曾被开除公职",
           "是否失信被执行人", "岗前培训", "是否受过治安处罚", "联系电话", "所属镇街", "所属网格", "报名日期"]
# fact columns: header, the compliant answer, the other answer (blank = unknown)
YES_NO = [("是否中国公民", "是", "否"), ("政审结论", "合格", "不合格"), ("学历是否符合", "是", "否"), ("体检结论", "合格", "不合格"),
          ("是否受过刑事处罚", "否", "是"), ("是否涉嫌犯罪尚未结案", "否", "是"), ("是否受过行政拘留", "否", "是"),
          ("有无司法拘留", "无", "有"), ("曾被开除公职", "否", "是"), ("是否失信被执行人", "否", "是"), ("岗前培训", "是", "否")]
SURNAMES = list("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤")
GIVEN = list("伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉萍红娥玲芬燕彬鹏辉斌宇浩凯健俊帆帅旭宁龙林欣瑶婷雪梅琳晨阳")
TOWNS = ["文峰街道", "五星街道", "大洋街道", "先锋街道", "黄尖镇", "南洋镇", "新兴镇", "盐东镇", "便仓镇", "步凤镇"]


def _written(days, how):
    """datetime64[D] array → strings written three ways: 2024-05-06, 2024/5/6, 2024年5月6日."""
    import numpy as np

    out = []
    for iso, h in zip(np.datetime_as_string(days, unit="D").tolist(), how.tolist()):
        y, m, d = iso[:4], iso[5:7].lstrip("0"), iso[8:].lstrip("0")
        out.append(iso if h == 0 else f"{y}/{m}/{d}" if h == 1 else f"{y}年{m}月{d}日")
    return np.array(out, dtype=object)


def write_township_csv(n: int, path: Path, seed: int = SEED) -> None:
    import numpy as np

    rng = np.random.default_rng(seed)
    date = np.datetime64("2021-06-01") + rng.integers(0, 1600, n).astype("timedelta64[D]")   # ~12% before 施行
    birth = date - rng.integers(16 * 365, 60 * 365, n).astype("timedelta64[D]")
    cols: dict[str, np.ndarray] = {}
    cols["序号"] = np.arange(1, n + 1).astype(str).astype(object)
    cols["姓名"] = (np.array(SURNAMES, dtype=object)[rng.integers(0, len(SURNAMES), n)]
                  + np.array(GIVEN, dtype=object)[rng.integers(0, len(GIVEN), n)]
                  + np.where(rng.random(n) < 0.6, np.array(GIVEN, dtype=object)[rng.integers(0, len(GIVEN), n)], ""))
    cols["性别"] = np.where(rng.random(n) < 0.5, "男", "女").astype(object)
    # 身份证号: 6-digit place, birth date, 3-digit sequence, ISO 7064 check character
    ymd = np.char.replace(np.datetime_as_string(birth, unit="D"), "-", "")
    # place codes as they stood at birth: 盐城 counties are 3209xx from 1983, 3224xx before (as real numbers are; gridlaw checks date and check character only)
    pick = rng.integers(0, 4, n)
    place = np.where(birth < np.datetime64("1983-01-01"), np.array(["322421", "322422", "322423", "322424"])[pick],
                     np.array(["320921", "320922", "320923", "320924"])[pick])
    body = np.char.add(np.char.add(place, ymd),
                       np.char.zfill(rng.integers(0, 1000, n).astype(str), 3))
    digits = np.frombuffer("".join(body.tolist()).encode(), dtype=np.uint8).reshape(n, 17) - 48
    weights = np.array([7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2])
    check = np.array(list("10X98765432"), dtype=object)[(digits * weights).sum(axis=1) % 11]
    cols["身份证号"] = body.astype(object) + check
    born = _written(birth, rng.integers(0, 3, n))
    born[rng.random(n) < 0.02] = ""               # blank: read from the ID number
    cols["出生日期"] = born
    cols["政治面貌"] = np.array(["群众", "中共党员", "共青团员"], dtype=object)[rng.integers(0, 3, n)]
    rec = np.where(rng.random(n) < 0.97, "统一招聘", "自行招聘").astype(object)
    rec[rng.random(n) < 0.02] = ""
    cols["招聘方式"] = rec
    for header, good, bad in YES_NO:
        cell = np.where(rng.random(n) < 0.02, bad, good).astype(object)
        cell[rng.random(n) < 0.03] = ""
        cols[header] = cell
    cols["是否受过治安处罚"] = np.where(rng.random(n) < 0.02, "是", "否").astype(object)   # no fact: a warning, no effect
    cols["联系电话"] = np.char.add(np.array(["138", "139", "150", "151", "187", "189"])[rng.integers(0, 6, n)],
                               np.char.zfill(rng.integers(0, 10 ** 8, n).astype(str), 8)).astype(object)
    cols["所属镇街"] = np.array(TOWNS, dtype=object)[rng.integers(0, len(TOWNS), n)]
    cols["所属网格"] = "第" + rng.integers(1, 60, n).astype(str).astype(object) + "网格"
    cols["报名日期"] = _written(date, rng.integers(0, 3, n))
    assert list(cols) == HEADERS and len(HEADERS) == 23
    tmp = path.with_suffix(".tmp")
    with open(tmp, "w", encoding="utf-8", newline="") as fh:
        fh.write(",".join(HEADERS) + "\n")
        values = [cols[h].tolist() for h in HEADERS]
        for start in range(0, n, 100_000):
            fh.write("\n".join(map(",".join, zip(*(v[start:start + 100_000] for v in values)))) + "\n")
    tmp.replace(path)


def _polars_decisions(csv: Path):
    """The decision per row, as a polars user would write it: one expression over the CSV."""
    import polars as pl

    def day(c):
        s = pl.col(c)
        return pl.coalesce(s.str.to_date("%Y-%m-%d", strict=False), s.str.to_date("%Y/%-m/%-d", strict=False),
                           s.str.to_date("%Y年%-m月%-d日", strict=False))

    def yes(c, good):            # True when the compliant answer, False when the other, null when blank
        return pl.when(pl.col(c).is_null()).then(None).otherwise(pl.col(c) == good)

    birth = pl.coalesce(day("出生日期"), pl.col("身份证号").str.slice(6, 8).str.to_date("%Y%m%d", strict=False))
    date = day("报名日期")
    age = (date.dt.year().cast(pl.Int32) - birth.dt.year().cast(pl.Int32)
           - ((date.dt.month().cast(pl.Int32) * 100 + date.dt.day().cast(pl.Int32))
              < (birth.dt.month().cast(pl.Int32) * 100 + birth.dt.day().cast(pl.Int32))).cast(pl.Int32))
    # a valid mainland ID number settles citizenship when 是否中国公民 is blank (gridlaw.audit.birth; every
    # generated number is one)
    citizen = pl.coalesce(yes("是否中国公民", "是"), pl.when(pl.col("身份证号").is_not_null()).then(pl.lit(True)))
    checks = [yes("招聘方式", "统一招聘"), yes("政审结论", "合格"), (age >= 18) & citizen,
              yes("学历是否符合", "是"), yes("体检结论", "合格"),
              yes("是否受过刑事处罚", "否") & yes("是否涉嫌犯罪尚未结案", "否"),
              yes("是否受过行政拘留", "否") & yes("有无司法拘留", "无"), yes("曾被开除公职", "否"),
              yes("是否失信被执行人", "否"), yes("岗前培训", "是")]
    # the national floor (劳动法 第十五条: no hire under sixteen) holds before the city's regulation too
    decision = (pl.when(age < 16).then(pl.lit("non_compliant"))
                .when(date < pl.lit(EFFECTIVE)).then(pl.lit("not_in_force"))
                .when(pl.any_horizontal([c.not_() for c in checks]).fill_null(False)).then(pl.lit("non_compliant"))
                .when(pl.any_horizontal([c.is_null() for c in checks])).then(pl.lit("insufficient_facts"))
                .otherwise(pl.lit("compliant")))
    return pl.read_csv(csv, infer_schema=False).select(decision.alias("decision"))["decision"].to_list()


def _duckdb_decisions(csv: Path):
    import duckdb

    def day(c):
        return (f"coalesce(try_strptime({c}, '%Y-%m-%d'), try_strptime({c}, '%Y/%-m/%-d'), "
                f"try_strptime({c}, '%Y年%-m月%-d日'))::DATE")

    def yes(c, good):
        return f"CASE WHEN {c} IS NULL THEN NULL ELSE {c} = '{good}' END"

    citizen = f"coalesce({yes('是否中国公民', '是')}, CASE WHEN 身份证号 IS NOT NULL THEN true END)"
    checks = [yes("招聘方式", "统一招聘"), yes("政审结论", "合格"), f"(age >= 18 AND {citizen})",
              yes("学历是否符合", "是"), yes("体检结论", "合格"),
              f"({yes('是否受过刑事处罚', '否')} AND {yes('是否涉嫌犯罪尚未结案', '否')})",
              f"({yes('是否受过行政拘留', '否')} AND {yes('有无司法拘留', '无')})", yes("曾被开除公职", "否"),
              yes("是否失信被执行人", "否"), yes("岗前培训", "是")]
    query = f"""
      WITH t AS (SELECT *, {day('报名日期')} AS d,
                 coalesce({day('出生日期')}, try_strptime(substr(身份证号, 7, 8), '%Y%m%d')::DATE) AS b
                 FROM read_csv('{csv}', all_varchar = true, header = true)),
           a AS (SELECT *, year(d) - year(b) - CASE WHEN month(d) * 100 + day(d) < month(b) * 100 + day(b)
                 THEN 1 ELSE 0 END AS age FROM t)
      SELECT CASE WHEN age < 16 THEN 'non_compliant'
                  WHEN d < DATE '{EFFECTIVE}' THEN 'not_in_force'
                  WHEN {' OR '.join(f'coalesce(NOT {c}, false)' for c in checks)} THEN 'non_compliant'
                  WHEN {' OR '.join(f'({c}) IS NULL' for c in checks)} THEN 'insufficient_facts'
                  ELSE 'compliant' END FROM a"""
    con = duckdb.connect()
    con.execute("SET preserve_insertion_order = true")
    return [r[0] for r in con.execute(query).fetchall()]


def child_run(cmd: list[str]) -> dict:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {"wall": wall, "cpu": cpu, "rc": proc.returncode, "stdout": proc.stdout, "stderr": proc.stderr}


def in_child(fn_name: str, csv: Path) -> dict:
    """Run a peer in its own process, so that its wall and CPU time are its own (and its threads are counted)."""
    code = (f"import sys, json; sys.path.insert(0, {str(HERE)!r}); import budgets; from pathlib import Path; "
            f"out = budgets.{fn_name}(Path({str(csv)!r})); "
            f"json.dump(out, open({str(DATA / (fn_name + '.json'))!r}, 'w'))")
    r = child_run([sys.executable, "-c", code])
    r["decisions"] = json.loads((DATA / (fn_name + ".json")).read_text()) if r["rc"] == 0 else None
    return r


def gridlaw_exe() -> str:
    near = Path(sys.executable).with_name("gridlaw")
    return str(near) if near.exists() else (shutil.which("gridlaw") or "gridlaw")


def ensure_sheet(csv: Path, write, line: str, notes: list[str]) -> None:
    """Generate a benchmark sheet once (benchmarks/data/ keeps it between runs) and note what it cost."""
    if csv.exists():
        return
    t = clock()
    write()
    notes.append(f"{line} sheet written in {since(t)[0]:.1f} s: {csv.relative_to(ROOT)}, {csv.stat().st_size / 1e6:.0f} MB")


# --------------------------------------------------------------------------- main


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--acts", type=int, default=None, help="acts for (a) and (b) (default 200,000)")
    ap.add_argument("--rows", type=int, default=None, help="rows of the township sheet for (c) (default 1,000,000)")
    ap.add_argument("--only", default="a,b,c,d,s", help="which lines: a,b,c,d,s")
    ap.add_argument("--task-rows", type=int, default=None, help="rows of the task sheet for (d) (default 1,000,000)")
    ap.add_argument("--durable-seconds", type=float, default=None)
    ap.add_argument("--exe", default=None, help="the gridlaw entry point for (c) and (s), e.g. a non-editable "
                                                 "install's .venv-ne/bin/gridlaw (default: beside this python)")
    args = ap.parse_args(argv)
    only = set(args.only.split(","))
    n_acts = args.acts or (5_000 if args.quick else 200_000)
    rows = args.rows or (20_000 if args.quick else 1_000_000)
    runs = 5 if args.quick else 15

    import gridlaw

    cpu = next((ln.split(":", 1)[1].strip() for ln in Path("/proc/cpuinfo").read_text().splitlines()
                if ln.startswith("model name")), platform.processor())
    print(f"machine: nproc={os.cpu_count()}, {cpu}; python {platform.python_version()}; gridlaw {gridlaw.__version__} "
          f"({Path(gridlaw.__file__).parent})")
    start_load = ' '.join(f'{x:.2f}' for x in os.getloadavg())
    print(f"load average at the start: {start_load}\n")
    DATA.mkdir(exist_ok=True)
    table: list[tuple[str, ...]] = []
    notes: list[str] = []
    failed = False

    if only & {"a", "b"}:
        from bench import act_dicts, hire_columns

        acts = act_dicts(hire_columns(n_acts), n_acts)
        for a in acts:      # the dicts a platform passes: plain Python values, ISO strings for dates
            a["date"] = a["date"].isoformat()
            if "birth_date" in a["candidate"]:
                a["candidate"]["birth_date"] = a["candidate"]["birth_date"].isoformat()
        as_dates = [{**a, "date": dt.date.fromisoformat(a["date"]), "candidate": {
            **a["candidate"], **({"birth_date": dt.date.fromisoformat(a["candidate"]["birth_date"])}
                                 if "birth_date" in a["candidate"] else {})}} for a in acts]

    if "a" in only:
        gridlaw_answers(acts[:1000])                 # warm: load the packs, compile the program once
        t = clock()
        want = closure_answers(as_dates)
        w_cl, c_cl = since(t)
        t = clock()
        got = gridlaw_answers(acts)
        w_gl, c_gl = since(t)
        agree = sum(g == w for g, w in zip(got, want))
        failed |= agree != len(acts)
        table.append(("(a) closures: decision + violated + unknown ids per act, from dicts (dates as dates)",
                      f"{n_acts:,} acts", f"{w_cl:.2f} s / {c_cl:.2f} s", f"{n_acts / c_cl:,.0f}/s", ""))
        table.append(("(a) gridlaw.check_many: decision + violated + unknown ids per act, from dicts (ISO dates)",
                      f"{n_acts:,} acts", f"{w_gl:.2f} s / {c_gl:.2f} s", f"{n_acts / c_gl:,.0f}/s",
                      f"{c_cl / c_gl:.2f}× closures (≥ 0.5×)"))
        notes.append(f"(a) gridlaw and the closures agree on {agree:,}/{len(acts):,} acts (decision, violated ids, "
                     f"unknown ids); ratio on CPU time")

    if "b" in only:
        from gridlaw.api import act_data

        n_b = min(n_acts, 20_000 if not args.quick else 2_000)
        sample = acts[:n_b]
        gridlaw.check(sample[0])
        t = clock()
        decisions = [gridlaw.check(a).decision for a in sample]
        w_b, c_b = since(t)
        t = clock()
        for a in sample:
            act_data(a)
        w_in, c_in = since(t)
        want = [w[0] for w in closure_answers(as_dates[:n_b])]
        agree = sum(g == w for g, w in zip(decisions, want))
        failed |= agree != n_b
        table.append(("(b) gridlaw.check(dict), one act per call, national + Yancheng", f"{n_b:,} acts",
                      f"{w_b:.2f} s / {c_b:.2f} s", f"{n_b / c_b:,.0f}/s", "≥ 10,000/s"))
        table.append(("(b)   of which the input side: act_data (validate + normalise the dict)", f"{n_b:,} acts",
                      f"{w_in:.2f} s / {c_in:.2f} s", f"{n_b / c_in:,.0f}/s", f"{c_in / c_b:.0%} of a call"))
        notes.append(f"(b) decisions agree with the closures on {agree:,}/{n_b:,} acts")
        try:
            from bench import durable_facts, load_oracle

            from bench import hire_columns as _hc
            oracle = load_oracle()
            budget = args.durable_seconds or (2.0 if args.quick else 15.0)
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            res = oracle.durable_isolated(durable_facts(_hc(n_acts), n_acts), "budget_hire", budget_s=budget,
                                          timeout_s=budget * 4 + 60)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu_d = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime   # the whole child
            table.append(("(b) durable-rules assert/retract per act, same rules (child process)",
                          f"{res['done']:,} acts", f"{res['seconds']:.2f} s / {cpu_d:.2f} s (whole child)",
                          f"{res['done'] / cpu_d:,.0f}/s (≥)",
                          f"gridlaw.check = {(n_b / c_b) / (res['done'] / cpu_d):.1f}× (CPU)"))
        except Exception as exc:     # report, go on
            notes.append(f"(b) durable-rules failed: {exc!r}")

    if "c" in only:
        csv = DATA / f"township_{rows}_{SEED}.csv"
        ensure_sheet(csv, lambda: write_township_csv(rows, csv), "(c)", notes)
        out = DATA / "township_results.jsonl"
        cmd = [args.exe or gridlaw_exe(), "audit", str(csv), "--kind", "hire", "--city", "yancheng", "--role", "full_time",
               "--out", str(out), "--no-list"]
        if out.exists():
            out.unlink()
        g = child_run(cmd)
        c_ok = g["rc"] in (0, 1, 3)           # 1, 3: decisions; anything else is a failure to report
        if not c_ok:
            failed = True
            notes.append(f"(c) gridlaw audit failed, rc {g['rc']}: {g['stderr'][-400:]}")
        peers = {}
        for name, fn in (("polars", "_polars_decisions"), ("duckdb", "_duckdb_decisions")):
            try:
                peers[name] = in_child(fn, csv)
            except Exception as exc:
                notes.append(f"(c) {name} failed: {exc!r}")
        got = []
        if out.exists():
            with open(out, encoding="utf-8") as fh:
                got = [json.loads(line)["decision"] for line in fh]
        fastest = min((p["wall"] for p in peers.values() if p["rc"] == 0), default=None)
        fastest_cpu = min((p["cpu"] for p in peers.values() if p["rc"] == 0), default=None)
        table.append(("(c) gridlaw audit, township sheet → JSONL, end to end", f"{rows:,} rows",
                      f"{g['wall']:.2f} s / {g['cpu']:.2f} s" if c_ok else f"FAILED (rc {g['rc']})",
                      f"{rows / g['cpu']:,.0f} rows/s" if c_ok else "",
                      f"{g['wall'] / fastest:.1f}× wall, {g['cpu'] / fastest_cpu:.1f}× CPU of the faster (≤ 3×)"
                      if fastest and c_ok else "≤ 3× the faster"))
        for name, p in peers.items():
            if p["rc"] != 0:
                notes.append(f"(c) {name}: rc {p['rc']}: {p['stderr'][-400:]}")
                failed = True
                continue
            agree = sum(a == b for a, b in zip(got, p["decisions"]))
            failed |= agree != rows
            table.append((f"(c) {name}: read the same CSV, the same decision per row", f"{rows:,} rows",
                          f"{p['wall']:.2f} s / {p['cpu']:.2f} s", f"{rows / p['cpu']:,.0f} rows/s", ""))
            notes.append(f"(c) {name} agrees with gridlaw on {agree:,}/{rows:,} rows")
        from collections import Counter

        notes.append(f"(c) gridlaw rc {g['rc']} (1/3 are decisions), decisions {dict(Counter(got))}")

    if "d" in only:
        from reading import write_csv as write_task_csv

        task_rows = args.task_rows or (20_000 if args.quick else 1_000_000)
        csv = DATA / f"assign_distinct_{task_rows}_{SEED}.csv"
        ensure_sheet(csv, lambda: write_task_csv(csv, task_rows), "(d)", notes)
        out = DATA / "task_results.jsonl"
        g = child_run([args.exe or gridlaw_exe(), "audit", str(csv), "--kind", "assignment", "--city", "yancheng",
                       "--out", str(out), "--no-list"])
        lines = sum(1 for _ in out.open("rb")) if out.exists() else 0
        d_ok = g["rc"] in (0, 1, 3) and lines == task_rows
        if not d_ok:
            failed = True
            notes.append(f"(d) gridlaw audit rc {g['rc']}, {lines:,} lines: {g['stderr'][-400:]}")
        table.append(("(d) gridlaw audit, task sheet, every text distinct → JSONL, end to end", f"{task_rows:,} rows",
                      f"{g['wall']:.2f} s / {g['cpu']:.2f} s" if d_ok else f"FAILED (rc {g['rc']})",
                      f"{task_rows / g['cpu']:,.0f} rows/s" if d_ok else "", "≤ 30 s wall"))
        notes.append(f"(d) {lines:,} result lines; CPU ÷ wall = {g['cpu'] / g['wall']:.2f} cores (CPU: gridlaw and "
                     "the child process that reads task texts beside it)")

    if "s" in only:
        exe = args.exe or gridlaw_exe()
        for label, argv_, target in (("gridlaw --version", ["--version"], "≤ 80 ms"),
                                     ("gridlaw check examples/hire.yaml", ["check", str(ROOT / "examples" / "hire.yaml")],
                                      "≤ 200 ms")):
            child_run([exe, *argv_])             # the first run may write the pack cache
            rs = [child_run([exe, *argv_]) for _ in range(runs)]
            walls, cpus = sorted(r["wall"] for r in rs), sorted(r["cpu"] for r in rs)
            table.append((f"(s) {label}, cold process", f"median of {runs}",
                          f"{statistics.median(walls) * 1000:.0f} ms / {statistics.median(cpus) * 1000:.0f} ms",
                          f"min {walls[0] * 1000:.0f} ms", target))
        notes.append(f"(s) entry point {exe}")

    heads = ("measure", "size", "wall / CPU", "rate (per CPU s)", "target")
    widths = [max(_w(str(r[i])) for r in [heads, *table]) for i in range(5)]
    print("  ".join(_pad(h, w) for h, w in zip(heads, widths)))
    print("  ".join("-" * w for w in widths))
    for row in table:
        print("  ".join(_pad(str(c), w) for c, w in zip(row, widths)))
    end_load = ' '.join(f'{x:.2f}' for x in os.getloadavg())
    print(f"\nload average at the end: {end_load}")
    for note in notes:
        print(note)
    # the same table as the README carries it ("Start-up and the budgets of issue 15"), to paste as it is
    print(f"\n{dt.datetime.now(dt.timezone.utc):%Y-%m-%d %H:%M} UTC, nproc={os.cpu_count()}, load average "
          f"{start_load} at the start, {end_load} at the end; gridlaw {args.exe or gridlaw_exe()}\n")
    print("| " + " | ".join(heads) + " |")
    print("|" + "|".join("---" for _ in heads) + "|")
    for row in table:
        print("| " + " | ".join(str(c) for c in row) + " |")
    return 1 if failed else 0


def _w(s: str) -> int:
    import unicodedata
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)


def _pad(s: str, w: int) -> str:
    return s + " " * (w - _w(s))


if __name__ == "__main__":
    sys.exit(main())
