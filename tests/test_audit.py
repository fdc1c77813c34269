"""gridlaw audit end to end: the inputs people have (GBK/BOM CSV, XLSX, JSONL), nothing lost,
the outputs (results file, HTML report, terminal), and agreement with ``gridlaw.check``."""
from __future__ import annotations

import csv
import datetime as dt
import json
import random
import re
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

import gridlaw
from gridlaw.acts import fact_vocabulary
from gridlaw.audit.mapping import coverage_gaps, load_header_map
from gridlaw.audit.run import AuditConfig, run_audit
from gridlaw.audit.values import BadValue, Converter, fact_specs, parse_date
from gridlaw.idnumber import check_digit
from gridlaw.loader import available_packs

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "audit" / "applicants.csv"

HEADER = ["序号", "姓名", "身份证号", "联系电话", "出生日期", "所属区县", "所属镇街", "拟任岗位", "招聘方式",
          "是否中国公民", "政审是否合格", "学历能力符合", "体检是否合格", "是否受过刑事处罚", "是否涉嫌犯罪",
          "是否被行政拘留", "是否被司法拘留", "是否被开除公职", "是否失信", "岗前培训", "报名日期"]
CLEAN = ["是", "是", "是", "是", "否", "否", "否", "否", "否", "否", "是"]   # citizen … pre_job_training


def applicant(i, name, birth, role="专职网格员", recruited="统一招聘", facts=None, day="2024年5月6日"):
    f = list(CLEAN if facts is None else facts)
    first17 = f"32090219900101{i:03d}"      # a real-looking number: a bad one makes the row unauditable
    return [f"A{i:03d}", name, first17 + check_digit(first17), f"138{i:08d}", birth, "亭湖区",
            "文峰街道", role, recruited, *f, day]


def with_(i, value):
    f = list(CLEAN)
    f[i] = value
    return f


# (row, expected decision); indexes into CLEAN: 4 criminal record, 10 pre-job training, 1 political review
CASES = [
    (applicant(1, "张伟", "1990年3月15日"), "compliant"),
    (applicant(2, "王芳", "1988/7/22", facts=with_(4, "是")), "non_compliant"),
    (applicant(3, "李娜", "1995年11月3日", facts=with_(4, "")[:10] + [""]), "insufficient_facts"),
    (applicant(4, "刘洋", "2007年6月1日"), "non_compliant"),                       # 16 on the record date
    (applicant(5, "陈静", "1992-02-14", facts=with_(6, "有")), "non_compliant"),
    (applicant(6, "周杰", "1994.1.1", recruited="自行招聘"), "non_compliant"),
    (applicant(7, "孙丽", "1993年6月6日", day="2021年10月1日"), "not_in_force"),
    (applicant(8, "马超", "1991年10月10日", facts=with_(10, "否")), "non_compliant"),
    (applicant(9, "郭蕾", "1998年4月20日", facts=with_(1, "")), "insufficient_facts"),
    (applicant(10, "林晓", "32874"), "compliant"),                                  # an Excel serial date
    (applicant(11, "黄敏", "1999年8月8日", role="兼职网格员", facts=[""] * 11), "not_addressed"),  # posts unknown: art. 18 is a permission, never a restriction
]


def write_csv(path: Path, rows, encoding="utf-8", header=HEADER):
    with open(path, "w", encoding=encoding, newline="") as f:
        w = csv.writer(f)
        w.writerow(header)
        w.writerows(rows)
    return path


def cli(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "gridlaw.cli", "audit", *map(str, args)],
                          capture_output=True, text=True, cwd=cwd or ROOT)


def results(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text("utf-8").splitlines()]


def audit(file, **kw):
    kw.setdefault("progress", False)
    return run_audit(AuditConfig(file=Path(file), **kw))


# --------------------------------------------------------------------------- the header map


def test_header_map_names_every_fact_of_every_kind():
    assert coverage_gaps() == {}, "add these facts to engine/audit/headers.yaml"
    hm = load_header_map()
    assert hm.conflicts == []
    for kind, facts in fact_vocabulary().items():
        for fact, meta in facts.items():
            if meta.get("values"):
                table = hm.value_set(fact)
                assert all(code in table.values() for code in meta["values"]), (kind, fact)


