"""Hostile and careless inputs (issue 10): nothing lost, nothing merged, nothing forged.

Every test here reproduces a measured defect: a record that vanished or merged while the
totals balanced, a traceback or an abort instead of a located rejection, a hang, a live
formula, an unmasked phone, a forged cache. Files are written the way they arrive: a
sheet exported from Excel with one careless edit in it.
"""
from __future__ import annotations

import csv
import io
import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import openpyxl
import pytest

from gridlaw.audit.run import AuditConfig, run_audit
from gridlaw.errors import GridlawError

ROOT = Path(__file__).resolve().parents[1]
EX = ROOT / "examples"
HEADER = ["序号", "姓名", "身份证号", "联系电话", "出生日期", "所属区县", "所属镇街", "拟任岗位", "招聘方式",
          "是否中国公民", "政审是否合格", "学历能力符合", "体检是否合格", "是否受过刑事处罚", "是否涉嫌犯罪",
          "是否被行政拘留", "是否被司法拘留", "是否被开除公职", "是否失信", "岗前培训", "报名日期"]
CLEAN = ["是", "是", "是", "是", "否", "否", "否", "否", "否", "否", "是"]


def _id(first17: str) -> str:
    """A valid ID number (gridlaw refuses a wrong check character: issue 18)."""
    from gridlaw.idnumber import check_digit

    return first17 + check_digit(first17)


def row(i: int, name: str = "张伟", township: str = "文峰街道", grid: str | None = None) -> list[str]:
    return [f"A{i:06d}", name, _id(f"32090219900101{i % 1000:03d}"), f"138{i % 10 ** 8:08d}", "1990年3月15日",
            "亭湖区", township, "专职网格员", "统一招聘", *CLEAN, "2024年5月6日"]


def line(cells: list[str]) -> str:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerow(cells)
    return buf.getvalue()


def write(path: Path, lines: list[str], encoding: str = "utf-8") -> Path:
    path.write_bytes("".join([line(HEADER), *lines]).encode(encoding))
    return path


def audit(file: Path, **kw):
    kw.setdefault("progress", False)
    kw.setdefault("city", "yancheng")
    kw.setdefault("kind", "hire")
    return run_audit(AuditConfig(file=Path(file), **kw))


def results(path: Path) -> list[dict]:
    return [json.loads(x) for x in path.read_text("utf-8").splitlines()]


def cli(*args, stdin: bytes | None = None, timeout: float = 60):
    return subprocess.run([sys.executable, "-m", "gridlaw.cli", *map(str, args)], capture_output=True,
                          input=stdin, cwd=ROOT, timeout=timeout)


def accounted(run, out: Path, want_rows: list[int]) -> dict[int, dict]:
    """read = evaluated + rejected, and every record's row appears exactly once in the results."""
    c = run.collector
    assert c.rows_in == c.evaluated + c.rejected == len(want_rows), (c.rows_in, c.evaluated, c.rejected)
    got = results(out)
    rows = [r["row"] for r in got]
    assert sorted(rows) == sorted(want_rows), set(rows) ^ set(want_rows)
    return {r["row"]: r for r in got}


# --------------------------------------------------------------------------- CSV records


def test_unclosed_quote_is_reported_at_its_row_and_the_reader_resyncs(tmp_path):
    lines = [line(row(i)) for i in range(1000)]
    lines[499] = lines[499].replace("张伟", '"张三', 1)          # never closed
    out = tmp_path / "r.jsonl"
    run = audit(write(tmp_path / "a.csv", lines), out=out)
    got = accounted(run, out, list(range(2, 1002)))
    assert run.collector.rejected == 1
    assert got[501]["decision"] == "unreadable" and "引号" in got[501]["reason"]
    assert got[502]["decision"] != "unreadable" and got[1001]["id"] == "A000999"


def test_a_field_past_128_kib_is_one_rejected_row(tmp_path):
    lines = [line(row(i)) for i in range(50)]
    lines[10] = line(row(10, township="镇" * (130 * 1024)))
    out = tmp_path / "r.jsonl"
    run = audit(write(tmp_path / "a.csv", lines), out=out)
    got = accounted(run, out, list(range(2, 52)))
    assert got[12]["decision"] == "unreadable" and "过长" in got[12]["reason"]
    assert run.collector.rejected == 1


