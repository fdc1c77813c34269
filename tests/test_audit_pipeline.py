"""The audit as a one-way pipeline (issue 15 §3): every chunk passes read → split → map → convert →
derive → evaluate → collect → write once, top to bottom, each stage taking what the one above
returned; engine/audit has no import circle and no stage imports a stage below it; the
batch function a distributed worker calls gives what ``gridlaw audit`` gives for the same rows."""
from __future__ import annotations

import ast
import csv
import json
from pathlib import Path

import numpy as np
import pyarrow as pa
import pytest

import gridlaw.audit.convert as convert_mod
import gridlaw.audit.derive as derive_mod
import gridlaw.audit.evaluation as evaluation_mod
import gridlaw.audit.headerplan as headerplan_mod
import gridlaw.audit.readers as readers_mod
import gridlaw.audit.rowkinds as rowkinds_mod
from gridlaw.audit import pipeline
from gridlaw.audit.outputs import ResultWriter
from gridlaw.audit.results import Collector
from gridlaw.audit.run import AuditConfig, run_audit
from gridlaw.audit.sourcefile import Source

AUDIT = Path(__file__).resolve().parents[1] / "engine" / "audit"
STAGES = ("read", "split", "map", "convert", "derive", "evaluate", "collect", "write")
HEADER = ["序号", "姓名", "出生日期", "拟任岗位", "招聘方式", "是否中国公民", "政审是否合格", "学历能力符合", "体检是否合格",
          "是否受过刑事处罚", "是否涉嫌犯罪", "是否被行政拘留", "是否被司法拘留", "是否被开除公职", "是否失信", "岗前培训",
          "报名日期"]


def person(i: int, birth: str = "1990年3月15日", criminal: str = "否", training: str = "是") -> list[str]:
    return [f"P{i:05d}", f"张{i}", birth, "专职网格员", "统一招聘", "是", "是", "是", "是", criminal, "否", "否", "否",
            "否", "否", training, "2024-05-06"]


def sheet_rows(n: int) -> list[list[str]]:
    """n records of varied outcome, a bad date, a note row and a total row among them."""
    rows = []
    for i in range(n):
        if i == 3:
            rows.append(person(i, birth="1990-02-30"))            # unreadable: no such day
        elif i == 5:
            rows.append(["注：本表由镇街填报"] + [""] * (len(HEADER) - 1))   # not a record
        elif i % 7 == 1:
            rows.append(person(i, criminal="是"))                 # non_compliant (art. 16)
        elif i % 5 == 2:
            rows.append(person(i, criminal=""))                   # insufficient_facts
        elif i % 11 == 4:
            rows.append(person(i, birth="2008年1月1日"))           # under age
        else:
            rows.append(person(i))
    rows.append(["合计", f"{n}人"] + [""] * (len(HEADER) - 2))      # not a record
    return rows


def write_sheet(path: Path, rows: list[list[str]]) -> Path:
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(HEADER)
        w.writerows(rows)
    return path


# --------------------------------------------------------------------------- one way, once per chunk


