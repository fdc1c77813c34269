"""gridlaw audit --engine dask: the same decisions as one process, on a LocalCluster of two workers;
a worker killed mid-part and a driver killed mid-run lose nothing and do no part twice."""
from __future__ import annotations

import dataclasses
import datetime as dt
import json
import logging
import os
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from gridlaw.audit.arrowio import open_dataset
from gridlaw.audit.distributed import DaskOptions, run_dask
from gridlaw.audit.run import AuditConfig, run_audit
from parquet_data import hire_rows, hive_dataset, write_dataset

DAY = dt.date(2024, 5, 6)
KEY = ["row", "city", "decision", "violated_rules", "review_rules", "missing_facts", "documents", "reason"]


def cfg(src: Path, out: Path | None, **kw) -> AuditConfig:
    return AuditConfig(file=src, kind="hire", city="yancheng", date=DAY, out=out, listing="none", progress=False, **kw)


def rows_of(folder: Path) -> list[tuple]:
    t = pq.read_table(folder, columns=KEY).sort_by([("row", "ascending"), ("city", "ascending")])
    return [tuple(tuple(v) if isinstance(v, list) else v for v in r.values()) for r in t.to_pylist()]


def summary(run) -> dict:
    c = run.collector
    return {"in": c.rows_in, "ev": c.evaluated, "rej": c.rejected, "blank": c.blank,
            "non_records": sum(run.skipped.values()), "decisions": c.decision_totals(), "articles": dict(c.articles),
            "documents": dict(c.documents), "rules": {k: v.tolist() for k, v in c.rules.items()},
            "rejected_by": dict(c.rejected_by), "top": [(t.row, t.score) for t in c.top],
            "groups": {g: {k: v.tolist() for k, v in t.items()} for g, t in c.groups.items()}}


@pytest.fixture(scope="module")
def big(tmp_path_factory):
    """Parts of 100,000 rows (two chunks each, so a part is half written for a while), and smaller ones."""
    root = tmp_path_factory.mktemp("big") / "ds"
    write_dataset(root, {"province=江苏/year=2024/a.parquet": hire_rows(150_000, 21),
                         "province=浙江/year=2024/a.parquet": hire_rows(50_000, 22, typed=True)},
                  row_group_size=50_000)
    ref = root.parent / "ref"
    run = run_audit(cfg(root, ref))
    return root, ref, run


def test_dask_gives_every_decision_of_one_process(tmp_path):
    root = hive_dataset(tmp_path / "ds", rows=400)
    one = run_audit(cfg(root, tmp_path / "one", partition_by=["province", "year"], report=tmp_path / "one.html"))
    run = run_dask(cfg(root, tmp_path / "dask", partition_by=["province", "year"], report=tmp_path / "dask.html"),
                   DaskOptions(workers=2))
    assert rows_of(tmp_path / "dask") == rows_of(tmp_path / "one")
    rows = [r[0] for r in rows_of(tmp_path / "dask")]
    assert len(rows) == len(set(rows)) == one.collector.rows_in          # none lost, none twice
    assert summary(run) == summary(one)
    manifest = json.loads((tmp_path / "dask" / "_manifest.json").read_text())
    ds = open_dataset(root)
    assert manifest["complete"] and [manifest["parts"][str(i)]["key"] for i in range(len(ds.parts))] == \
        [p.key for p in ds.parts]
    files = sorted(p.relative_to(tmp_path / "dask").as_posix() for p in (tmp_path / "dask").rglob("*.parquet"))
    assert files == sorted(f["file"] for e in manifest["parts"].values() for f in e["files"])
    t = manifest["totals"]
    assert t["rows_in"] == t["evaluated"] + t["rejected"] and ds.rows == t["rows_in"] + t["blank"] + t["non_records"]
    html = (tmp_path / "dask.html").read_text()
    assert f"{one.collector.rows_in:,}" in html and "第十六条" in html
    # the report is the one-process report, but for the lines naming the run
    assert len(_counts(html)) > 500 and _counts(html) == _counts((tmp_path / "one.html").read_text())


def _counts(html: str) -> list[str]:
    """The report's text, line by line, less what names the run (input description, time, the Dask note)."""
    html = re.sub(r"<(script|style)[^>]*>.*?</\1>", "", html, flags=re.S)
    lines = [t.strip() for t in re.sub(r"<[^>]+>", "\n", html).splitlines() if t.strip()]
    return [t for t in lines if not any(w in t for w in ("Parquet ·", "列式数据文件 ·", "北京时间", "Dask", "提示"))]


def test_all_cities_on_dask(tmp_path):
    root = write_dataset(tmp_path / "ds", {"a.parquet": hire_rows(60, 31), "b.parquet": hire_rows(60, 32)})
    one = run_audit(dataclasses.replace(cfg(root, tmp_path / "one"), city="all"))
    run = run_dask(dataclasses.replace(cfg(root, tmp_path / "dask"), city="all"), DaskOptions(workers=2))
    assert rows_of(tmp_path / "dask") == rows_of(tmp_path / "one")
    assert run.out_rows == one.out_rows == one.collector.rows_in * len(one.packs)


