"""Parquet in and out, one process, and the in-memory audit (gridlaw.audit_table)."""
from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pcsv
import pyarrow.parquet as pq
import pytest

import gridlaw
from gridlaw.audit.arrowio import open_dataset
from gridlaw.audit.run import AuditConfig, run_audit
from parquet_data import HEADER, hire_rows, hive_dataset, write_dataset

DAY = dt.date(2024, 5, 6)
KEY = ["row", "city", "decision", "violated_rules", "review_rules", "missing_facts", "reason"]


def audit(path: Path, out: Path | None = None, **kw) -> object:
    cfg = AuditConfig(file=path, kind="hire", city="yancheng", date=DAY, out=out, listing="none", progress=False, **kw)
    return run_audit(cfg)


def rows_of(table: pa.Table, cols=KEY) -> list[tuple]:
    t = table.select([c for c in cols if c in table.column_names]).sort_by([("row", "ascending"), ("city", "ascending")])
    return [tuple(tuple(v) if isinstance(v, list) else v for v in r.values()) for r in t.to_pylist()]


def test_hive_folder_is_listed_in_order_with_global_row_ids(tmp_path):
    root = hive_dataset(tmp_path / "ds", rows=40)
    ds = open_dataset(root)
    assert [p.key for p in ds.parts] == ["province=江苏/year=2023/part-0.parquet", "province=江苏/year=2024/part-0.parquet",
                                         "province=江苏/year=2024/part-1.parquet", "province=浙江/year=2024/part-0.parquet"]
    assert ds.key_names == ["province", "year"]
    sizes = [pq.ParquetFile(root / p.rel).metadata.num_rows for p in ds.parts]
    assert [p.rows for p in ds.parts] == sizes
    assert [p.offset for p in ds.parts] == [0, sizes[0], sum(sizes[:2]), sum(sizes[:3])]
    assert dict(ds.parts[3].keys) == {"province": "浙江", "year": "2024"}


def test_every_row_is_accounted_for_across_files(tmp_path):
    root = hive_dataset(tmp_path / "ds", rows=120)
    run = audit(root, tmp_path / "out.parquet")
    c = run.collector
    total = open_dataset(root).rows
    # one blank and one note row per file: counted apart, never audited
    assert c.blank == 4 and sum(run.skipped.values()) == 4
    assert c.rows_in == total - 8 == c.evaluated + c.rejected
    assert c.rejected > 0                                   # bad dates and unknown roles
    out = pq.read_table(tmp_path / "out.parquet")
    assert out.num_rows == c.rows_in and len(set(out.column("row").to_pylist())) == c.rows_in
    # rows keep their folder's keys
    first_zj = open_dataset(root).parts[3].first_row
    zj = out.filter(pa.compute.greater_equal(out.column("row"), first_zj))
    assert set(zj.column("province").to_pylist()) == {"浙江"} and set(zj.column("year").to_pylist()) == {"2024"}
    manifest = json.loads((tmp_path / "out.parquet.manifest.json").read_text())
    assert manifest["rows"] == c.rows_in and manifest["files"][0]["rows"] == c.rows_in


def test_parquet_gives_the_decisions_of_the_same_rows_as_csv(tmp_path):
    table = hire_rows(400, 11)
    pq.write_table(table, tmp_path / "h.parquet")
    pcsv.write_csv(table, tmp_path / "h.csv")
    audit(tmp_path / "h.parquet", tmp_path / "p.parquet")
    audit(tmp_path / "h.csv", tmp_path / "c.jsonl")
    par = {r["row"]: r for r in pq.read_table(tmp_path / "p.parquet").to_pylist()}
    csv_rows = [json.loads(line) for line in (tmp_path / "c.jsonl").read_text().splitlines()]
    assert len(csv_rows) == len(par) > 350
    for r in csv_rows:
        p = par[r["row"] - 1]                  # CSV rows count the header line; Parquet rows start at 1
        assert p["decision"] == r["decision"]
        assert p["violated_rules"] == [v["rule"] for v in r["violated"]]
        assert p["review_rules"] == [v["rule"] for v in r["review"]]
    assert {p["decision"] for p in par.values()} >= {"non_compliant", "insufficient_facts", "unreadable"}


def test_typed_columns_read_as_the_text_a_sheet_would_hold(tmp_path):
    typed = hire_rows(300, 5, typed=True, extras=False)
    text = {}
    for name in typed.column_names:
        col = typed.column(name)
        if pa.types.is_boolean(col.type):
            text[name] = pa.array([None if v is None else ("是" if v else "否") for v in col.to_pylist()], pa.string())
        elif pa.types.is_date(col.type):
            text[name] = pa.array([v.isoformat() for v in col.to_pylist()], pa.string())
        else:
            text[name] = col
    a = gridlaw.audit_table(typed, kind="hire", city="yancheng", date=DAY)
    b = gridlaw.audit_table(pa.table(text), kind="hire", city="yancheng", date=DAY)
    assert rows_of(a) == rows_of(b)
    assert "unreadable" not in a.column("decision").to_pylist()     # true/false and dates are read, not refused


