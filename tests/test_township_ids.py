"""ID numbers, birth months and birth dates as a township's HR clerk types them (issue 18 §2).

The sheet is written here as Excel keeps it: 出生年月 typed as the number 1996.2, an ID number
typed into a number cell (Excel keeps 15 digits), blank 出生日期 beside a Yancheng number of
someone born before 1983 (a place-code check by birth date refused those)."""
import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import pytest

from gridlaw.idnumber import BadIdNumber, check_digit, parse_id_number, phone_ok

ROOT = Path(__file__).resolve().parents[1]


def idn(first17: str) -> str:
    return first17 + check_digit(first17)


OLD_YANCHENG = idn("32090219790315001")       # 盐城 亭湖 code, born 1979: cn.ric said "invalid component"
OCT_1996 = idn("32092419961012003")
HEADER = ["序号", "姓名", "身份证号", "出生年月", "是否受过刑事处罚", "是否曾被行政拘留", "报名日期"]
ROWS = [
    (1, "张一", OLD_YANCHENG, None, "否", "否", "2024-05-06"),
    (2, "王二", idn("32090219960220002"), 1996.2, "否", "否", "2024-05-06"),       # February
    (3, "李三", OCT_1996, 1996.1, "否", "否", "2024-05-06"),                      # October, by the ID number
    (4, "赵四", None, 1996.1, "否", "否", "2024-05-06"),                           # no ID: cannot tell
    (5, "钱五", 320902199005201234.0, None, "否", "否", "2024-05-06"),             # a number cell
    (6, "孙六", "320902199005201000", None, "否", "否", "2024-05-06"),             # cut to …000 as text
    (7, "周七", None, "2030-01-01", "否", "否", "2024-05-06"),                     # a typo in the future
    (8, "吴八", idn("99090219900101001"), None, "否", "否", "2024-05-06"),         # unknown place code
    (9, "郑九", "3209021990", None, "否", "否", "2024-05-06"),                     # ten digits
]


@pytest.fixture(scope="module")
def audited(tmp_path_factory):
    import openpyxl

    tmp = tmp_path_factory.mktemp("ids")
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(HEADER)
    for row in ROWS:
        ws.append(list(row))
    sheet = tmp / "报名表.xlsx"
    wb.save(sheet)
    out = tmp / "r.jsonl"
    r = subprocess.run([sys.executable, "-m", "gridlaw.cli", "audit", str(sheet), "--kind", "hire", "--city", "yancheng",
                        "--role", "full_time", "--out", str(out)], capture_output=True, text=True, cwd=ROOT)
    assert "Traceback" not in r.stderr, r.stderr
    return {x["id"]: x for x in map(json.loads, out.read_text("utf-8").splitlines())}


def test_a_yancheng_number_of_someone_born_before_1983_is_read(audited):
    x = audited["1"]
    assert x["decision"] != "unreadable", x
    assert "出生日期取自身份证号：1979-03-15" in x["note"]
    # the number shows citizenship and the birth date: 居民身份证 is not asked for
    assert "居民身份证" not in x["documents"]
    assert "candidate.citizen" not in [m["fact"] for m in x["missing"]]


def test_birth_months_typed_as_numbers(audited):
    assert audited["2"]["decision"] != "unreadable", audited["2"]
    assert audited["3"]["decision"] != "unreadable" and "按身份证号定为 1996-10-12" in audited["3"]["note"]
    four = audited["4"]
    assert four["decision"] == "unreadable" and "1 月还是 10 月" in four["reason"] and "1996.01" in four["reason"]


def test_numbers_excel_cut_are_refused(audited):
    assert audited["5"]["decision"] == "unreadable" and "存成了数值" in audited["5"]["reason"]
    assert audited["6"]["decision"] == "unreadable" and "疑被表格软件截断" in audited["6"]["reason"]
    assert audited["9"]["decision"] == "unreadable" and "应为 18 位" in audited["9"]["reason"]


def test_a_birth_date_in_the_future_is_an_input_error(audited):
    x = audited["7"]
    assert x["decision"] == "unreadable" and "晚于审查基准日 2024-05-06" in x["reason"]
    assert x["violated"] == []


def test_an_unknown_place_code_is_a_warning(audited):
    x = audited["8"]
    assert x["decision"] != "unreadable" and "不是大陆省级代码" in x["note"]
    # not a mainland resident ID (9… is the foreigners' permanent residence card): citizenship stays unknown
    assert "居民身份证" in x["documents"]


@pytest.mark.parametrize("number", ["11010119900307447", "1101011990030744X5", "110101199013074471"])
def test_id_numbers_refused(number):
    with pytest.raises(BadIdNumber):
        parse_id_number(number)


def test_id_numbers_accepted():
    got = parse_id_number(" 3209 0219 7903 1500 1" + OLD_YANCHENG[-1])
    assert got.birth == dt.date(1979, 3, 15) and got.shows_citizenship and got.warning is None
    assert parse_id_number("110101900307447").birth == dt.date(1990, 3, 7)     # the old 15-digit number


@pytest.mark.parametrize("phone, ok", [("13812345678", True), ("138 1234 5678", True), ("+86 138-1234-5678", True),
                                       ("0515-88123456", True), ("88123456", True), ("12345", True),
                                       ("1381", False), ("1234", False), ("138123456789", False)])
def test_phone_numbers(phone, ok):
    assert phone_ok(phone) is ok


def test_check_refuses_a_ten_digit_id_and_a_four_digit_phone(tmp_path):
    import gridlaw

    act = {"kind": "hire", "city": "yancheng", "date": "2024-05-01", "role": "full_time",
           "candidate": {"id_number": "3209021990", "phone": "1381"}}
    with pytest.raises(gridlaw.InputError) as err:
        gridlaw.check(act)
    got = {p.path: p for p in err.value.problems}
    assert "应为 18 位" in got["candidate.id_number"].message and got["candidate.id_number"].code == "bad_id_number"
    assert "手机写 11 位" in got["candidate.phone"].message


def test_check_refuses_a_birth_date_after_the_act(tmp_path):
    import gridlaw

    with pytest.raises(gridlaw.InputError) as err:
        gridlaw.check({"kind": "hire", "city": "yancheng", "date": "2024-05-01", "role": "full_time",
                       "candidate": {"birth_date": "2025-01-01"}})
    assert err.value.problems[0].code == "future_birth_date" and "晚于行为日期" in err.value.problems[0].message


def test_web_form_refuses_a_ten_digit_id_and_a_four_digit_phone(tmp_path):
    from fastapi.testclient import TestClient

    from gridlaw.web.app import create_app
    from gridlaw.web.settings import Settings

    with TestClient(create_app(Settings(workdir=tmp_path))) as c:
        c.get("/")
        r = c.post("/hire", data={"csrf_token": c.cookies.get("gridlaw_csrf"), "city": "yancheng",
                                  "date": "2024-05-01", "role": "full_time", "candidate.id_number": "3209021990",
                                  "candidate.phone": "1381"})
    assert r.status_code == 422
    assert "应为 18 位" in r.text and "手机写 11 位" in r.text