def test_a_worker_killed_mid_part_loses_nothing(big, tmp_path):
    from distributed import LocalCluster

    root, ref, _ = big
    out = tmp_path / "res"
    killed: list[str] = []
    stop = threading.Event()
    me = os.getpid()
    half_written = re.compile(r"^\..+\.parquet\.(\d+)\.part$")    # a worker's results file before its rename

    def killer() -> None:
        while not stop.is_set():
            for p in (out.rglob(".*.part") if out.exists() else []):
                m = half_written.match(p.name)
                if m and int(m.group(1)) != me:
                    os.kill(int(m.group(1)), signal.SIGKILL)
                    killed.append(p.name)
                    return
            time.sleep(0.003)

    cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0",
                           silence_logs=logging.ERROR)
    try:
        th = threading.Thread(target=killer, daemon=True)
        th.start()
        run = run_dask(cfg(root, out, partition_by=["province"]),
                       DaskOptions(scheduler=cluster.scheduler_address, part_rows=100_000))
        stop.set()
        th.join()
    finally:
        cluster.close()
    assert killed, "no worker was caught mid-part"
    assert rows_of(out) == rows_of(ref)
    assert not list(out.rglob(".*.part"))                 # the killed writer's half file is gone
    manifest = json.loads((out / "_manifest.json").read_text())
    n_parts = len(open_dataset(root, part_rows=100_000).parts)
    assert len(manifest["parts"]) == n_parts and manifest["complete"]
    assert len(list(out.rglob("*.parquet"))) == n_parts          # one results file per part, not one per attempt
    assert run.collector.rows_in == sum(e["accounting"]["rows_in"] for e in manifest["parts"].values())


def test_a_killed_run_resumes_and_does_no_part_twice(big, tmp_path):
    root, ref, _ = big
    out = tmp_path / "res"
    args = [sys.executable, "-m", "gridlaw.cli", "audit", str(root), "--kind", "hire", "--city", "yancheng",
            "--date", "2024-05-06", "--engine", "dask", "--workers", "2", "--part-rows", "50000", "--out", str(out),
            "--no-progress"]
    proc = subprocess.Popen(args, start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    done_before: dict = {}
    try:
        deadline = time.time() + 240
        while time.time() < deadline and proc.poll() is None:
            try:
                m = json.loads((out / "_manifest.json").read_text())
            except (OSError, ValueError):
                m = {}
            if m.get("parts") and not m.get("complete"):
                os.killpg(proc.pid, signal.SIGKILL)           # the driver, its cluster and workers
                done_before = m["parts"]
                break
            time.sleep(0.01)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    n_parts = len(open_dataset(root, part_rows=50_000).parts)
    assert done_before and len(done_before) < n_parts, "the run was not caught midway"
    kept = {f["file"]: (out / f["file"]).stat() for e in done_before.values() for f in e["files"]}
    r = subprocess.run(args + ["--resume"], capture_output=True, text=True, timeout=300)
    assert r.returncode == 1, r.stderr                       # some rows are non-compliant
    assert f"本次审 {n_parts - len(done_before)} 个，续跑跳过已完成的 {len(done_before)} 个" in r.stderr
    for f, st in kept.items():                               # a done part is not written again
        now = (out / f).stat()
        assert (now.st_ino, now.st_mtime_ns) == (st.st_ino, st.st_mtime_ns)
    manifest = json.loads((out / "_manifest.json").read_text())
    assert manifest["complete"] and len(manifest["parts"]) == n_parts
    assert rows_of(out) == rows_of(ref)


def test_resume_refuses_other_options_and_a_missing_manifest(tmp_path):
    root = write_dataset(tmp_path / "ds", {"a.parquet": hire_rows(30, 41)})
    with pytest.raises(Exception, match="没有可续跑的清单"):
        run_dask(cfg(root, tmp_path / "res"), DaskOptions(resume=True))
    run_dask(cfg(root, tmp_path / "res"), DaskOptions(workers=1))
    with pytest.raises(Exception, match="选项与本次不同"):
        run_dask(dataclasses.replace(cfg(root, tmp_path / "res"), role="part_time"), DaskOptions(resume=True))
    with pytest.raises(Exception, match="需要 --out 指向一个结果文件夹"):
        run_dask(cfg(root, tmp_path / "x.parquet"), DaskOptions())


def test_a_dask_dataframe_is_audited_partition_by_partition():
    import dask.dataframe as dd
    from distributed import Client, LocalCluster

    import gridlaw
    from gridlaw.audit.distributed import audit_dataframe

    table = hire_rows(900, 51, extras=False)
    want = gridlaw.audit_table(table, kind="hire", city="yancheng", date=DAY)
    ddf = dd.from_pandas(table.to_pandas(), npartitions=4)
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0",
                      silence_logs=logging.ERROR) as cluster, Client(cluster):
        got = audit_dataframe(ddf, kind="hire", city="yancheng", date=DAY).compute()
    assert ddf.npartitions == 4 and len(got) == 900 and sorted(got["row"]) == list(range(900))
    got = got.sort_values("row")
    assert got["decision"].tolist() == want.column("decision").to_pylist()
    assert [list(v) for v in got["violated_rules"].tolist()] == want.column("violated_rules").to_pylist()