def test_results_partitioned_like_the_input(tmp_path):
    root = hive_dataset(tmp_path / "ds", rows=60)
    run = audit(root, tmp_path / "res", partition_by=["province", "year"])
    files = sorted(p.relative_to(tmp_path / "res").as_posix() for p in (tmp_path / "res").rglob("*.parquet"))
    assert files == ["province=江苏/year=2023/part-0.parquet", "province=江苏/year=2024/part-0.parquet",
                     "province=江苏/year=2024/part-1.parquet", "province=浙江/year=2024/part-0.parquet"]
    # read back as a hive dataset: each row under the folder of its input
    back = pq.read_table(tmp_path / "res")
    assert back.num_rows == run.collector.rows_in
    ds = open_dataset(root)
    for part in ds.parts:
        got = pq.read_table(tmp_path / "res" / part.rel).column("row").to_pylist()
        assert got and min(got) >= part.first_row and max(got) < part.first_row + part.rows
    manifest = json.loads((tmp_path / "res" / "_manifest.json").read_text())
    assert sorted(f["file"] for f in manifest["files"]) == files
    assert sum(f["rows"] for f in manifest["files"]) == run.collector.rows_in


def test_flat_results_folder_keeps_names_apart(tmp_path):
    root = hive_dataset(tmp_path / "ds", rows=30)
    audit(root, tmp_path / "res")
    names = sorted(p.name for p in (tmp_path / "res").glob("*.parquet"))
    assert len(names) == 4 and len(set(names)) == 4


def test_in_memory_api_takes_arrow_pandas_and_polars():
    pd = pytest.importorskip("pandas")
    pl = pytest.importorskip("polars")
    table = hire_rows(200, 7, extras=False)
    want = gridlaw.audit_table(table, kind="hire", city="yancheng", role="full_time", date="2024-05-06")
    assert want.num_rows == 200 and want.column("row").to_pylist() == list(range(200))
    assert set(want.column_names) >= {"decision", "violated_rules", "review_rules", "missing_facts", "reason"}
    for other in (table.to_batches(max_chunksize=200)[0], table.to_pandas(), pl.from_arrow(table)):
        got = gridlaw.audit_table(other, kind="hire", city="yancheng", role="full_time", date="2024-05-06")
        assert rows_of(got) == rows_of(want), type(other)
    # the same rows through a file give the same decisions
    assert isinstance(pd.DataFrame(), pd.DataFrame)


def test_in_memory_equals_the_file_audit(tmp_path):
    table = hire_rows(250, 8)
    pq.write_table(table, tmp_path / "h.parquet")
    audit(tmp_path / "h.parquet", tmp_path / "r.parquet")
    from_file = pq.read_table(tmp_path / "r.parquet")
    mem = gridlaw.audit_table(table, kind="hire", city="yancheng", date=DAY, first_row=1)
    assert rows_of(mem) == rows_of(from_file)


def test_results_name_the_deciding_rules():
    out = gridlaw.audit_table(hire_rows(400, 12, extras=False), kind="hire", city="yancheng", date=DAY).to_pylist()
    seen = set()
    for r in out:
        seen.add(r["decision"])
        if r["decision"] == "non_compliant":
            assert r["deciding_rules"] == r["violated_rules"] != []
        elif r["decision"] == "needs_review":
            assert r["deciding_rules"] == r["review_rules"] != []
        elif r["decision"] in ("compliant", "insufficient_facts"):
            assert r["deciding_rules"] and not set(r["deciding_rules"]) & set(r["violated_rules"])
        else:
            assert r["deciding_rules"] == []
    assert seen >= {"non_compliant", "insufficient_facts", "unreadable"}


def test_in_memory_all_cities_gives_a_row_per_pack():
    table = hire_rows(50, 9, extras=False)
    out = gridlaw.audit_table(table, kind="hire", city="all", date=DAY)
    cities = set(out.column("city").to_pylist())
    assert len(cities) >= 5 and out.num_rows == 50 * len(cities)


def test_in_memory_refuses_what_is_not_a_table():
    with pytest.raises(TypeError, match="pyarrow Table"):
        gridlaw.audit_table([{"a": 1}], kind="hire", city="yancheng")
    with pytest.raises(gridlaw.InputError):
        gridlaw.audit_table(hire_rows(3, 1, extras=False), kind="hire", city="nowhere")