def test_two_percent_malformed_rows_in_100000_are_each_accounted(tmp_path):
    import random

    rnd = random.Random(10)
    lines, bad = [], set()
    for i in range(100_000):
        cells = row(i)
        text = line(cells)
        if rnd.random() < 0.02:
            how = rnd.randrange(4)
            if how == 0:
                text = text.replace("张伟", '"张三', 1)           # unclosed quote
            elif how == 1:
                text = text.replace(",亭湖区", "", 1)             # a short row
            elif how == 2:
                text = text.rstrip("\n") + ",多余\n"              # a long row
            else:
                text = text.replace("张伟", '"张"三"', 1)          # a quote closed too early
            bad.add(i + 2)
        lines.append(text)
    out = tmp_path / "r.jsonl"
    run = audit(write(tmp_path / "big.csv", lines), out=out)
    got = accounted(run, out, list(range(2, 100_002)))
    rejected = {r for r, x in got.items() if x["decision"] == "unreadable"}
    assert rejected == bad
    t = run.source.tally        # physical lines counted on the bytes = lines the records took
    assert t.balanced() and t.lines_in_bytes == 100_001 and t.records == 100_001


def test_a_stray_quote_inside_an_unquoted_field_is_text(tmp_path):
    lines = [line(row(i)) for i in range(20)]
    lines[5] = lines[5].replace("张伟", '张"三', 1)
    out = tmp_path / "r.jsonl"
    run = audit(write(tmp_path / "a.csv", lines), out=out)
    got = accounted(run, out, list(range(2, 22)))
    assert run.collector.rejected == 0 and got[7]["id"] == "A000005"


def test_stray_quotes_across_a_block_boundary_do_not_merge_records(tmp_path):
    lines = [line(row(i)) for i in range(3000)]
    for i in range(0, 3000, 7):
        lines[i] = lines[i].replace("张伟", '张"三', 1)
    src = write(tmp_path / "a.csv", lines)
    from gridlaw.audit.readers import open_source

    chunks = list(open_source(src, block=4096).chunks())
    assert sum(c.n for c in chunks) == 3000 and not any(c.bad for c in chunks)
    assert [int(x) for c in chunks for x in c.lines] == list(range(2, 3002))


def test_row_numbers_are_excel_rows_despite_cr_and_line_breaks_in_cells(tmp_path):
    lines = [line(row(i)) for i in range(30)]
    lines[3] = line(row(3, township="文峰\r街道"))             # a bare CR inside a quoted cell
    lines[8] = line(row(8, township="文峰\n街道"))             # a line break inside a quoted cell
    out = tmp_path / "r.jsonl"
    run = audit(write(tmp_path / "a.csv", lines), out=out)
    got = accounted(run, out, list(range(2, 32)))
    assert got[31]["id"] == "A000029" and got[6]["id"] == "A000004"


def test_an_undecodable_line_after_the_first_megabyte_is_rejected_at_its_row(tmp_path):
    lines = [line(row(i)) for i in range(12_000)]
    path = tmp_path / "a.csv"
    data = "".join([line(HEADER), *lines]).encode("utf-8")
    assert len(data) > 1 << 20
    parts = data.split(b"\n")
    parts[11_000] = parts[11_000].replace("张伟".encode(), "张伟".encode("gbk"))
    path.write_bytes(b"\n".join(parts))
    out = tmp_path / "r.jsonl"
    run = audit(path, out=out)
    got = accounted(run, out, list(range(2, 12_002)))
    assert got[11_001]["decision"] == "unreadable" and got[11_002]["id"] == "A011000"


def test_short_and_long_rows_keep_their_id(tmp_path):
    lines = [line(row(i)) for i in range(10)]
    lines[2] = line(row(2)[:-3])
    lines[4] = line(row(4) + ["多"])
    out = tmp_path / "r.jsonl"
    got = accounted(audit(write(tmp_path / "a.csv", lines), out=out), out, list(range(2, 12)))
    assert got[4]["decision"] == got[6]["decision"] == "unreadable"
    assert got[4]["id"] == "A000002" and got[6]["id"] == "A000004"


def test_a_header_with_only_blank_or_ragged_rows_is_a_clean_error(tmp_path):
    for body in ([",,,,\n", "\n", ",,\n"], [",,\n", "x\n"]):
        r = cli("audit", write(tmp_path / "a.csv", body), "--city", "yancheng", "--kind", "hire")
        err = r.stderr.decode()
        assert r.returncode in (3, 4) and "Traceback" not in err and "Error:" not in err, err