def test_each_chunk_visits_every_stage_once_top_to_bottom(tmp_path, monkeypatch):
    src = write_sheet(tmp_path / "sheet.csv", sheet_rows(60))
    log: list[tuple[str, int, int]] = []          # (stage, id of what it took, id of what it gave)

    def watch(stage, fn):
        def wrapped(first, *args, **kw):
            got = fn(first, *args, **kw)
            log.append((stage, id(first), id(got)))
            return got
        return wrapped

    def watch_method(stage, fn):
        def wrapped(self, first, *args, **kw):
            got = fn(self, first, *args, **kw)
            log.append((stage, id(first), id(got)))
            return got
        return wrapped

    real_chunks = Source.chunks

    def chunks(self):
        for chunk in real_chunks(self):
            log.append(("read", id(self), id(chunk)))
            yield chunk

    real_open = readers_mod.open_source
    monkeypatch.setattr(readers_mod, "open_source", lambda *a, **kw: real_open(*a, **{**kw, "block": 700}))
    monkeypatch.setattr(Source, "chunks", chunks)
    monkeypatch.setattr(rowkinds_mod, "split_rows", watch("split", rowkinds_mod.split_rows))
    monkeypatch.setattr(headerplan_mod, "map_columns", watch("map", headerplan_mod.map_columns))
    monkeypatch.setattr(convert_mod, "convert", watch("convert", convert_mod.convert))
    monkeypatch.setattr(derive_mod, "derive", watch("derive", derive_mod.derive))
    monkeypatch.setattr(evaluation_mod, "evaluate", watch("evaluate", evaluation_mod.evaluate))
    monkeypatch.setattr(Collector, "add", watch_method("collect", Collector.add))
    monkeypatch.setattr(ResultWriter, "write", watch_method("write", ResultWriter.write))

    run = run_audit(AuditConfig(file=src, kind="hire", city="yancheng", out=tmp_path / "out.jsonl", progress=False))

    # the writer runs on its own thread: its calls are matched by the table they take, not by position
    writes = [e for e in log if e[0] == "write"]
    main = [e for e in log if e[0] != "write"]
    per_chunk = [main[i:i + 7] for i in range(0, len(main), 7)]
    assert len(per_chunk) >= 4, "the sheet should come in several chunks"
    assert all(len(c) == 7 for c in per_chunk)
    tables = set()
    for steps in per_chunk:
        assert [s for s, _, _ in steps] == list(STAGES[:7])
        for (_, _, gave), (_, took, _) in zip(steps, steps[1:]):
            assert took == gave, "each stage takes what the stage above it gave"
        tables.add(steps[-1][2])
    assert len(writes) == len(per_chunk) and {took for _, took, _ in writes} == tables

    # the whole sheet accounted for: 60 lines below the header + the total row
    c = run.collector
    assert (c.rows_in, c.evaluated, c.rejected, sum(run.skipped.values())) == (59, 58, 1, 2)


# --------------------------------------------------------------------------- the import graph


def _audit_imports() -> dict[str, set[str]]:
    """module -> engine/audit modules it imports anywhere (top level, inside functions, TYPE_CHECKING)."""
    names = {p.stem for p in AUDIT.glob("*.py")}
    graph: dict[str, set[str]] = {}
    for path in AUDIT.glob("*.py"):
        deps: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.ImportFrom):
                if node.level == 1 and node.module:
                    deps.add(node.module.split(".")[0])
                elif node.level == 1:
                    deps.update(a.name for a in node.names)
                elif node.level == 0 and (node.module or "").startswith("gridlaw.audit."):
                    deps.add(node.module.split(".")[2])
            elif isinstance(node, ast.Import):
                deps.update(a.name.split(".")[2] for a in node.names if a.name.startswith("gridlaw.audit."))
        graph[path.stem] = (deps & names) - {path.stem, "__init__"}
    return graph


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(m: str) -> list[str] | None:
        state[m] = 1
        stack.append(m)
        for d in sorted(graph.get(m, ())):
            if state.get(d) == 1:
                return stack[stack.index(d):] + [d]
            if d not in state:
                found = visit(d)
                if found:
                    return found
        stack.pop()
        state[m] = 2
        return None

    for m in sorted(graph):
        if m not in state:
            found = visit(m)
            if found:
                return found
    return None


def test_cycle_finder_finds_a_cycle():
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _cycle({"a": {"b"}, "b": set()}) is None


def test_engine_audit_has_no_import_cycle():
    graph = _audit_imports()
    assert {"readers", "rowkinds", "headerplan", "convert", "derive", "evaluation", "results", "outputs"} <= set(graph)
    assert _cycle(graph) is None, " → ".join(_cycle(graph) or [])


def test_no_stage_imports_a_stage_below_it():
    order = ["readers", "rowkinds", "headerplan", "convert", "derive", "evaluation", "results", "outputs"]
    graph = _audit_imports()

    def reach(m: str, seen: set[str] | None = None) -> set[str]:
        seen = set() if seen is None else seen
        for d in graph.get(m, ()):
            if d not in seen:
                seen.add(d)
                reach(d, seen)
        return seen

    for i, stage in enumerate(order):
        later = set(order[i + 1:]) & reach(stage)
        assert not later, f"{stage} reaches the later stage(s) {sorted(later)}"


# --------------------------------------------------------------------------- the batch function


def _columns(rows: list[list[str]]) -> list[pa.Array]:
    return [pa.array([r[j] for r in rows], pa.string()) for j in range(len(HEADER))]