def test_values_people_write():
    conv = Converter(load_header_map())
    hire = fact_specs()["hire"]
    for text in ("2021-10-01", "2021/10/1", "2021年10月1日", "2021.10.1", "20211001", "44470", 44470,
                 dt.datetime(2021, 10, 1, 8, 30), "2021-10-01 00:00:00"):
        assert conv.one(hire["candidate.birth_date"], text) == dt.date(2021, 10, 1), text
    for text, want in (("是", True), ("否", False), ("有", True), ("无", False), ("Y", True), ("n", False),
                       ("TRUE", True), ("false", False), ("1", True), ("0", False), ("", None), ("不详", None)):
        assert conv.one(hire["candidate.criminal_record"], text) is want, text
    assert conv.one(hire["role"], "专职网格员") == "full_time"
    assert conv.one(hire["candidate.posts"], "党员、村民代表；志愿者") == ("party_member", "resident_representative",
                                                                      "volunteer")
    assert conv.one(hire["candidate.age"], "30岁") == 30
    assert conv.one(fact_specs()["grid"]["township_population"], "10万") == 100000
    assert conv.one(fact_specs()["exit"]["worker.appraisals"], "2021合格；2022不合格、2023年度:不称职") == \
        ((2021, True), (2022, False), (2023, False))
    for spec, bad in ((hire["candidate.birth_date"], "2021-02-30"), (hire["candidate.criminal_record"], "也许"),
                      (hire["role"], "临时工"), (hire["candidate.age"], "200")):
        with pytest.raises(BadValue):
            conv.one(spec, bad)
    assert parse_date("2021年12月8日") == dt.date(2021, 12, 8)


# --------------------------------------------------------------------------- inputs people really have


def test_gbk_csv_with_chinese_headers_dates_and_yes_no(tmp_path):
    src = write_csv(tmp_path / "报名表.csv", [r for r, _ in CASES], encoding="gbk")
    assert not src.read_bytes().startswith(b"\xef\xbb\xbf")
    out = tmp_path / "out.jsonl"
    r = cli(src, "--city", "yancheng", "--out", out)  # no option beyond --city: encoding and kind are detected
    assert r.returncode == 1, r.stderr            # non-compliant rows present (they decide the code)
    assert "Traceback" not in r.stderr and "国标编码" in r.stderr    # the encoding in words (issue 18: no format codes)
    assert "记录类型由表头推定为人员聘用" in r.stderr      # the kind in words, not its code (issue 18)
    got = [(x["row"], x["decision"]) for x in results(out)]
    assert got == [(i + 2, want) for i, (_, want) in enumerate(CASES)]
    rows = {x["row"]: x for x in results(out)}
    # issue 18: every citation in a list names its instrument (a list may mix the city text and national law)
    assert rows[3]["violated"][0]["article"] == "《盐城市城乡网格化服务管理实施细则》第十六条第二款第（一）项"
    assert rows[3]["violated"][0]["rule"] == "yancheng.art16.no-criminal-record"
    assert rows[4]["documents"] == ["无犯罪记录证明", "岗前培训结业证明"]
    # the HR view on stdout: who, the decision, and what to ask for
    # (issue 18: what the row already settles first, then exactly what is still open)
    # (issue 18: rows with the same advice are one group, its records listed under it)
    assert re.search(r"^事实不足 · \d+ 人：已核实的 \d+ 项条件均符合；尚需核实：无犯罪记录证明、岗前培训结业证明\n  .*李\*（第\d+行）",
                     r.stdout, re.M)


def test_kind_is_not_guessed_when_the_header_is_ambiguous(tmp_path):
    src = tmp_path / "a.csv"
    src.write_text("姓名,日期\n张三,2024-05-01\n", "utf-8")
    r = cli(src, "--city", "yancheng")
    assert r.returncode == 4 and "--kind" in r.stderr and "Traceback" not in r.stderr