# --------------------------------------------------------------------------- one bad record never aborts


def test_a_control_character_with_xlsx_output_is_a_valid_workbook(tmp_path):
    lines = [line(row(i, township="文峰\x01街道\x1b[31m" if i == 2 else "文峰街道")) for i in range(5)]
    out = tmp_path / "x.xlsx"
    r = cli("audit", write(tmp_path / "a.csv", lines), "--city", "yancheng", "--kind", "hire", "-o", out)
    assert r.returncode in (0, 1, 3), r.stderr.decode()
    ws = openpyxl.load_workbook(out).active
    assert ws.max_row == 6


def test_a_20_digit_integer_rejects_only_its_row(tmp_path):
    head = HEADER + ["年龄"]
    path = tmp_path / "a.csv"
    body = [line(row(i) + ["12345678901234567890" if i == 1 else "34"]) for i in range(4)]
    path.write_text(line(head) + "".join(body), "utf-8")
    out = tmp_path / "r.jsonl"
    got = accounted(audit(path, out=out), out, [2, 3, 4, 5])
    assert got[3]["decision"] == "unreadable" and got[2]["decision"] != "unreadable"


def _jsonl_act(i: int) -> dict:
    return {"kind": "hire", "city": "yancheng", "date": "2024-05-01", "role": "full_time",
            "candidate": {"name": "王小明", "criminal_record": False}, "id": f"J{i}"}


def test_a_deeply_nested_jsonl_line_rejects_only_its_line(tmp_path):
    lines = [json.dumps(_jsonl_act(i), ensure_ascii=False) for i in range(5)]
    lines[2] = '{"a": ' * 5000 + "1" + "}" * 5000
    path = tmp_path / "a.jsonl"
    path.write_text("\n".join(lines) + "\n", "utf-8")
    out = tmp_path / "r.jsonl"
    got = accounted(audit(path, out=out, city=None, kind=None), out, [1, 2, 3, 4, 5])
    assert got[3]["decision"] == "unreadable"


def test_a_jsonl_file_whose_first_line_is_a_list_is_still_jsonl(tmp_path):
    lines = ["[1, 2]", *[json.dumps(_jsonl_act(i), ensure_ascii=False) for i in range(3)]]
    path = tmp_path / "a.jsonl"
    path.write_text("\n".join(lines) + "\n", "utf-8")
    out = tmp_path / "r.jsonl"
    got = accounted(audit(path, out=out, city=None, kind=None), out, [1, 2, 3, 4])
    assert got[1]["decision"] == "unreadable" and got[2]["decision"] != "unreadable"


def test_a_lone_surrogate_in_utf16_rejects_only_its_row(tmp_path):
    text = "\t".join(HEADER) + "\r\n" + "".join("\t".join(row(i)) + "\r\n" for i in range(5))
    data = bytearray(text.encode("utf-16"))
    pos = data.index("A000003".encode("utf-16-le"))
    data[pos:pos + 2] = b"\x00\xd8"                                   # a lone high surrogate
    path = tmp_path / "u.txt"
    path.write_bytes(bytes(data))
    out = tmp_path / "r.jsonl"
    got = accounted(audit(path, out=out), out, [2, 3, 4, 5, 6])
    assert got[5]["decision"] == "unreadable" and got[6]["id"] == "A000004"


# --------------------------------------------------------------------------- check: errors, not tracebacks

HIRE = (EX / "hire.yaml").read_text("utf-8")


@pytest.mark.parametrize("text", [
    HIRE.replace("date: 2024-05-01\n", ""),                                   # missing date
    HIRE.replace("kind: hire", "kind: [hire]"),
    HIRE.replace("date: 2024-05-01", "date: 2024-02-30"),
    HIRE.replace("date: 2024-05-01", 'date: !!int ""'),
    HIRE.replace("date: 2024-05-01", "date: !!timestamp 2024-01-01"),
    HIRE.replace("  citizen: true", '  citizen: !!float "x"'),
    HIRE.replace("kind: hire", "kind: exit").split("candidate:")[0] + "worker:\n  appraisals:\n    - year: 2023\n",
    "a:\n" + "".join("  " * i + "- \n" for i in range(1, 2)) + "[" * 995 + "]" * 995,
    "x: " + "[" * 995 + "]" * 995,
])
def test_check_bad_acts_exit_4_without_traceback(tmp_path, text):
    path = tmp_path / "act.yaml"
    path.write_text(text, "utf-8")
    r = cli("check", path)
    err = r.stderr.decode()
    assert r.returncode == 4 and "Traceback" not in err and err.startswith("错误:"), err


