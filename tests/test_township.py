"""A township's own sign-up sheet (tests/fixtures/township/, written by make.py as a clerk lays
it out) audits with --city and --kind alone: every applicant decided or named with a reason,
title/注/合计 rows recognised and never audited, month-only birth dates and 身份证号 handled."""
import csv
import datetime as dt
import re
import subprocess
import sys
from pathlib import Path

import pytest

from gridlaw.audit.values import BadValue, MonthDate, parse_date

ROOT = Path(__file__).resolve().parents[1]
SHEETS = ROOT / "tests" / "fixtures" / "township"
# row → (decision code, what the row's 说明 / 违反条款 must say)
WANT = {
    3: ("compliant", None),                                  # 1990.05: 33 or 34, both adult — the month suffices
    4: ("non_compliant", "第十六条第二款第（二）项"),         # 是否受过行政拘留 = 是
    5: ("insufficient_facts", "17 或 18 周岁，取决于出生日"),  # 2006-05 on 2024-05-06: the day decides
    6: ("non_compliant", "第十六条第一款第（二）项"),         # born 2006-05-20 per 身份证号: 17
    7: ("unreadable", "身份证号"),                           # bad check digit, no birth date
    8: ("non_compliant", "第十六条第二款第（四）项"),         # 是否失信被执行人 = 是
}


def audit(path, *args):
    return subprocess.run([sys.executable, "-m", "gridlaw.cli", "audit", str(path), *map(str, args)],
                          capture_output=True, text=True, cwd=ROOT)


@pytest.mark.parametrize("name", ["报名登记表.xls", "报名登记表.xlsx", "报名登记表.csv"])
def test_sign_up_sheet_audits_with_city_and_kind_alone(name, tmp_path):
    out = tmp_path / "结果.csv"
    r = audit(SHEETS / name, "--city", "盐城", "--kind", "hire", "--out", out)
    assert r.returncode == 1, r.stderr                        # non-compliant applicants decide the code
    assert "Traceback" not in r.stderr
    with open(out, encoding="utf-8-sig") as f:
        rows = list(csv.DictReader(f))
    # Chinese headers, a masked name column, one row per applicant — no title, 注 or 合计 row
    assert list(rows[0])[:3] == ["行号", "编号", "姓名（已遮蔽）"]
    got = {int(x["行号"]): x for x in rows}
    assert sorted(got) == sorted(WANT)
    assert [got[r]["姓名（已遮蔽）"] for r in (3, 4)] == ["张*", "王*"]
    for row, (decision, says) in WANT.items():
        x = got[row]
        assert x["结论代码"] == decision, (row, x)
        if says:
            assert says in (x["违反条款"] or "") + (x["说明"] or ""), (row, x)
    assert got[7]["结论"] == "未能审查：数据无法读取" and "校验码不符" in got[7]["说明"]
    assert "出生日期取自身份证号：2006-05-20" in got[6]["说明"]
    # the summary accounts for every line of the sheet
    assert "读入 6 行 = 已审查 5 + 未能审查 1" in r.stderr
    assert "表头以上的标题行 1、注释行 1、合计行 1" in r.stderr
    assert "岗位由表格标题" in r.stderr and "专职网格员" in r.stderr
    assert "注意：列“是否受过治安处罚”像是一项审查事实" in r.stderr
    # the HR view names each applicant with the decision or the reason, grouped by advice (issue 18): each group's
    # head says the decision and how many, and every one of the 6 applicants is named once under a head
    listing = r.stdout.splitlines()
    heads = [line for line in listing if not line.startswith("  ")]
    named = re.findall(r"[\u4e00-\u9fff]\*（第\d+行）", r.stdout)
    assert len(named) == 6 and sum(int(re.search(r" · (\d+) 人", h).group(1)) for h in heads) == 6
    at = listing.index(next(h for h in heads if h.startswith("未能审查 · 1 人：") and "校验码不符" in h))
    assert listing[at + 1].strip() == "序号 5 陈*（第7行）"
    # Chinese throughout: no English sentence in the listing, the summary or the results
    english = re.compile(r"[A-Za-z]+(?:[ ,'’-]+[A-Za-z]+){3,}")
    assert not english.findall(r.stdout + r.stderr + out.read_text("utf-8-sig"))


