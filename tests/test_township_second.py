"""Issue 18 acceptance, second round, from the CLI: a different clerk's register and ledger
(tests/clerk_sheets_second.py) as .xlsx, .xls, .ods and GBK CSV, under 盐城 and 衢州. Every row must be actionable
without the source sheet (its 编号 and masked name, or its task, with its advice); the listing groups rows with the
same advice; the 备注 in this clerk's own words is read; no English word or code reaches a Chinese output."""
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from clerk_sheets_second import PEOPLE, TASKS, ledger, register

ROOT = Path(__file__).resolve().parents[1]
LATIN = re.compile(r"[A-Za-z]{2,}")


def audit(path, *args):
    return subprocess.run([sys.executable, "-m", "gridlaw.cli", "audit", str(path), *map(str, args)],
                          capture_output=True, text=True, cwd=ROOT)


def latin_words(text: str, *own: str) -> list[str]:
    """English words in a Chinese output, the clerk's own (file and sheet names, 反诈APP, Excel's 3.3E+17) and the
    stamp's hashes aside."""
    for s in own + ("Sheet1", "APP", "E+17"):
        text = text.replace(s, "")
    return LATIN.findall(re.sub(r"\b[0-9a-f]{12,}\b", "", text))


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    d = tmp_path_factory.mktemp("second")
    return {(what, ext): (register if what == "hire" else ledger)(d / f"{'花名册' if what == 'hire' else '登记簿'}.{ext}")
            for what in ("hire", "tasks") for ext in ("xlsx", "xls", "ods", "csv")}


@pytest.mark.parametrize("ext", ["xlsx", "xls", "ods", "csv"])
def test_register_rows_stand_alone_and_remarks_are_read(files, tmp_path, ext):
    out = tmp_path / "r.jsonl"
    r = audit(files["hire", ext], "--city", "盐城", "--kind", "hire", "--out", out)
    assert r.returncode == 1, r.stderr                       # 编号 11 is 17 on the 填报日期 (2024-06-03)
    assert "审查基准日：按表头所载填报日期 2024-06-03" in r.stderr
    assert "读入 30 行 = 已审查 29 + 未能审查 1（另有空行 2）" in r.stderr
    assert "表头以上的标题行 4、合计行 1、注释行 1" in r.stderr
    rows = {x["id"]: x for x in map(json.loads, out.read_text("utf-8").splitlines())}
    assert sorted(rows, key=int) == [str(i) for i in range(1, 31)]
    assert rows["11"]["decision"] == "non_compliant"
    assert rows["11"]["violated"][0]["article"].endswith("第十六条第一款第（二）项")
    # 拟聘岗位 sets the role per row: 兼职网格员 rows are not under 第十六条, 网格长 rows need their appointment
    assert rows["23"]["decision"] == "not_addressed"
    assert rows["3"]["documents"] == ["任职文件"]
    # the 备注 in this clerk's own words, quoted; a remark that names nothing (退役军人, 无不良记录) gives no note
    said = {"2": "2017年因打架被拘留过", "5": "上了失信名单", "10": "曾判过刑，缓刑已满", "12": "岗前培训没参加",
            "18": "体检未通过", "22": "政审未通过", "26": "被司法拘留过一次", "28": "2020年被开除公职"}
    for seq, words in said.items():
        assert f"备注载明“{words}”，需人工核实" in (rows[seq].get("note") or ""), (seq, rows[seq])
    assert not rows["15"].get("note") and not rows["19"].get("note")
    assert rows["5"]["decision"] == "needs_review"            # 兼职: no city condition, but the remark is for a person
    # a valid ID number settles citizenship and age; a filled 文化程度 column spares 学历证书: asked only where missing
    asked_id = sorted((k for k, x in rows.items() if "居民身份证" in x["documents"]), key=int)
    asked_edu = sorted((k for k, x in rows.items() if "学历证书" in x["documents"]), key=int)
    assert asked_id == ["21"] and asked_edu == ["20"]
    # 1985.1 / 1992.1: January or October, settled from the ID number on the row
    if ext != "csv":
        assert "按身份证号定为 1985-01-01" in rows["7"]["note"] and "按身份证号定为 1992-10-10" in rows["9"]["note"]
    assert rows["25"]["decision"] == "unreadable" and "存成了数值" in rows["25"]["reason"]
    # grouped listing: far fewer heads than people, every one of the 30 named once under a head
    lines = r.stdout.splitlines()
    heads = [x for x in lines if not x.startswith("  ")]
    assert len(heads) <= 10 and sum(int(re.search(r" · (\d+) 人", h).group(1)) for h in heads) == 30
    assert len(re.findall(r"序号 \d+ [\u4e00-\u9fff]\*+（第\d+行）", r.stdout)) == 30
    assert "  序号 18 应*（第24行）：备注载明“体检未通过”，需人工核实" in lines
    assert "需人工审查 · 2 人：需人工审查：核实备注所载情况" in r.stdout or "需人工审查 · 2 人：核实备注所载情况" in r.stdout
    assert not latin_words(r.stdout + r.stderr, files["hire", ext].name, str(out))   # paths are the user's own
    for name, _ in ((p[0], p) for p in PEOPLE):
        assert name not in r.stdout and name not in out.read_text("utf-8")        # names masked everywhere


