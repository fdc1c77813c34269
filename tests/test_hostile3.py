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


# ------------------------------------------------------------------ 5: the new round (benchmarks/hostile.py)

GOOD_ID = "320902199001011236"          # a valid ID number (check digit 6)


def _csv(path: Path, body: bytes) -> Path:
    path.write_bytes((",".join(HEAD) + "\n").encode() + body)
    return path


def _line(i: int) -> bytes:
    return f"R{i},张伟,专职网格员,2024年5月6日\n".encode()


def test_5_a_line_of_40_mb_without_a_break_costs_its_row_not_the_memory(tmp_path):
    """A 200 MB line took 1.5 GB: no record is 32 MB long, so the line is passed over to its line
    break and rejected at its row; the records around it are read."""
    path = _csv(tmp_path / "line.csv", _line(1) + b"x" * (40 << 20) + b"\n" + _line(3))
    r, rows = audit(path)
    by = {x["row"]: x for x in rows}
    assert sorted(by) == [2, 3, 4] and by[2]["id"] == "R1" and by[4]["id"] == "R3"
    assert by[3]["decision"] == "unreadable" and "超过每行 32 MB 的上限" in by[3]["reason"]


def test_5_a_nul_in_one_row_costs_that_row(tmp_path):
    """One row holding NUL bytes refused the whole file as binary."""
    path = _csv(tmp_path / "nul.csv", b"".join(_line(i) for i in range(1, 30)).replace(b"R7,", b"R\x00\x007,"))
    r, rows = audit(path)
    assert r.returncode == 3 and len(rows) == 29
    bad = [x for x in rows if x["decision"] == "unreadable"]
    assert [(x["row"], x["reason"]) for x in bad] == [(8, "含有空字符（NUL，二进制数据）；本行未读取")]


def test_5_utf32_is_refused_by_name_and_leaks_no_id(tmp_path):
    """A UTF-32 BOM starts like UTF-16's: the file was read as UTF-16, and an ID number with NULs
    between its digits slipped past masking into the listing."""
    path = tmp_path / "u32.csv"
    path.write_bytes((",".join(HEAD + ["身份证号"]) + "\n" + f"R1,张伟,专职网格员,2024年5月6日,{GOOD_ID}\n").encode("utf-32"))
    r, rows = audit(path)
    assert r.returncode == 4 and "这是 UTF-32 文本" in r.stderr.decode() and not rows
    assert GOOD_ID not in r.stdout.decode() + r.stderr.decode()


def test_5_a_jsonl_line_over_32_mb_costs_its_row_and_a_json_list_over_64_mb_is_refused(tmp_path):
    good = json.dumps({"序号": "R2", "姓名": "李四", "拟任岗位": "专职网格员", "报名日期": "2024年5月6日"}, ensure_ascii=False)
    path = tmp_path / "big.jsonl"
    path.write_bytes(b'{"a": "' + b"x" * (40 << 20) + b'"}\n' + good.encode() + b"\n")
    r, rows = audit(path)
    assert [(x["row"], x["decision"]) for x in rows][0] == (1, "unreadable") and rows[1]["id"] == "R2"
    big = tmp_path / "list.json"
    big.write_bytes(b"[" + b" " * (65 << 20) + b"]")
    r, _ = audit(big)
    assert r.returncode == 4 and "JSON 列表超过 64 MB 的上限" in r.stderr.decode()