def test_note_and_total_rows_stay_out_of_the_report(tmp_path):
    html = tmp_path / "r.html"
    r = audit(SHEETS / "报名登记表.xls", "--city", "盐城", "--kind", "hire", "--report", html)
    assert r.returncode == 1, r.stderr
    text = html.read_text("utf-8")
    assert "出生年月按身份证填写" not in text and "6人" not in text
    # the report carries the law: the quote, its effect and the next step, per article
    assert "<q>年满十八周岁的中华人民共和国公民</q>" in text and "不得担任" in text and "处理建议" in text
    assert "北京时间" in text and "UTC" not in text and "<h3>盐城 《盐城市城乡网格化服务管理实施细则》</h3>" in text
    # and, per applicant, what to supply or why the row could not be checked
    assert "逐人处理意见（补正材料）" in text and "校验码不符" in text and "17 或 18 周岁" in text


def test_audit_report_in_headless_chromium(tmp_path):
    """The township audit report, screenshotted for a person to look at (tests/artifacts/audit/)."""
    import shutil

    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    assert Path(chromium).exists(), "Debian's chromium is needed (CI installs it: .ci/run)"
    art = ROOT / "tests" / "artifacts" / "audit"
    art.mkdir(parents=True, exist_ok=True)
    for lang in ("zh", "en"):
        html, png = art / f"township.{lang}.html", art / f"township.{lang}.png"
        png.unlink(missing_ok=True)
        r = audit(SHEETS / "报名登记表.xls", "--city", "盐城", "--kind", "hire", "--report", html, "--lang", lang)
        assert r.returncode == 1, r.stderr
        subprocess.run([chromium, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                        f"--screenshot={png}", "--window-size=1200,3000", html.as_uri()],
                       capture_output=True, timeout=120)
        assert png.exists() and png.stat().st_size > 50_000


def test_header_wordings_map_to_the_facts():
    from gridlaw.audit.mapping import load_header_map

    hm = load_header_map()
    for header, fact in [("是否受过行政拘留", "candidate.administrative_detention"),
                         ("有无行政拘留记录", "candidate.administrative_detention"),
                         ("曾被司法拘留", "candidate.judicial_detention"),
                         ("有无司法拘留", "candidate.judicial_detention"),
                         ("曾被开除公职", "candidate.dismissed_from_public_office"),
                         ("有无犯罪记录", "candidate.criminal_record"),
                         ("曾受过刑事处罚", "candidate.criminal_record"),
                         ("有无失信记录", "candidate.dishonest_person")]:
        assert hm.fact_of("hire", header) == fact, header
    assert hm.fact_of("hire", "是否受过治安处罚") is None      # no such fact: warned about, not guessed


@pytest.mark.parametrize("cell, want", [("1990.05", (1990, 5)), ("1990年5月", (1990, 5)), ("1990-05", (1990, 5)),
                                        ("1990/5", (1990, 5)), (1990.05, (1990, 5)), (2001.12, (2001, 12)),
                                        (1996.2, (1996, 2)), (1994.5, (1994, 5)), (1997.8, (1997, 8))])
def test_year_month_birth_dates(cell, want):
    d = parse_date(cell)
    assert isinstance(d, MonthDate) and (d.year, d.month) == want
    assert d.last_day().month == want[1] and (d.last_day() + dt.timedelta(days=1)).day == 1