def _cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "gridlaw.cli", "audit", *args], cwd=cwd, capture_output=True,
                          text=True, timeout=300)


def test_cli_reads_a_parquet_folder_and_says_where_a_bad_file_is(tmp_path):
    root = hive_dataset(tmp_path / "ds", rows=20)
    r = _cli(str(root), "--kind", "hire", "--city", "yancheng", "--date", "2024-05-06", "--out", "res/",
             "--partition-by", "province,year", "--no-list", cwd=tmp_path)
    assert r.returncode == 1, r.stderr
    # the format in words on a Chinese summary (issue 18: no format codes)
    assert "列式数据文件 · 4 个文件 · 分区 province/year" in r.stderr and "读入" in r.stderr
    bad = root / "province=江苏/year=2025/broken.parquet"
    bad.parent.mkdir(parents=True)
    bad.write_bytes(b"PAR1 not really")
    r = _cli(str(root), "--kind", "hire", "--city", "yancheng", "--out", "res2/", cwd=tmp_path)
    assert r.returncode == 4 and "broken.parquet" in r.stderr and "Parquet" in r.stderr and "Traceback" not in r.stderr
    r = _cli(str(root), "--kind", "hire", "--city", "yancheng", "--out", str(root / "res"), cwd=tmp_path)
    assert r.returncode == 4 and "输入" in r.stderr


def test_blank_header_column_names_are_data_not_a_crash(tmp_path):
    write_dataset(tmp_path / "d", {"a.parquet": pa.table({HEADER[2]: ["1990-01-01", None], "x": [None, None]})})
    run = audit(tmp_path / "d", tmp_path / "o.parquet")
    assert run.collector.rows_in == 1 and run.collector.blank == 1


def test_hive_folders_written_by_pyarrow_are_decoded(tmp_path):
    t = hire_rows(20, 13, extras=False).append_column("province", pa.array(["江苏"] * 10 + ["a b/c"] * 10))
    pq.write_to_dataset(t, tmp_path / "ds", partition_cols=["province"])     # province=%E6%B1%9F%E8%8B%8F/…
    ds = open_dataset(tmp_path / "ds")
    assert sorted(dict(p.keys)["province"] for p in ds.parts) == ["a b/c", "江苏"]
    audit(tmp_path / "ds", tmp_path / "res", partition_by=["province"])
    back = pq.read_table(tmp_path / "res", columns=["row", "province"])
    assert sorted(set(back.column("province").to_pylist())) == ["a b/c", "江苏"] and back.num_rows == 20


def test_each_row_answers_as_gridlaw_check_does():
    """Decision, deciding rules and the verdict on each question, row by row, against the scalar check."""
    import random

    r = random.Random(99)
    facts = ["citizen", "political_integrity", "education_ok", "health_ok", "criminal_record", "under_investigation",
             "administrative_detention", "judicial_detention", "dismissed_from_public_office", "dishonest_person",
             "pre_job_training"]
    acts, rows = [], []
    for i in range(150):
        act = {"kind": "hire", "city": "yancheng", "date": r.choice(["2024-05-06", "2019-03-01"]),
               "role": r.choice(["full_time", "part_time", "grid_leader"]), "candidate": {}}
        row = {"date": act["date"], "role": act["role"], "recruited_by": None}
        if r.random() < 0.8:
            act["recruited_by"] = row["recruited_by"] = r.choice(["township_unified", "other"])
        if r.random() < 0.9:
            act["candidate"]["birth_date"] = row["candidate.birth_date"] = \
                f"{r.randint(1960, 2008)}-{r.randint(1, 12):02d}-{r.randint(1, 28):02d}"
        for f in facts:
            v = r.choice([True, False, False, None]) if f not in ("citizen", "health_ok") else r.choice([True, None])
            row[f"candidate.{f}"] = None if v is None else ("是" if v else "否")
            if v is not None:
                act["candidate"][f] = v
        acts.append(act)
        rows.append(row)
    names = sorted({k for row in rows for k in row})
    table = pa.table({k: pa.array([row.get(k) for row in rows], pa.string()) for k in names})
    out = gridlaw.audit_table(table, kind="hire", city="yancheng").to_pylist()
    assert [o["row"] for o in out] == list(range(150))
    for act, o in zip(acts, out):
        d = gridlaw.check(act)
        assert o["decision"] == d.decision, act
        assert o["deciding_rules"] == list(d.deciding_rules), act
        want = {q["question"]: q["verdict"] for q in d.to_dict()["questions"]}
        assert json.loads(o["question_verdicts"]) == want, act