def test_check_invalid_utf8_on_stdin_and_dev_zero():
    r = cli("check", "-", stdin=b"kind: hire\ncity: \xff\xfe\n")
    assert r.returncode == 4 and b"Traceback" not in r.stderr and b"UTF-8" in r.stderr
    r = cli("check", "/dev/zero", timeout=20)
    assert r.returncode == 4 and b"Traceback" not in r.stderr
    r = cli("check", EX / "assignment.yaml", "--checklist", "/dev/zero", timeout=20)
    assert r.returncode == 4 and b"Traceback" not in r.stderr
    r = cli("audit", EX / "audit" / "applicants.csv", "--city", "yancheng", "--map", "/dev/zero", timeout=20)
    assert r.returncode == 4 and b"/dev/zero" in r.stderr
    r = cli("audit", "/dev/zero", "--city", "yancheng", timeout=20)
    assert r.returncode == 4 and b"Traceback" not in r.stderr


BOMB = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{c}: &{c} [*{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}]\n"
    for p, c in zip("abcdefgh", "bcdefghi"))


def test_alias_bombs_are_refused_quickly_everywhere(tmp_path):
    bomb = tmp_path / "bomb.yaml"
    bomb.write_text(BOMB, "utf-8")
    t0 = time.perf_counter()
    r = cli("check", bomb, timeout=10)
    assert r.returncode == 4 and "别名".encode() in r.stderr or b"alias" in r.stderr, r.stderr
    r = cli("check", EX / "assignment.yaml", "--checklist", bomb, timeout=10)
    assert r.returncode == 4 and b"Traceback" not in r.stderr and b"bomb.yaml" in r.stderr
    csvf = write(tmp_path / "a.csv", [line(row(1))])
    r = cli("audit", csvf, "--map", bomb, "--city", "yancheng", timeout=10)
    assert r.returncode == 4 and b"bomb.yaml" in r.stderr, r.stderr
    from gridlaw.yamlsrc import YAMLSyntaxError, load_yaml

    with pytest.raises(YAMLSyntaxError):
        load_yaml("rules: " + BOMB.replace("\n", "\n  ").replace("a: ", "- a: ", 1), "rules/x.yaml")
    assert time.perf_counter() - t0 < 30


def test_tags_are_refused(tmp_path):
    from gridlaw.yamlsrc import YAMLSyntaxError, load_yaml

    for text in ('a: !!int ""', "a: !!python/object:os.system x", "a: !foo 1", "a: !!binary aGk="):
        with pytest.raises(YAMLSyntaxError):
            load_yaml(text, "t.yaml")


def test_a_malformed_map_names_the_map_file(tmp_path):
    bad = tmp_path / "mymap.yaml"
    bad.write_text("headers:\n  - 姓名\n  - 身份证号\n", "utf-8")
    r = cli("audit", write(tmp_path / "a.csv", [line(row(1))]), "--map", bad, "--city", "yancheng")
    err = r.stderr.decode()
    assert r.returncode == 4 and "mymap.yaml" in err and "AttributeError" not in err, err


# --------------------------------------------------------------------------- outputs


FORMULAS = ['=HYPERLINK("http://evil.example","点击")', "+cmd|' /C calc'!A0", "-1+1", "@SUM(A1:A9)", "\t=1+1"]