def test_a_number_cell_that_lost_its_trailing_zero_is_held_for_the_id_number():
    # issue 18: only .1 is ambiguous (1996.2 is February: no month 20); the audit's birth step
    # settles 1990.1 from the row's ID number or refuses the row (tests/test_township_ids.py)
    from gridlaw.dates import AmbiguousMonth

    assert isinstance(parse_date(1990.1), AmbiguousMonth)
    assert parse_date("1990.1") == MonthDate(1990, 1, 1)    # typed as text, it is January
    with pytest.raises(BadValue):
        parse_date("1990.13")


def test_checklist_as_gbk_csv_xlsx_and_gbk_yaml(tmp_path):
    import openpyxl

    from gridlaw.checklist import load_checklist

    table = tmp_path / "清单.csv"
    table.write_bytes("亭湖区网格服务管理事项清单\n序号,事项名称,区县,公布日期\n"
                      "1,采集登记实有人口信息,亭湖区,2022年3月1日\n2,协助排查化解矛盾纠纷,,\n"
                      "注：以上事项由县网格化机构统一公布,,,\n".encode("gbk"))
    c = load_checklist(table)
    assert c.matters == ["采集登记实有人口信息", "协助排查化解矛盾纠纷"]
    assert c.county == "亭湖区" and c.published == dt.date(2022, 3, 1)
    wb = openpyxl.Workbook()
    wb.active.append(["事项名称"])
    wb.active.append(["采集登记实有人口信息"])
    wb.save(tmp_path / "清单.xlsx")
    assert load_checklist(tmp_path / "清单.xlsx").match("采集登记实有人口信息") == "采集登记实有人口信息"
    gbk = tmp_path / "清单.yaml"
    gbk.write_bytes("county: 亭湖区\nmatters: [采集登记实有人口信息]\n".encode("gbk"))
    assert load_checklist(gbk).county == "亭湖区"
    # the check command reads it too: a listed matter is on the checklist
    act = tmp_path / "a.yaml"
    act.write_text("kind: assignment\ncity: yancheng\ndate: 2024-05-01\ntask: {text: 采集登记实有人口信息}\n", "utf-8")
    r = subprocess.run([sys.executable, "-m", "gridlaw.cli", "check", str(act), "--checklist", str(table), "-f", "json"],
                       capture_output=True, text=True, cwd=ROOT)
    assert r.returncode == 0, r.stdout + r.stderr


def test_audit_writes_junit_and_sarif_for_ci():
    import json
    import xml.etree.ElementTree as ET

    r = audit(SHEETS / "报名登记表.xls", "--city", "盐城", "--kind", "hire", "-f", "junit")
    assert r.returncode == 1, r.stderr
    cases = ET.fromstring(r.stdout).findall(".//testcase")
    assert [c.get("name").split()[0] for c in cases] == [f"第{n}行" for n in sorted(WANT)]
    failed = {c.get("name").split()[0] for c in cases if c.find("failure") is not None}
    assert failed == {"第4行", "第6行", "第7行", "第8行"}      # non-compliant, and the unreadable 身份证号
    r = audit(SHEETS / "报名登记表.xls", "--city", "盐城", "--kind", "hire", "-f", "sarif")
    results = json.loads(r.stdout)["runs"][0]["results"]
    assert {x["locations"][0]["physicalLocation"]["region"]["startLine"] for x in results} == {4, 5, 6, 7, 8}


def test_jsonl_results_carry_the_note(tmp_path):
    import json

    out = tmp_path / "r.jsonl"
    audit(SHEETS / "报名登记表.xlsx", "--city", "盐城", "--kind", "hire", "--out", out)
    rows = {x["row"]: x for x in map(json.loads, out.read_text("utf-8").splitlines())}
    assert "取决于出生日" in rows[5]["note"] and rows[5]["decision"] == "insufficient_facts"
    assert rows[5]["missing"][0]["fact"] == "candidate.age"      # codes in JSONL: the age hangs on the day
    assert rows[3]["note"] is None and rows[7]["decision"] == "unreadable"