@pytest.mark.parametrize("ext,city", [("xlsx", "盐城"), ("ods", "衢州"), ("xls", "衢州"), ("csv", "盐城")])
def test_ledger_rows_name_their_task_and_date(files, tmp_path, ext, city):
    out = tmp_path / "t.xlsx"
    report = tmp_path / "t.html"
    r = audit(files["tasks", ext], "--city", city, "--kind", "assignment", "--out", out, "--report", report)
    assert r.returncode == 1, r.stderr
    assert "读入 40 行 = 已审查 40 + 未能审查 0（另有空行 2）" in r.stderr
    assert "日期栏空白的行按表头所载填报日期 2024-07-05" in r.stderr
    # every task appears once in the listing, in full, under a head that says the decision and the advice
    for text, *_ in TASKS:
        assert r.stdout.count(text) == 1, text
    heads = [x for x in r.stdout.splitlines() if not x.startswith("  ")]
    assert sum(int(re.search(r" · (\d+) 件", h).group(1)) for h in heads) == 40 and len(heads) < 20
    # review advice says what to check, not only which article
    review = [h for h in heads if h.startswith("需人工审查")]
    assert review and all("审查要点：" in h for h in review), review
    # the results workbook: Chinese sheet names, the task, its department, grid and date on every row; no codes
    import openpyxl

    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["结果", "复现信息"]
    ws = wb["结果"]
    head = [c.value for c in ws[1]]
    assert {"任务内容", "交办部门", "网格", "日期", "结论", "处理意见"} <= set(head)
    body = [dict(zip(head, (c.value for c in row))) for row in ws.iter_rows(min_row=2)]
    assert len(body) == 40 and all(x["任务内容"] and x["交办部门"] and x["网格"] for x in body)
    assert sum(1 for x in body if not x["日期"]) == 2
    cells = "\n".join(str(c.value) for w in wb for row in w.iter_rows() for c in row if c.value is not None)
    assert not latin_words(cells) and not re.search(r"\b[a-z]+\.art\d+", cells)
    html = report.read_text("utf-8")
    visible = re.sub(r"<(style|details)[^>]*>.*?</\1>|<[^>]+>", " ", html, flags=re.S)
    assert not latin_words(visible, files["tasks", ext].name), latin_words(visible, files["tasks", ext].name)
    assert not latin_words(r.stdout + r.stderr, files["tasks", ext].name, str(out), str(report))


def test_a_power_act_under_another_name_is_not_cleared(files, tmp_path):
    """The clerk's everyday words for sanctions and coercion (收50块钱当作处罚, 拖到村委会扣着, 把门封掉, 没收狗)
    never come out 合规 in either city."""
    power = ["乱扔垃圾的每次收50块钱，当作处罚", "把占道摆摊的三轮车先拖到村委会扣着", "把无证小作坊的门封掉",
             "对养犬不拴绳的住户没收狗", "对违规燃放烟花的当事人罚款100元", "吊销不合格农家乐的营业执照"]
    for city in ("盐城", "衢州"):
        out = tmp_path / f"{city}.jsonl"
        audit(files["tasks", "xlsx"], "--city", city, "--kind", "assignment", "--out", out)
        got = {x["task"]: x["decision"] for x in map(json.loads, out.read_text("utf-8").splitlines())}
        for t in power:
            assert got[t] == "non_compliant", (city, t, got[t])
        assert got["医保缴费通知到每户"] == "compliant" and got["到独居老人家里看看，有困难的登记下来"] == "compliant"


def test_a_violation_says_which_words_it_breaches(files):
    """A task the ledger marks 否 under 是否清单事项 breaches 盐城 第十九条第二款第（一）项 whatever the task is; the advice
    quotes the item's own words, so the clerk sees the 否 decided it and does not take it for a misreading."""
    r = audit(files["tasks", "xlsx"], "--city", "盐城", "--kind", "assignment")
    lines = r.stdout.splitlines()
    at = next(i for i, x in enumerate(lines) if x.endswith("代收村民的水费"))
    head = next(x for x in reversed(lines[:at]) if not x.startswith("  "))
    assert head == "不合规 · %d 件：违反：《盐城市城乡网格化服务管理实施细则》第十九条第二款第（一）项（“超出当地网格服务管理事项清单中的事项”）" \
        % int(re.search(r" · (\d+) 件", head).group(1)), head