def test_formulas_from_cells_are_never_live_in_csv_or_xlsx(tmp_path):
    lines = [line(row(i, township=f, grid=f)[:0] + [f] + row(i)[1:6] + [f] + row(i)[7:]) for i, f in enumerate(FORMULAS)]
    src = write(tmp_path / "a.csv", lines)
    for ext in ("csv", "xlsx"):
        out = tmp_path / f"r.{ext}"
        r = cli("audit", src, "--city", "yancheng", "--kind", "hire", "-o", out)
        assert r.returncode in (0, 1, 3), r.stderr.decode()
        if ext == "csv":
            cells = [c for rec in csv.reader(io.StringIO(out.read_text("utf-8-sig"))) for c in rec]
        else:
            ws = openpyxl.load_workbook(out).worksheets[0]
            assert all(c.data_type != "f" for rec in ws.iter_rows() for c in rec)
            cells = [str(c.value) for rec in ws.iter_rows() for c in rec if c.value is not None]
        assert not [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r")], ext
        assert any(c.startswith("'=HYPERLINK") for c in cells) and any(c == "'-1+1" for c in cells)


def test_terminal_escapes_in_cells_never_reach_the_terminal(tmp_path):
    lines = [line(row(1, name="\x1b]0;owned\x07\x1b[2J张三")), line(row(2)[:5])]
    lines[1] = line(["\x1b[31mA2"] + row(2)[1:5])
    r = cli("audit", write(tmp_path / "a.csv", lines), "--city", "yancheng", "--kind", "hire", "--list")
    assert b"\x1b" not in r.stdout and b"\x1b" not in r.stderr and b"\x07" not in r.stdout


def test_out_equal_to_the_input_is_refused_and_the_input_kept(tmp_path):
    src = write(tmp_path / "a.jsonl".replace("jsonl", "csv"), [line(row(i)) for i in range(3)])
    before = src.read_bytes()
    csv_src = tmp_path / "b.csv"
    csv_src.write_bytes(before)
    r = cli("audit", csv_src, "--city", "yancheng", "--kind", "hire", "-o", csv_src)
    assert r.returncode == 4 and "输入文件本身".encode() in r.stderr and csv_src.read_bytes() == before
    r = cli("audit", csv_src, "--city", "yancheng", "--kind", "hire", "-o", tmp_path / "." / "b.csv")
    assert r.returncode == 4 and csv_src.read_bytes() == before


def test_results_are_atomic_with_a_manifest_and_a_killed_run_leaves_nothing(tmp_path):
    src = write(tmp_path / "a.csv", [line(row(i)) for i in range(400_000)])
    out = tmp_path / "r.jsonl"
    small = write(tmp_path / "s.csv", [line(row(i)) for i in range(10)])
    r = cli("audit", small, "--city", "yancheng", "--kind", "hire", "-o", out, "--checklist", EX / "checklist.yaml")
    man = json.loads((tmp_path / "r.jsonl.manifest.json").read_text("utf-8"))
    assert man["rows"] == 10 == len(out.read_text("utf-8").splitlines()) and man["complete"]
    import hashlib

    assert man["sha256"] == hashlib.sha256(out.read_bytes()).hexdigest()
    assert man["stamp"]["checklist"] and man["stamp"]["engine_code"] and man["stamp"]["packs"]["yancheng"]
    # a big run killed mid-way: the previous (small) results are gone and no partial file is left
    p = subprocess.Popen([sys.executable, "-m", "gridlaw.cli", "audit", str(src), "--city", "yancheng", "--kind",
                          "hire", "-o", str(out)], cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 60
    while time.time() < deadline and not list(tmp_path.glob(".r.jsonl.*.part")):
        time.sleep(0.05)
    time.sleep(0.1)
    p.send_signal(signal.SIGKILL)
    assert p.wait() == -signal.SIGKILL                      # killed mid-run, not finished
    assert not out.exists() and not (tmp_path / "r.jsonl.manifest.json").exists()


PII = ["13812345671", "+8613812345671", "138 1234 5678", "320902900101123", "32090219900101123X"]


def test_pii_in_every_field_is_masked_in_every_output(tmp_path):
    lines = []
    for i, p in enumerate(PII):
        cells = [f"编号{p}", f"张{p}", p, p, "1990年3月15日", f"亭湖区{p}", f"文峰街道{p}", "专职网格员", "统一招聘",
                 *CLEAN, "2024年5月6日"]
        lines.append(line(cells + (["多余"] if i == 0 else [])))        # the first is also a rejected row
        lines.append(line(cells[:9] + [f"不详{p}"] + cells[10:]))        # a bad value quoted in the reason
    src = write(tmp_path / "a.csv", lines)
    outs = [tmp_path / "r.jsonl", tmp_path / "r.csv", tmp_path / "r.xlsx"]
    texts = []
    for o in outs:
        r = cli("audit", src, "--city", "yancheng", "--kind", "hire", "-o", o, "--report", tmp_path / "r.html", "--list")
        texts += [r.stdout.decode(), r.stderr.decode()]
        if o.suffix == ".xlsx":
            texts.append(" ".join(str(c.value) for ws in openpyxl.load_workbook(o) for rec in ws.iter_rows()
                                  for c in rec if c.value is not None))
        else:
            texts.append(o.read_text("utf-8-sig"))
        texts.append((tmp_path / "r.html").read_text("utf-8"))
    act = tmp_path / "act.yaml"
    act.write_text((EX / "assignment.yaml").read_text("utf-8").replace("kind: assignment", "kind: assignment\n"
                   f"township: 文峰街道{PII[1]}\ngrid: 网格{PII[2]}\nid: {PII[3]}"), "utf-8")
    for fmt in ("json", "text", "md", "html"):
        texts.append(cli("check", act, "-f", fmt).stdout.decode())
    blob = "\n".join(texts)
    digits = re.sub(r"[ \-]", "", blob)
    for p in PII:
        assert re.sub(r"[ +\-]", "", p)[-11:] not in digits, p


# --------------------------------------------------------------------------- a cache that cannot forge


CRIMINAL = {"kind": "hire", "city": "yancheng", "date": "2024-05-01", "role": "full_time",
            "recruited_by": "township_unified", "candidate": {"criminal_record": True}}


def test_an_edited_cache_entry_is_ignored_and_the_pack_recompiled(tmp_path, monkeypatch):
    """Issue 19 changed the cache: it holds no rules, only a keyed "these bytes were validated";
    an entry edited by hand (its seal recomputed without the key) is not trusted."""
    import hashlib

    from gridlaw.api import parse_act
    from gridlaw.evaluate import evaluate
    from gridlaw.loader import compile_pack, pack_root

    monkeypatch.setenv("GRIDLAW_CACHE_DIR", str(tmp_path))
    monkeypatch.setenv("GRIDLAW_CONFIG_DIR", str(tmp_path / "config"))
    fresh = compile_pack(pack_root("yancheng"), "yancheng")
    want = evaluate(fresh, parse_act(CRIMINAL))
    assert want.decision == "non_compliant" and "yancheng.art16.no-criminal-record" in want.deciding_rules
    [entry] = tmp_path.rglob("yancheng-*.json")
    data = json.loads(entry.read_text("utf-8"))
    assert "rules" not in data["body"]
    data["body"]["engine"] = "forged"
    data["seal"] = hashlib.sha256(json.dumps(data["body"], sort_keys=True).encode()).hexdigest()
    entry.write_text(json.dumps(data, ensure_ascii=False), "utf-8")
    again = compile_pack(pack_root("yancheng"), "yancheng")
    got = evaluate(again, parse_act(CRIMINAL))
    assert (got.decision, got.deciding_rules) == (want.decision, want.deciding_rules)
    assert "forged" not in entry.read_text("utf-8")          # the entry was rewritten after validating again
    assert got.to_dict()["stamp"]["engine_code"]


def test_the_checklist_is_part_of_the_input_hash():
    import gridlaw

    act = (EX / "assignment.yaml").read_text("utf-8")
    from gridlaw.api import read_act_file

    [(model, _)] = read_act_file(str(EX / "assignment.yaml"))
    a = gridlaw.check(model).to_dict()["stamp"]["input_hash"]
    b = gridlaw.check(model, EX / "checklist.yaml").to_dict()["stamp"]["input_hash"]
    assert a != b and act


def test_validate_reports_a_tampered_pack(tmp_path):
    import shutil

    from gridlaw.packreview import differences, file_hashes, load_manifest

    root = tmp_path / "yancheng"
    shutil.copytree(ROOT / "policies" / "yancheng", root)
    manifest = load_manifest()
    assert manifest["yancheng"] == file_hashes(root), "run scripts/pack_manifest.py after a reviewed pack change"
    rules = next(p for p in sorted((root / "rules").iterdir()) if "no-criminal-record" in p.read_text("utf-8"))
    rules.write_text(rules.read_text("utf-8").replace("eq: true", "eq: false", 1), "utf-8")
    assert differences("yancheng", root, manifest) == [f"rules/{rules.name}: changed since review"]
    r = cli("validate", "yancheng", "--lang", "en")
    assert r.returncode == 0 and b"matches the reviewed files" in r.stdout