def test_bom_csv_gives_the_same_decisions(tmp_path):
    src = write_csv(tmp_path / "bom.csv", [r for r, _ in CASES], encoding="utf-8-sig")
    run = audit(src, city="yancheng", kind="hire", out=tmp_path / "o.jsonl")
    assert run.source.describe.startswith("CSV · UTF-8 (BOM)")
    assert [x["decision"] for x in results(tmp_path / "o.jsonl")] == [want for _, want in CASES]


def test_xlsx_with_a_title_row_date_cells_and_role_option(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "汇总"
    other = wb.create_sheet("说明")
    other.append(["本表说明"])
    ws.append(["2024年专职网格员报名汇总表"])                       # a caption above the header
    header = [h for h in HEADER if h not in ("拟任岗位", "报名日期")]
    ws.append(header)
    for row, _ in CASES[:10]:
        cells = [c for h, c in zip(HEADER, row) if h in header]
        birth = cells[4]
        if re.fullmatch(r"\d{4}年\d{1,2}月\d{1,2}日", birth):
            cells[4] = dt.datetime.strptime(birth, "%Y年%m月%d日")     # a real date cell
        elif birth.isdigit():
            cells[4] = int(birth)                                     # a serial number cell
        ws.append(cells)
    ws.append([])
    path = tmp_path / "applicants.xlsx"
    wb.save(path)
    out = tmp_path / "o.xlsx"
    r = cli(path, "--kind", "hire", "--city", "盐城", "--role", "full_time", "--date", "2024-05-06",
            "--sheet", "汇总", "--out", out)
    assert r.returncode == 1, r.stderr            # non-compliant rows decide the code
    got = list(openpyxl.load_workbook(out, read_only=True).worksheets[0].iter_rows(values_only=True))
    head, body = got[0], got[1:]
    assert head[:3] == ("行号", "编号", "姓名（已遮蔽）") and len(body) == 10   # Chinese headers by default
    assert body[0][2] == "张*"
    # the workbook is for people: decisions in words, no codes (issue 18); JSONL/CSV keep the codes
    assert "结论代码" not in head and "违反规则" not in head
    from gridlaw.labels import LABELS

    head = tuple({"行号": "row", "结论": "decision"}.get(h, h) for h in head)
    words = {v: k for k, v in LABELS["zh"].items()}
    dec = [words[dict(zip(head, b))["decision"]] for b in body]
    want = [w for _, w in CASES[:10]]
    want[6] = "compliant"          # no date column: --date 2024-05-06 applies, after the rules took effect
    assert dec == want
    assert [dict(zip(head, b))["row"] for b in body] == list(range(3, 13))   # sheet rows
    assert re.search(r"^合规 · \d+ 人\n  .*张\*（第3行）", r.stdout, re.M)


def test_jsonl_nested_acts_and_bad_lines(tmp_path):
    good = {"kind": "hire", "city": "yancheng", "date": "2024-05-01", "role": "full_time",
            "recruited_by": "township_unified",
            "candidate": {"name": "王小明", "birth_date": "1990-01-01", "citizen": True, "criminal_record": True}}
    exit_act = {"kind": "exit", "city": "yancheng", "date": "2024-05-01", "role": "full_time",
                "worker": {"appraisals": [{"year": 2022, "passed": False}, {"year": 2023, "passed": False}]}}
    lines = [json.dumps(good, ensure_ascii=False), "", "{not json",
             json.dumps({**good, "candidate": {"crimnal_record": True}}), json.dumps(exit_act), "[1, 2]"]
    src = tmp_path / "acts.jsonl"
    src.write_text("\n".join(lines) + "\n", "utf-8")
    run = audit(src, out=tmp_path / "o.jsonl")
    c = run.collector
    assert (c.rows_in, c.evaluated, c.rejected, c.blank) == (5, 2, 3, 1)
    res = {x["row"]: x for x in results(tmp_path / "o.jsonl")}
    assert sorted(res) == [1, 3, 4, 5, 6]
    assert res[1]["decision"] == gridlaw.check(good).decision == "non_compliant"
    assert res[5]["decision"] == gridlaw.check(exit_act).decision == "non_compliant"
    assert "JSON" in res[3]["reason"]
    assert "crimnal_record" in res[4]["reason"] and "candidate.criminal_record" in res[4]["reason"]
    assert res[6]["decision"] == "unreadable"


# --------------------------------------------------------------------------- nothing lost


def test_100k_rows_with_1_percent_malformed_are_all_accounted_for(tmp_path):
    rnd = random.Random(7)
    base = applicant(1, "张伟", "1990-03-15")
    bad_lines, rows = {}, []
    breakers = [
        (4, "1990-02-30", "出生日期"), (4, "生日不详吧", "出生日期"), (13, "也许", "是否受过刑事处罚"),
        (7, "临时工", "拟任岗位"), (None, "short", None), (None, "long", None),
    ]
    for i in range(100_000):
        row = list(base)
        row[0] = f"R{i:06d}"
        row[13] = rnd.choice(["是", "否", "否", ""])
        if i % 100 == 37:
            col, value, header = breakers[(i // 100) % len(breakers)]
            if value == "short":
                row = row[:5]
            elif value == "long":
                row = row + ["多余"]
            else:
                row[col] = value
            bad_lines[i + 2] = header
        rows.append(row)
    src = write_csv(tmp_path / "big.csv", rows)
    out = tmp_path / "big.jsonl"
    run = audit(src, city="yancheng", kind="hire", out=out, listing="none")
    c = run.collector
    assert c.rows_in == 100_000 == c.evaluated + c.rejected
    assert c.rejected == len(bad_lines) == 1000
    res = results(out)
    assert len(res) == 100_000 and [x["row"] for x in res] == list(range(2, 100_002))
    rejected = {x["row"]: x["reason"] for x in res if x["decision"] == "unreadable"}
    assert set(rejected) == set(bad_lines)
    for row, header in bad_lines.items():
        if header:
            assert rejected[row].startswith(header), (row, rejected[row])
        else:
            assert "列" in rejected[row], rejected[row]     # "有 5 列，表头有 21 列"


def test_rows_are_the_rows_excel_shows_across_quoted_line_breaks_and_blank_lines(tmp_path):
    # a line break inside a cell does not make a new row in Excel, a blank line does (issue 10)
    text = ("\ufeff姓名,出生日期,是否受过刑事处罚,拟任岗位\n"
            "张三,1990-01-01,否,专职网格员\n\n"
            '"李\n四",1991-01-01,是,专职网格员\n'
            "王五,1992-01-01\n"
            ",,,\n"
            "赵六,1993-01-01,是,专职网格员\n")
    src = tmp_path / "q.csv"
    src.write_text(text, "utf-8")
    run = audit(src, city="yancheng", kind="hire", out=tmp_path / "q.jsonl")
    res = {x["row"]: x for x in results(tmp_path / "q.jsonl")}
    assert sorted(res) == [2, 4, 5, 7]
    assert res[5]["decision"] == "unreadable" and res[4]["decision"] == res[7]["decision"] == "non_compliant"
    assert run.collector.blank == 2


# --------------------------------------------------------------------------- agreement with gridlaw.check


def _random_act(kind: str, r: random.Random, hm) -> tuple[dict, dict]:
    """A valid act of ``kind`` and the same record as a spreadsheet row (Chinese headers and labels)."""
    specs = fact_specs()[kind]
    vocab = fact_vocabulary()[kind]
    act: dict = {"kind": kind, "city": "yancheng"}
    cells: dict = {}
    day = dt.date(2021, 12, 8) + dt.timedelta(days=r.randint(-60, 900))
    act["date"] = day.isoformat()
    cells["日期"] = f"{day.year}年{day.month}月{day.day}日"
    texts = ["对焚烧秸秆当事人当场罚款", "采集实有人口信息", "协助查封违章建筑", "走访独居老人", "核发营业执照"]
    for fact, spec in specs.items():
        if fact in ("kind", "city", "date", "id") or spec.personal or fact.endswith(".age") or \
                fact.endswith("consecutive_failed_years") or r.random() < 0.3:
            continue
        header = _header_for(kind, fact, hm)
        if spec.type == "bool":
            value = r.random() < 0.5
            cell = r.choice(["是", "Y", "有"]) if value else r.choice(["否", "N", "无"])
        elif spec.type == "enum":
            value = r.choice(list(spec.codes))
            cell = hm.label_of(fact, value) if r.random() < 0.7 else value
        elif spec.type == "list":
            value = r.sample(list(spec.codes), r.randint(0, 3))
            cell = "、".join(hm.label_of(fact, v) for v in value) or "无"
        elif spec.type == "int":
            value = r.randint(0, 600)
            cell = str(value)
        elif spec.type == "date":
            d = dt.date(1960, 1, 1) + dt.timedelta(days=r.randint(0, 17000))
            value, cell = d.isoformat(), r.choice([f"{d.year}/{d.month}/{d.day}", f"{d.year}年{d.month}月{d.day}日"])
        elif spec.type == "appraisals":
            years = sorted(r.sample(range(2018, 2025), r.randint(0, 4)))
            value = [{"year": y, "passed": r.random() < 0.5} for y in years]
            cell = "；".join(f"{a['year']}{'合格' if a['passed'] else '不合格'}" for a in value) or "无"
        elif fact.endswith(".text"):
            value = cell = r.choice(texts)
        else:
            continue
        _put(act, fact, value)
        cells[header] = cell
    if kind in ("hire", "exit") and "role" not in act:
        act["role"] = "full_time"
        cells[_header_for(kind, "role", hm)] = "专职网格员"
    for required in ("task.text", "matter.text"):
        if required in vocab and required.split(".")[0] not in act:
            _put(act, required, texts[0])
            cells[_header_for(kind, required, hm)] = texts[0]
    if kind == "notice":
        for fact, default in (("publisher", "township"), ("fields", ["grid_name"])):
            if fact not in act:
                act[fact] = default
                cells[_header_for(kind, fact, hm)] = "、".join(hm.label_of(fact, v) for v in default) \
                    if isinstance(default, list) else hm.label_of(fact, default)
    return act, cells


def _put(act: dict, path: str, value) -> None:
    parts = path.split(".")
    for p in parts[:-1]:
        act = act.setdefault(p, {})
    act[parts[-1]] = value


def _header_for(kind: str, fact: str, hm) -> str:
    names = [h for h, (prio, f) in hm.headers[kind].items() if f == fact and prio <= 3]
    return hm.spelling.get(sorted(names)[0], sorted(names)[0])


@pytest.mark.parametrize("kind", ["hire", "exit", "assignment", "notice", "admission", "grid"])
def test_audit_agrees_with_check_row_by_row(tmp_path, kind):
    hm = load_header_map()
    r = random.Random(f"audit-{kind}")
    pairs = [_random_act(kind, r, hm) for _ in range(300)]
    headers = list(dict.fromkeys(h for _, cells in pairs for h in cells))
    src = tmp_path / f"{kind}.csv"
    with open(src, "w", encoding="gb18030", newline="") as f:
        w = csv.writer(f)
        w.writerow(headers)
        for _, cells in pairs:
            w.writerow([cells.get(h, "") for h in headers])
    run = audit(src, city="yancheng", kind=kind, out=tmp_path / "o.jsonl")
    assert run.collector.rejected == 0, run.collector.rejections[:3]
    res = results(tmp_path / "o.jsonl")
    assert len(res) == len(pairs)
    for (act, _), got in zip(pairs, res):
        want = gridlaw.check(act)
        assert got["decision"] == want.decision, (got["row"], act, got)
        # not_in_force: check still shows what national law says of the act; the audit row lists nothing
        violated = [f.rule_id for f in want.findings if f.outcome == "violated"] if want.decision != "not_in_force" else []
        assert [v["rule"] for v in got["violated"]] == violated
        assert [m["fact"] for m in got["missing"]] == [m.fact for m in want.missing]


# --------------------------------------------------------------------------- outputs


def test_report_is_self_contained_and_masks_personal_data(tmp_path):
    rows = [list(r) for r, _ in CASES]
    rows[1][4] = rows[1][2]                      # an ID number where a date belongs: rejected, quoted in the reason
    src = write_csv(tmp_path / "in.csv", rows)
    html_path = tmp_path / "r.html"
    run = audit(src, city="yancheng", kind="hire", report=html_path, out=tmp_path / "o.csv")
    html = html_path.read_text("utf-8")
    assert "<svg" in html and "<script" not in html
    assert not re.search(r"https?://", html)
    assert not re.search(r"""(src|href)\s*=\s*["'](?!#)""", html)
    for row in rows:
        assert row[2] not in html and row[3] not in html         # no raw ID number or phone
    assert "刘洋" not in html and "刘*" in html                    # names masked in the top records
    assert re.search(r"3209\*{10}\d{3}[0-9X]", html)              # the rejected ID number, masked
    assert run.source.sha256 in html and run.packs["yancheng"].hash in html and gridlaw.__version__ in html
    assert "第十六条第二款第（一）项" in html
    assert "亭湖区" in html                                       # a grouping column
    out = (tmp_path / "o.csv").read_text("utf-8-sig")
    assert "张伟" not in out and rows[0][2] not in out
    shown = audit(src, city="yancheng", kind="hire", report=tmp_path / "p.html", show_personal=True, lang="en")
    text = (tmp_path / "p.html").read_text("utf-8")
    assert shown.collector.rows_in == len(rows) and "刘洋" in text and "Records most in breach" in text


def test_city_all_gives_one_result_per_row_per_pack(tmp_path):
    src = write_csv(tmp_path / "in.csv", [r for r, _ in CASES])
    out = tmp_path / "o.jsonl"
    run = audit(src, city="all", kind="hire", out=out, report=tmp_path / "r.html")
    packs = available_packs()
    res = results(out)
    assert len(res) == len(CASES) * len(packs)
    per_row: dict = {}
    for x in res:
        per_row.setdefault(x["row"], []).append(x["city"])
    assert all(cities == packs for cities in per_row.values())
    yancheng = [x["decision"] for x in res if x["city"] == "yancheng"]
    assert yancheng == [want for _, want in CASES]
    assert set(run.collector.by_city) == set(packs)


def test_results_file_has_one_row_per_input_row_in_every_format(tmp_path):
    src = EXAMPLE
    n = len(src.read_text("utf-8").splitlines()) - 1
    for name in ("o.jsonl", "o.csv", "o.xlsx"):
        run = audit(src, city="yancheng", kind="hire", out=tmp_path / name)
        assert run.out_rows == n == run.collector.rows_in
    assert len((tmp_path / "o.csv").read_text("utf-8-sig").splitlines()) == n + 1
    assert len(list(openpyxl.load_workbook(tmp_path / "o.xlsx").worksheets[0].iter_rows())) == n + 1


def test_example_applicants(tmp_path):
    run = audit(EXAMPLE, city="yancheng", kind="hire", out=tmp_path / "o.jsonl")
    got = [x["decision"] for x in results(tmp_path / "o.jsonl")]
    assert got == ["compliant", "non_compliant", "insufficient_facts", "non_compliant", "non_compliant",
                   "compliant", "non_compliant", "compliant", "non_compliant", "unreadable", "non_compliant",
                   "not_in_force", "non_compliant", "non_compliant", "compliant", "insufficient_facts",
                   "unreadable", "non_compliant", "compliant", "non_compliant"]
    assert run.exit_code == 1  # non-compliant applicants decide the code


# --------------------------------------------------------------------------- kinds, cities, maps, exit codes


def test_kind_and_city_columns_and_a_user_map(tmp_path):
    src = tmp_path / "mixed.csv"
    src.write_text("类型,城市,应聘者,岗位,有无前科,2022年度考核,2023年度考核,日期\n"
                   "聘用,盐城,甲,专职网格员,有,,,2024-05-01\n"
                   "退出,盐城市,乙,专职网格员,,不合格,不合格,2024-05-01\n"
                   "退出,自贡,丙,专职网格员,,合格,不合格,2024-05-01\n"
                   ",盐城,丁,专职网格员,,,,2024-05-01\n", "utf-8")
    mapping = tmp_path / "map.yaml"
    mapping.write_text("headers:\n  应聘者: name\n  有无前科: criminal_record\n", "utf-8")
    run = audit(src, map_file=mapping, out=tmp_path / "o.jsonl")
    res = {x["row"]: x for x in results(tmp_path / "o.jsonl")}
    assert res[2]["kind"] == "hire" and res[2]["decision"] == "non_compliant"
    assert res[3]["kind"] == "exit" and res[3]["violated"][0]["rule"] == "yancheng.art17.two-consecutive-failed-years"
    if "zigong" in available_packs():
        assert res[4]["city"] == "zigong" and res[4]["decision"] != "unreadable"
    else:
        assert res[4]["decision"] == "unreadable" and "zigong" in res[4]["reason"]
    assert res[5]["decision"] == "unreadable" and "类型" in res[5]["reason"]
    assert run.collector.rows_in == 4


def test_exit_codes_and_one_line_errors(tmp_path):
    ok = write_csv(tmp_path / "ok.csv", [CASES[0][0], CASES[9][0]])
    bad = write_csv(tmp_path / "bad.csv", [CASES[0][0], CASES[1][0]])
    assert cli(ok, "--city", "yancheng", "--kind", "hire").returncode == 0
    assert cli(bad, "--city", "yancheng", "--kind", "hire").returncode == 1
    junk = tmp_path / "junk.xlsx"
    junk.write_bytes(b"PK\x03\x04 not really a zip")
    for args in ([junk, "--city", "yancheng", "--kind", "hire"], [tmp_path / "missing.csv", "--city", "yancheng"],
                 [ok, "--kind", "hire"], [ok, "--city", "yancheng", "--kind", "hier"]):
        r = cli(*args)
        assert r.returncode == 4, (args, r.stderr)
        assert "Traceback" not in r.stderr and r.stderr.startswith("错误: ") and len(r.stderr.strip().splitlines()) == 1


def test_importing_the_command_costs_only_typer():
    code = ("import sys, gridlaw.audit.command as c; "
            "print([m for m in ('numpy', 'pyarrow', 'openpyxl', 'jinja2', 'gridlaw.loader', 'pydantic') "
            "if m in sys.modules])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert out.stdout.strip() == "[]", out.stderr


def test_results_say_when_and_how_a_task_nature_was_inferred(tmp_path):
    src = tmp_path / "tasks.jsonl"
    src.write_text("\n".join(json.dumps({"kind": "assignment", "city": "yancheng", "date": "2024-05-01", "task": t},
                                        ensure_ascii=False) for t in (
        {"text": "对焚烧秸秆当事人当场罚款"}, {"text": "入户走访独居老人", "on_checklist": True},
        {"text": "完成上级交办的其他工作", "on_checklist": True}, {"text": "查封", "nature": "coercion"})) + "\n", "utf-8")
    out = tmp_path / "r.jsonl"
    cli(src, "--city", "yancheng", "--out", out)
    rows = results(out)
    assert "罚款" in rows[0]["inferred"] and "行政处罚法》第九条" in rows[0]["inferred"]
    assert "一般服务事项" in rows[1]["inferred"]
    # no power act and no service verb: the nature is not presumed (issue 7), the decision asks for it
    assert "未能由文本推定" in rows[2]["inferred"] and rows[2]["decision"] == "insufficient_facts"
    assert rows[3]["inferred"] is None  # the nature was stated, nothing was inferred


def test_age_disagreeing_with_birth_date_is_rejected_not_guessed(tmp_path):
    src = tmp_path / "age.csv"
    src.write_text("姓名,出生日期,年龄,是否受过刑事处罚,记录日期\n张三,1990-01-01,30,否,2024-05-01\n"
                   "李四,1990-01-01,34,否,2024-05-01\n", "utf-8")
    out = tmp_path / "r.jsonl"
    cli(src, "--city", "yancheng", "--kind", "hire", "--role", "full_time", "--out", out)
    rows = results(out)
    assert rows[0]["decision"] == "unreadable" and "34" in rows[0]["reason"]
    assert rows[1]["decision"] != "unreadable"