def _decisions(table: pa.Table) -> dict[int, str]:
    return {int(r): json.loads("{" + t + "}")["decision"]
            for r, t in zip(table.column("row").to_pylist(), table.column("_tail").to_pylist())}


@pytest.fixture(scope="module")
def ctx():
    return pipeline.worker_context("hire", "yancheng", lang="zh")


def test_audit_batch_gives_what_the_audit_gives_for_the_same_rows(tmp_path, ctx):
    rows = sheet_rows(40)
    out = tmp_path / "out.jsonl"
    run = run_audit(AuditConfig(file=write_sheet(tmp_path / "s.csv", rows), kind="hire", city="yancheng",
                                out=out, progress=False))
    from_cli = {r["row"]: r["decision"] for r in map(json.loads, out.read_text("utf-8").splitlines())}

    ids = np.arange(2, 2 + len(rows)) * 1                                 # the rows' numbers in that file
    got = pipeline.audit_batch(ctx, HEADER, _columns(rows), ids)
    assert _decisions(got.table) == from_cli
    assert got.accounting.as_dict() == {"read": 39, "evaluated": 38, "unreadable": 1, "non_records": 2, "blank": 0}
    assert got.accounting.read == run.collector.rows_in
    assert set(from_cli.values()) >= {"compliant", "non_compliant", "insufficient_facts", "unreadable"}


def test_audit_batch_keeps_source_row_ids_and_is_the_same_in_any_split(ctx):
    rows = sheet_rows(30)
    ids = np.arange(len(rows)) * 10 + 100_000                             # ids as a distributed reader numbers them
    whole = pipeline.audit_batch(ctx, HEADER, _columns(rows), ids)
    assert set(whole.table.column("row").to_pylist()) <= set(ids.tolist())
    again = pipeline.audit_batch(ctx, HEADER, _columns(rows), ids)       # no state carried between calls
    assert again.table.equals(whole.table)
    a = pipeline.audit_batch(ctx, HEADER, _columns(rows[:13]), ids[:13])
    b = pipeline.audit_batch(ctx, HEADER, _columns(rows[13:]), ids[13:])
    assert {**_decisions(a.table), **_decisions(b.table)} == _decisions(whole.table)
    assert a.accounting + b.accounting == whole.accounting


def test_audit_batch_refuses_ragged_columns(ctx):
    with pytest.raises(ValueError):
        pipeline.audit_batch(ctx, HEADER, _columns(sheet_rows(5))[:-1], np.arange(6))


# --------------------------------------------------------------------------- every driver, the same stages


def test_the_command_and_the_web_jobs_drive_the_same_stages(tmp_path, monkeypatch):
    from typer.testing import CliRunner

    from gridlaw.cli import app
    from gridlaw.web.jobs import Jobs
    from gridlaw.web.settings import Settings

    seen: list[str] = []
    real = pipeline.audit_chunk

    def counted(ctx, chunk, collector):
        seen.append(type(chunk).__name__)
        return real(ctx, chunk, collector)

    monkeypatch.setattr(pipeline, "audit_chunk", counted)
    src = write_sheet(tmp_path / "sheet.csv", sheet_rows(12))

    r = CliRunner().invoke(app, ["audit", str(src), "--kind", "hire", "--city", "yancheng",
                                 "--out", str(tmp_path / "cli.jsonl")])
    assert r.exit_code == 1, r.output                 # non-compliant rows decide the code
    assert seen == ["Chunk"]
    cli_rows = [json.loads(x) for x in (tmp_path / "cli.jsonl").read_text("utf-8").splitlines()]

    jobs = Jobs(Settings(workdir=tmp_path / "web"))
    job = jobs.create("sheet.csv", ".csv", {"format": "jsonl", "kind": "hire", "city": "yancheng", "lang": "zh"})
    job.options["input"].write_bytes(src.read_bytes())
    jobs._run(job)                                    # the worker thread's body, here on this one
    assert job.status == "done", job.errors
    assert seen == ["Chunk", "Chunk"]
    web_rows = [json.loads(x) for x in job.results_path.read_text("utf-8").splitlines()]
    assert [(x["row"], x["decision"]) for x in web_rows] == [(x["row"], x["decision"]) for x in cli_rows]
