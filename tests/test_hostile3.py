"""Hostile files, round three (issue 19: items 3, 9, the second half of 18, and the new round).
Each input is built here the way the description makes it: the sheet XML of an .xlsx written
by hand inside a real workbook, a UTF-16 file with one odd byte, a killed audit, …"""
from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
GRIDLAW = [sys.executable, "-m", "gridlaw.cli"]
HEAD = ["序号", "姓名", "拟任岗位", "报名日期"]


def cli(*args: str, timeout: float = 60, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([*GRIDLAW, *args], capture_output=True, timeout=timeout, env={**os.environ, **(env or {})})


def clean(r: subprocess.CompletedProcess) -> str:
    err = r.stderr.decode("utf-8", "replace")
    assert "Traceback" not in err and "Exception ignored" not in err, err
    return err


def audit(path: Path, *extra: str, timeout: float = 60) -> tuple[subprocess.CompletedProcess, list[dict]]:
    out = path.with_name(path.name + ".out.jsonl")
    r = cli("audit", str(path), "--city", "yancheng", "--kind", "hire", "-o", str(out), *extra, timeout=timeout)
    clean(r)
    rows = [json.loads(x) for x in out.read_text("utf-8").splitlines()] if out.exists() else []
    return r, rows


# ------------------------------------------------------------------ .xlsx sheets written by hand

def _cell(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


def record_row(n: int, rid: str, name: str = "张伟", r: bool = True) -> str:
    cells = "".join(_cell(f"{c}{n}", v) for c, v in zip("ABCD", (rid, name, "专职网格员", "2024年5月6日")))
    return (f'<row r="{n}">' if r else "<row>") + cells + "</row>"


def xlsx(path: Path, rows, dimension: str | None = None) -> Path:
    """A real workbook (openpyxl's parts, a bold style at index 1) whose sheet XML is the header row
    followed by ``rows`` (an iterable of XML strings), streamed into the zip."""
    import openpyxl

    wb = openpyxl.Workbook()
    wb.active.append(HEAD)
    wb.active["A1"].font = openpyxl.styles.Font(bold=True)
    base = io.BytesIO()
    wb.save(base)
    src = zipfile.ZipFile(io.BytesIO(base.getvalue()))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for info in src.infolist():
            if info.filename != "xl/worksheets/sheet1.xml":
                z.writestr(info, src.read(info.filename))
                continue
            with z.open(info.filename, "w", force_zip64=True) as f:
                f.write(b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/'
                        b'spreadsheetml/2006/main">'
                        + (f'<dimension ref="{dimension}"/>'.encode() if dimension else b"")
                        + b"<sheetData>" + ("<row r=\"1\">" + "".join(_cell(f"{c}1", h) for c, h in zip("ABCD", HEAD))
                                           + "</row>").encode())
                batch: list[str] = []
                for row in rows:
                    batch.append(row)
                    if len(batch) >= 10_000:
                        f.write("".join(batch).encode())
                        batch = []
                f.write("".join(batch).encode() + b"</sheetData></worksheet>")
    return path


def styled_empty(first: int, n: int, selfclose: bool = False):
    for r in range(first, first + n):
        yield (f'<row r="{r}" s="1" customFormat="1"/>' if selfclose else
               f'<row r="{r}">' + "".join(f'<c r="{c}{r}" s="1"/>' for c in "ABCD") + "</row>")


@pytest.mark.parametrize("selfclose", [False, True])
def test_3_a_million_empty_styled_rows_after_one_record_lose_nothing(tmp_path, selfclose):
    """Item 3: one record, 1,000,000 styled empty rows (cells with a style and no value, or styled
    self-closing rows), then one more record. Took 84 s in openpyxl's parser; both records are read
    and the empty rows are counted as blank (the hang guard is the subprocess timeout)."""
    path = xlsx(tmp_path / "empty.xlsx", [record_row(2, "R1"), *styled_empty(3, 1_000_000, selfclose),
                                          record_row(1_000_003, "R2", "李四")], dimension="A1:D1000003")
    r, rows = audit(path, timeout=60)
    assert r.returncode == 3
    assert [(x["row"], x["id"]) for x in rows] == [(2, "R1"), (1_000_003, "R2")]
    assert "另有空行 1,000,000" in r.stderr.decode()


def test_3_rows_without_a_number_after_an_empty_run_keep_their_numbers(tmp_path):
    """Rows without r="…" are numbered by position: dropping the empty run before them must not shift them."""
    path = xlsx(tmp_path / "norow.xlsx", [record_row(2, "R1"), *styled_empty(3, 5000), record_row(0, "R2", r=False),
                                          record_row(0, "R3", r=False)])
    _, rows = audit(path)
    assert [(x["row"], x["id"]) for x in rows] == [(2, "R1"), (5003, "R2"), (5004, "R3")]


def test_3_a_dimension_that_lies_loses_no_record(tmp_path):
    """openpyxl stops at the row the <dimension> declares: A1:D2 silently lost every record below row 2."""
    path = xlsx(tmp_path / "dim.xlsx", [record_row(n, f"R{n}") for n in range(2, 12)], dimension="A1:D2")
    _, rows = audit(path)
    assert [x["id"] for x in rows] == [f"R{n}" for n in range(2, 12)]


def test_3_a_dimension_of_every_column_costs_nothing(tmp_path):
    """A1:XFD1048576 made openpyxl pad every row to 16,384 cells."""
    path = xlsx(tmp_path / "wide.xlsx", [record_row(n, f"R{n}") for n in range(2, 20_002)], dimension="A1:XFD1048576")
    r, rows = audit(path, timeout=60)
    assert len(rows) == 20_000 and r.returncode == 3


def test_3_a_damaged_cell_costs_only_its_row(tmp_path):
    """A shared-string index past the table and a number cell holding letters ended the sheet with an
    IndexError / ValueError; each now costs only its row, named with the cell."""
    bad_s = '<row r="3"><c r="A3" t="s"><v>99</v></c></row>'
    bad_n = '<row r="4"><c r="A4"><v>R4</v></c><c r="B4" t="inlineStr"><is><t>王五</t></is></c></row>'
    path = xlsx(tmp_path / "cells.xlsx", [record_row(2, "R2"), bad_s, bad_n, record_row(5, "R5")])
    r, rows = audit(path)
    by_row = {x["row"]: x for x in rows}
    assert sorted(by_row) == [2, 3, 4, 5]
    assert by_row[2]["id"] == "R2" and by_row[5]["id"] == "R5"
    assert by_row[3]["decision"] == by_row[4]["decision"] == "unreadable"
    assert "单元格 A3 已损坏" in json.dumps(by_row[3], ensure_ascii=False)
    assert "单元格 A4 已损坏" in json.dumps(by_row[4], ensure_ascii=False)


def test_3_a_row_out_of_order_is_rejected_at_its_number(tmp_path):
    """openpyxl silently dropped a row whose number does not increase."""
    path = xlsx(tmp_path / "order.xlsx", [record_row(2, "R2"), record_row(9, "R9"), record_row(5, "R5"),
                                          record_row(10, "R10")])
    _, rows = audit(path)
    got = [(x["row"], x.get("id"), x["decision"]) for x in rows]
    assert (2, "R2") in [(a, b) for a, b, _ in got] and (10, "R10") in [(a, b) for a, b, _ in got]
    five = [x for x in rows if x["row"] == 5]
    assert len(five) == 1 and five[0]["decision"] == "unreadable"
    assert "行次序已损坏" in json.dumps(five[0], ensure_ascii=False)


def test_3_xml_broken_mid_sheet_keeps_the_rows_before_and_names_the_break(tmp_path):
    rows = [record_row(n, f"R{n}") for n in range(2, 7)] + ['<row r="7"><c r="A7" t="inlineStr"><is><t>R7</is></c>']
    path = xlsx(tmp_path / "broken.xlsx", rows)
    r, out = audit(path)
    assert [x["id"] for x in out if x["decision"] != "unreadable"] == [f"R{n}" for n in range(2, 7)]
    broken = [x for x in out if x["decision"] == "unreadable"]
    assert len(broken) == 1 and "XML 已损坏" in json.dumps(broken[0], ensure_ascii=False)
    assert r.returncode == 3


# ------------------------------------------------------------------ 9: UTF-16 that loses its alignment

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402


def _utf16_rows(n: int) -> list[str]:
    return [f"R{i}\t张伟{i}\t专职网格员\t2024年5月{1 + i % 28}日\r\n" for i in range(1, n + 1)]


def _read_all(path: Path) -> tuple[dict[int, str], dict[int, str]]:
    """(row -> id of each record read, row -> reason of each rejected row), through the library reader."""
    from gridlaw.audit.readers import open_source

    src = open_source(path, score=lambda row: sum(c in HEAD for c in row))
    ids, bad = {}, {}
    for ch in src.chunks():
        col = ch.columns[0]
        values = col.to_pylist() if hasattr(col, "to_pylist") else list(col)
        ids.update(zip(ch.lines.tolist(), values))
        bad.update({b[0]: b[1] for b in ch.bad})
    return ids, bad


def test_9_a_stray_byte_in_utf16_costs_only_its_row(tmp_path):
    """Item 9: a UTF-16 file (Excel's "Unicode text") with one byte too many in row 7: rows 2–6 and
    8–11 are read as written; row 7 is rejected at its number."""
    rows = _utf16_rows(10)
    enc = [("\t".join(HEAD) + "\r\n").encode("utf-16-le")] + [r.encode("utf-16-le") for r in rows]
    enc[6] = enc[6][:4] + b"\x00" + enc[6][4:]
    path = tmp_path / "u16.csv"
    path.write_bytes(b"\xff\xfe" + b"".join(enc))
    r, out = audit(path)
    assert r.returncode == 3
    by_row = {x["row"]: x for x in out}
    assert sorted(by_row) == list(range(2, 12))
    assert by_row[7]["decision"] == "unreadable" and by_row[7]["reason"] == "无法按 UTF-16 解码"
    assert {n: by_row[n]["id"] for n in by_row if n != 7} == {n: f"R{n - 1}" for n in range(2, 12) if n != 7}


@settings(max_examples=60, deadline=None)
@given(st.integers(3, 40), st.data(), st.sampled_from(["le", "be"]), st.sampled_from(["insert", "delete"]))
def test_9_property_one_byte_more_or_less_anywhere_costs_at_most_its_row(tmp_path_factory, n, data, order, how):
    """A byte inserted or deleted at any point below the header: every row not holding that point
    is read with its id at its number; the row holding it is rejected; nothing is refused whole."""
    codec = f"utf-16-{order}"
    rows = _utf16_rows(n)
    head = ("\t".join(HEAD) + "\r\n").encode(codec)
    body = [r.encode(codec) for r in rows]
    k = data.draw(st.integers(0, n - 1), label="row")
    pos = data.draw(st.integers(0, len(body[k]) - 3), label="byte")   # before the row's own LF
    body[k] = body[k][:pos] + b"\x7f" + body[k][pos:] if how == "insert" else body[k][:pos] + body[k][pos + 1:]
    bom = codecs_bom(order)
    path = tmp_path_factory.mktemp("u16") / "u16.csv"
    path.write_bytes(bom + head + b"".join(body))
    ids, bad = _read_all(path)
    damaged = k + 2
    assert set(ids) | set(bad) == set(range(2, n + 2))
    assert damaged in bad and damaged not in ids and bad[damaged] == "无法按 UTF-16 解码"
    assert {r: v for r, v in ids.items() if r != damaged} == {r: f"R{r - 1}" for r in range(2, n + 2) if r != damaged}


def codecs_bom(order: str) -> bytes:
    import codecs

    return codecs.BOM_UTF16_LE if order == "le" else codecs.BOM_UTF16_BE


# ------------------------------------------------------------------ 18 (second half), 19: killed XLSX audits

def _big_csv(path: Path, n: int) -> Path:
    path.write_text(",".join(HEAD) + "\n" + "".join(f"K{i},张伟,专职网格员,2024年5月6日\n" for i in range(n)), "utf-8")
    return path


def test_18_a_killed_xlsx_audit_leaves_nothing_in_tmpdir_and_the_rerun_removes_its_sheets(tmp_path):
    """openpyxl streams each sheet of an .xlsx output into a temporary file; SIGKILL left them in
    TMPDIR for good. They now live beside the output as hidden .part files, which the next run
    writing that output removes (TMPDIR is watched to stay empty throughout)."""
    import signal
    import time

    src = _big_csv(tmp_path / "in.csv", 60_000)
    tmpdir = tmp_path / "tmpdir"
    tmpdir.mkdir()
    out = tmp_path / "r.xlsx"
    env = {**os.environ, "TMPDIR": str(tmpdir)}
    p = subprocess.Popen([*GRIDLAW, "audit", str(src), "--city", "yancheng", "--kind", "hire", "-o", str(out)],
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not list(tmp_path.glob(".r.xlsx.sheet*.part")):
        time.sleep(0.05)
    parts = list(tmp_path.glob(".r.xlsx.sheet*.part"))
    assert parts, "the run never started its sheet"
    time.sleep(0.5)
    p.send_signal(signal.SIGKILL)
    p.wait(timeout=30)
    assert all(f.exists() for f in parts) and not list(tmpdir.iterdir())
    r = cli("audit", str(src), "--city", "yancheng", "--kind", "hire", "-o", str(out), env={"TMPDIR": str(tmpdir)},
            timeout=180)
    clean(r)
    assert r.returncode == 3 and out.exists()
    assert not [f for f in tmp_path.iterdir() if f.name.endswith(".part")] and not list(tmpdir.iterdir())
    import openpyxl

    wb = openpyxl.load_workbook(out, read_only=True)
    assert sum(1 for _ in wb.worksheets[0].iter_rows(min_row=2)) == 60_000


# ------------------------------------------------------------------ 4: a broken pack of your own

def _broken_own_pack(tmp_path: Path) -> Path:
    import shutil

    bad = tmp_path / "mycounty"
    shutil.copytree(ROOT / "examples" / "examplecounty", bad)
    (bad / "rules" / "hire.yaml").write_text((bad / "rules" / "hire.yaml").read_text("utf-8") + "  - id: [unclosed\n",
                                             "utf-8")
    return bad


def test_4_check_audit_and_test_with_a_broken_own_pack_exit_4_in_chinese_located(tmp_path):
    """`check --pack` with a broken pack of one's own exited 5 ("a shipped pack is broken") with the
    loader's English. It is the user's input: exit 4, a Chinese first line naming the pack, then
    each problem with its file and line; no ASCII-only sentence in Chinese mode."""
    import re

    bad = _broken_own_pack(tmp_path)
    act = ROOT / "examples" / "hire.yaml"
    src = tmp_path / "in.csv"
    src.write_text(",".join(HEAD) + "\nR1,张伟,专职网格员,2024年5月6日\n", "utf-8")
    runs = {"check": cli("check", str(act), "--pack", str(bad)),
            "audit": cli("audit", str(src), "--kind", "hire", "--pack", str(bad), "-o", str(tmp_path / "r.jsonl")),
            "test": cli("test", str(bad))}
    for name, r in runs.items():
        err = clean(r)
        assert r.returncode == 4, (name, r.returncode, err)
        assert "你给出的规定包无法加载" in err and f"{bad}/pack.yaml:" in err and f"{bad}/rules/hire.yaml:" in err, err
        for line in err.splitlines():               # every line has Chinese after its location
            assert re.search(r"[\u4e00-\u9fff]", line.split(": ", 1)[-1]), line
        assert "did not match" not in err and "malformed" not in err and "neither used" not in err
    j = cli("check", str(act), "--pack", str(bad), "-f", "json")
    assert j.returncode == 4 and json.loads(j.stdout)["error"] == "bad_user_pack"
    en = cli("check", str(act), "--pack", str(bad), "--lang", "en")
    assert en.returncode == 4 and "malformed YAML" in en.stderr.decode() and "your pack does not load" in en.stderr.decode()
    v = cli("validate", str(bad))
    assert v.returncode == 1 and "YAML 格式错误" in v.stdout.decode()