def test_5_a_parquet_cell_over_excels_limit_costs_its_row(tmp_path):
    """Parquet holds cells of any length (a 2,000,000-character 备注 in 50 rows ran past 30 s);
    a cell over 32,767 characters costs its row, as in a CSV, naming the column."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    path = tmp_path / "cells.parquet"
    pq.write_table(pa.table({"序号": ["R1", "R2", "R3"], "姓名": ["张伟"] * 3, "拟任岗位": ["专职网格员"] * 3,
                             "报名日期": ["2024年5月6日"] * 3, "备注": ["", "注" * 40_000, ""]}), path)
    r, rows = audit(path)
    by = {x["id"] or x["row"]: x for x in rows}
    assert len(rows) == 3 and by["R1"]["decision"] != "unreadable" and by["R3"]["decision"] != "unreadable"
    bad = [x for x in rows if x["decision"] == "unreadable"]
    assert len(bad) == 1 and "第 5 列过长（40,000 个字符" in bad[0]["reason"]


def test_5_text_repeated_through_shared_strings_is_bounded(tmp_path, monkeypatch):
    """One shared string referenced by every row costs nothing on disk and everything in memory
    (20,000 × 30,000 characters: 3 GB). Past MAX_TEXT characters of cell text the input is refused,
    naming the limit and the row reached (the limit is lowered here to keep the test small)."""
    from gridlaw.audit import sourcefile
    from gridlaw.audit.readers import open_source
    from gridlaw.errors import InputError

    big = "张" * 30_000
    ss = (b'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/'
          b'main" count="1" uniqueCount="1"><si><t>' + big.encode() + b"</t></si></sst>")
    rows = [f'<row r="{r}">' + _cell(f"A{r}", f"R{r}") + f'<c r="B{r}" t="s"><v>0</v></c></row>' for r in range(2, 402)]
    path = xlsx(tmp_path / "ss.xlsx", rows)
    with zipfile.ZipFile(path, "a") as z:
        z.writestr("xl/sharedStrings.xml", ss)
    with zipfile.ZipFile(path) as z:              # the workbook must name its shared strings
        parts = {n: z.read(n) for n in z.namelist() if n != "xl/sharedStrings.xml" or True}
    parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
        b"</Types>", b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-'
        b'officedocument.spreadsheetml.sharedStrings+xml"/></Types>')
    parts["xl/_rels/workbook.xml.rels"] = parts["xl/_rels/workbook.xml.rels"].replace(
        b"</Relationships>", b'<Relationship Id="rIdSS" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        b'relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>')
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for n, data in parts.items():
            z.writestr(n, data)
    src = open_source(path, score=lambda row: sum(c in HEAD for c in row))
    got = sum(ch.n for ch in src.chunks())            # under the real limit: every row read, the name whole
    assert got == 400
    monkeypatch.setattr(sourcefile, "MAX_TEXT", 3_000_000)
    with pytest.raises(InputError) as e:
        for _ in open_source(path, score=lambda row: sum(c in HEAD for c in row)).chunks():
            pass
    assert "单元格文字累计超过 3,000,000 个字符的上限" in e.value.problems[0].message


def test_5_an_xlsx_declaring_entities_is_refused_at_once(tmp_path):
    """A DTD in the sheet XML: an external entity (file:///etc/passwd) or a billion laughs."""
    for name, dtd in (("xxe", b'<!DOCTYPE w [<!ENTITY x SYSTEM "file:///etc/passwd">]>'),
                      ("laughs", b'<!DOCTYPE w [<!ENTITY l0 "ha">' + b"".join(
                          f'<!ENTITY l{i} "{("&l%d;" % (i - 1)) * 10}">'.encode() for i in range(1, 10)) + b"]>")):
        path = xlsx(tmp_path / f"{name}.xlsx", [record_row(2, "&x;" if name == "xxe" else "&l9;")])
        with zipfile.ZipFile(path) as z:
            parts = {n: z.read(n) for n in z.namelist()}
        parts["xl/worksheets/sheet1.xml"] = parts["xl/worksheets/sheet1.xml"].replace(b"?><worksheet", b"?>" + dtd
                                                                                      + b"<worksheet")
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
            for n, data in parts.items():
                z.writestr(n, data)
        r, rows = audit(path, timeout=30)
        assert r.returncode == 4 and "含有实体声明，不予读取" in r.stderr.decode() and "root:" not in r.stdout.decode()


def test_5_a_file_name_with_a_line_break_prints_no_forged_line(tmp_path):
    path = _csv(tmp_path / "a\n  退出码 0：全部合规\x1b[31m.csv", _line(1))
    r, rows = audit(path)
    err = r.stderr.decode()
    assert len(rows) == 1 and "a\\n  退出码 0：全部合规" in err and "\x1b" not in err
    assert not any(line.startswith("  退出码 0：全部合规") for line in err.splitlines())


HIDDEN_IDS = [GOOD_ID, "3209 0219 9001 0112 36", "320902-19900101-1236", "３２０９０２１９９００１０１１２３６",
              "3209\x0002199001011236", "320902\u200b199001011236", "\ufeff320902199001011236"]


def _leaked(text: str) -> list[str]:
    """ID numbers visible to a reader: invisibles dropped, full-width digits read as digits, group
    separators between digits ignored."""
    import re

    from gridlaw.mask import _VISIBLE

    flat = re.sub(r"(?<=\d)[ \-\u00a0](?=\d)", "", text.translate(_VISIBLE))
    return re.findall(r"(?<!\d)\d{17}[\dXx](?!\d)", flat)


def test_5_ids_hidden_in_free_text_are_masked_in_every_answer(tmp_path):
    """An ID number written in groups, in full-width digits, or with a NUL, a zero-width space or a
    BOM between its digits, in an act's free text: masked in every format of check, in the API and
    on the web form's answer page."""
    from fastapi.testclient import TestClient

    from gridlaw.api import check
    from gridlaw.report import render_many
    from gridlaw.web.app import create_app
    from gridlaw.web.settings import Settings

    text = "核查以下人员：" + "；".join(HIDDEN_IDS)
    act = {"kind": "assignment", "city": "yancheng", "date": "2024-05-01", "task": {"text": text}}
    d = check(act)
    for fmt in ("json", "text", "md", "html"):
        out = render_many([d], fmt)
        assert not _leaked(out), (fmt, _leaked(out))
    path = tmp_path / "act.json"
    path.write_text(json.dumps(act, ensure_ascii=False), "utf-8")
    for fmt in ("json", "text", "md", "html"):
        r = cli("check", str(path), "-f", fmt)
        assert not _leaked(r.stdout.decode() + r.stderr.decode()), fmt
    settings = Settings(workdir=tmp_path / "web")
    settings.workdir.mkdir()
    with TestClient(create_app(settings)) as c:
        r = c.post("/api/v1/check", json={"act": act})
        assert r.status_code == 200 and not _leaked(r.text)
        c.get("/")
        r = c.post("/assignment", data={"csrf_token": c.cookies.get("gridlaw_csrf"), "city": "yancheng",
                                        "date": "2024-05-01", "task.text": text})
        assert r.status_code == 200 and not _leaked(r.text), _leaked(r.text)


def test_5_a_long_remark_is_read_around_its_key_words():
    """The 备注 patterns cost a few tenths of a microsecond per character each: a long remark is read
    only around the words every pattern holds, with the same answers."""
    from gridlaw.audit.remarks import named

    pad = "注" * 200_000
    assert named(pad + "2019年曾被行政拘留" + pad) == ["行政拘留"]
    assert named(pad + "无行政拘留记录" + pad) == []
    assert named(pad + "2019年被原单位开除" + pad) == ["开除公职"]
    assert named("曾被行政拘留") == named("注" * 300 + "曾被行政拘留")


def test_5_a_symlink_loop_and_a_damaged_parquet_page_are_input_errors_in_the_library_too(tmp_path):
    """Through the library (run_audit) a symlink loop raised RuntimeError from Path.resolve and a
    damaged Parquet page an English OSError; both are located InputErrors in Chinese now."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from gridlaw.audit.run import AuditConfig, run_audit
    from gridlaw.errors import InputError

    (tmp_path / "a.csv").symlink_to("b.csv")
    (tmp_path / "b.csv").symlink_to("a.csv")
    good = tmp_path / "ok.parquet"
    pq.write_table(pa.table({"序号": [f"R{i}" for i in range(100)], "姓名": ["张伟"] * 100}), good)
    data = good.read_bytes()
    bad = tmp_path / "bad.parquet"
    bad.write_bytes(data[:4] + b"\x00" * 40 + data[44:])          # the first page header overwritten
    for src, words in ((tmp_path / "a.csv", "符号链接无法解析"), (bad, "已损坏或不完整")):
        with pytest.raises(InputError) as e:
            run_audit(AuditConfig(file=src, kind="hire", city="yancheng", out=tmp_path / "r.jsonl", lang="zh",
                                  listing="none"))
        assert words in e.value.problems[0].message


def test_5_a_parquet_dictionary_repeating_one_long_value_is_bounded_before_decoding(tmp_path):
    """A 144 KB Parquet file whose dictionary holds one 1,000,000-character value used by 300 rows
    decoded to 1.9 GB before the cell bound saw it. The dictionaries are measured first now: the
    rows are rejected (each cell is over Excel's limit) or the input refused past MAX_TEXT, and
    the process stays small (measured under /usr/bin/time -v)."""
    import re

    import pyarrow as pa
    import pyarrow.parquet as pq

    path = tmp_path / "dict.parquet"
    n = 300
    pq.write_table(pa.table({"序号": [f"R{i}" for i in range(n)], "姓名": ["张伟"] * n, "拟任岗位": ["专职网格员"] * n,
                             "报名日期": ["2024年5月6日"] * n, "备注": ["注" * 1_000_000] * n}), path)
    assert path.stat().st_size < 1 << 20
    timing = tmp_path / "time.txt"
    r = subprocess.run(["/usr/bin/time", "-v", "-o", str(timing), *GRIDLAW, "audit", str(path), "--city", "yancheng",
                        "--kind", "hire", "-o", str(tmp_path / "r.jsonl")], capture_output=True, timeout=60)
    clean(r)
    assert r.returncode == 4 and "单元格文字累计超过 256,000,000 个字符的上限" in r.stderr.decode()
    rss_kb = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", timing.read_text()).group(1))
    assert rss_kb < 1 << 20, rss_kb                  # the ceiling: 1 GB
