"""Issue 18 §5: every report and page a township opens, in headless Chromium, with its own sheets
(tests/clerk_sheets.py: a 30-row recruitment register, a 40-row task ledger, as a clerk makes them). Each page is saved as a
PNG under tests/artifacts/web/township-*.png for a person to look at, and its visible text is checked
for English codes and rule ids (ids may sit behind a closed 规则编号 toggle only)."""
import re
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

from test_web_browser import ROOT, browser, choose, set_value, shot, submit  # noqa: F401  (fixtures; server is in conftest)
from clerk_sheets import recruitment, tasks

CODES = re.compile(r"non_compliant|insufficient_facts|needs_review|not_addressed|not_in_force|local_regulation|"
                   r"normative_document|government_rule|development_zone|township_unified|\b[a-z]+\.art\d+\.[a-z-]+|"
                   r"task\.on_checklist|--show-personal|退出码")


def visible(browser) -> str:
    """The page's text; a page that is still replacing itself (the job page reloads each second) is read again."""
    for _ in range(20):
        try:
            return browser.find_element(By.TAG_NAME, "body").text
        except WebDriverException:           # stale node, or "node does not belong to the document" mid-reload
            time.sleep(0.25)
    return browser.find_element(By.TAG_NAME, "body").text


def no_codes(browser, where: str) -> None:
    text = visible(browser)
    assert not CODES.findall(text), (where, sorted(set(CODES.findall(text))))


@pytest.fixture(scope="module")
def sheets(tmp_path_factory):
    """The clerk's own files (tests/clerk_sheets.py): a 30-row register as .xls, a 40-row ledger as GBK CSV and .xlsx."""
    d = tmp_path_factory.mktemp("township")
    return {"hire": recruitment(d / "大冈镇网格员报名汇总.xls"), "tasks": tasks(d / "大冈镇交办台账.csv", "派单时间"),
            "tasks-xlsx": tasks(d / "大冈镇交办台账.xlsx")}


def _wait_job(browser) -> str:
    """The job page refreshes itself every second until done: wait on the element, tolerating the reloads."""
    def status(d):
        found = d.find_elements(By.ID, "job")
        return found[0].get_attribute("data-status") if found else None

    WebDriverWait(browser, 180, poll_frequency=0.5, ignored_exceptions=(WebDriverException,)).until(
        lambda d: status(d) in ("done", "failed"))
    return status(browser)


def _send(browser) -> None:
    """Submit the upload and wait for the job page (or the form's errors). Not staleness of the old page: the job
    page replaces itself each second, and under load Chromium then reports the old node as foreign, not stale."""
    browser.find_element(By.ID, "submit").click()
    WebDriverWait(browser, 120, poll_frequency=0.5, ignored_exceptions=(WebDriverException,)).until(
        lambda d: "/audit/jobs/" in d.current_url or d.find_elements(By.ID, "problems"))


def _upload(browser, server, path: Path, kind: str, city: str, name: str) -> None:
    browser.get(server + "/audit")
    WebDriverWait(browser, 30).until(EC.presence_of_element_located((By.ID, "file")))
    browser.find_element(By.ID, "file").send_keys(str(path))
    choose(browser, "kind", kind)
    choose(browser, "city", city)
    no_codes(browser, name + " upload page")
    shot(browser, f"township-{name}-upload")
    _send(browser)
    assert _wait_job(browser) == "done", visible(browser)[:2000]
    WebDriverWait(browser, 30).until(EC.presence_of_element_located((By.ID, "summary")))
    no_codes(browser, name + " job")
    assert "--" not in browser.find_element(By.ID, "summary").text          # no command-line hints on the web
    assert browser.find_element(By.ID, "results-link").get_attribute("href").endswith("/results")
    shot(browser, f"township-{name}-job")
    old = browser.find_element(By.TAG_NAME, "html")
    browser.find_element(By.ID, "report-link").click()
    WebDriverWait(browser, 30).until(EC.staleness_of(old))
    WebDriverWait(browser, 30).until(EC.presence_of_element_located((By.TAG_NAME, "footer")))
    no_codes(browser, name + " report")
    shot(browser, f"township-{name}-report")


def test_web_audit_of_the_recruitment_register(server, browser, sheets):
    _upload(browser, server, sheets["hire"], "hire", "yancheng", "recruitment")
    text = visible(browser)
    assert "审查基准日：按表头所载填报日期 2024-05-10" in text
    assert "序号 7 孙*：备注载明“曾被行政拘留”" in text          # each row's own remark, named by the sheet's 序号
    assert "尚需核实：" in text and "已核实" in text


@pytest.mark.parametrize("key, city", [("tasks", "quzhou"), ("tasks-xlsx", "yancheng")])
def test_web_audit_of_the_task_ledger(server, browser, sheets, key, city):
    _upload(browser, server, sheets[key], "assignment", city, f"{key}-{city}")
    text = visible(browser)
    assert "对乱倒建筑垃圾的当事人罚款200元" in text                   # the task itself, not only its row number
    assert "表尾所载填报日期 2024-07-03" in text                       # the signature line under the table dates blank rows


@pytest.mark.parametrize("key, kind", [("hire", "hire"), ("tasks", "assignment")])
def test_cli_reports_open_in_the_browser(browser, sheets, tmp_path, key, kind):
    report = tmp_path / f"{key}.html"
    r = subprocess.run([sys.executable, "-m", "gridlaw.cli", "audit", str(sheets[key]), "--city", "盐城", "--kind", kind,
                        "--report", str(report)], capture_output=True, text=True, cwd=ROOT)
    assert r.returncode in (1, 3) and report.exists(), r.stderr
    browser.get(report.as_uri())
    WebDriverWait(browser, 30).until(EC.presence_of_element_located((By.TAG_NAME, "footer")))
    no_codes(browser, f"cli report {kind}")
    shot(browser, f"township-cli-{kind}-report")


def test_exit_form_with_appraisals(server, browser):
    browser.get(server + "/exit")
    choose(browser, "city", "yancheng")
    set_value(browser, "date", "2024-03-01")
    choose(browser, "role", "full_time")
    browser.find_element(By.ID, "worker.appraisals").send_keys("2022年度:不合格；2023不称职")
    submit(browser)
    WebDriverWait(browser, 30).until(EC.presence_of_element_located((By.ID, "decision")))
    assert browser.find_element(By.ID, "decision").get_attribute("data-decision") == "non_compliant"
    no_codes(browser, "exit answer")
    shot(browser, "township-exit-answer")


@pytest.mark.parametrize("path, name", [("/laws", "laws-list"), ("/laws?city=yancheng", "laws-yancheng"),
                                        ("/laws?q=罚款", "laws-search"), ("/laws?city=penaltylaw.2", "laws-penaltylaw")])
def test_law_browser_pages(server, browser, path, name):
    browser.get(server + path)
    text = visible(browser)
    no_codes(browser, name)
    assert not re.search(r"第\d+条", text)
    shot(browser, f"township-{name}")


def test_answer_and_compare_pages(server, browser):
    browser.get(server + "/assignment")
    choose(browser, "city", "yancheng")
    set_value(browser, "date", "2024-05-01")
    browser.find_element(By.ID, "task.text").send_keys("对焚烧秸秆当事人当场罚款")
    submit(browser)
    no_codes(browser, "assignment answer")
    shot(browser, "township-assignment-answer")
    old = browser.find_element(By.TAG_NAME, "html")
    browser.find_element(By.ID, "compare-link").click()
    WebDriverWait(browser, 30).until(EC.staleness_of(old))
    no_codes(browser, "compare")
    text = visible(browser)
    assert "2024-05-01" in text and "对焚烧秸秆当事人当场罚款" in text
    cell = browser.find_elements(By.CSS_SELECTOR, "#comparison td")[2]
    assert cell.size["width"] > 120          # cells do not wrap one character per line
    shot(browser, "township-compare")


def test_county_conflict_report(browser, tmp_path):
    from gridlaw.api import check
    from gridlaw.report import render

    act = {"kind": "hire", "city": "yancheng", "date": "2024-05-01", "role": "full_time", "recruited_by": "township_unified",
           "candidate": {"birth_date": "1990-01-01", "citizen": True, "political_integrity": True, "education_ok": True,
                         "health_ok": True, "criminal_record": False, "under_investigation": False,
                         "administrative_detention": False, "judicial_detention": False,
                         "dismissed_from_public_office": False, "dishonest_person": False, "pre_job_training": False}}
    page = tmp_path / "county.html"
    page.write_text(render(check(act, pack=str(ROOT / "examples" / "examplecounty")), "html"), "utf-8")
    browser.get(page.as_uri())
    no_codes(browser, "county report")
    assert "规范冲突：规范冲突" not in visible(browser).replace(" ", "")
    shot(browser, "township-county-conflict")


def test_api_docs_render_offline(server, browser):
    browser.get(server + "/docs")
    # Swagger UI's script comes from this server (swagger-ui-bundle), so the page renders without internet
    WebDriverWait(browser, 60).until(lambda d: "gridlaw API" in d.find_element(By.TAG_NAME, "body").text)
    shot(browser, "township-api-docs")


def test_a_sheet_that_cannot_be_audited_is_refused_in_chinese(server, browser, tmp_path):
    """A clerk uploads the wrong sheet (a contact list): the page names what is wrong, in Chinese, and offers a retry."""
    wrong = tmp_path / "通讯录.csv"
    wrong.write_bytes("单位,联系人,办公电话\r\n大冈镇党政办,王主任,0515-88123456\r\n".encode("gbk"))
    browser.get(server + "/audit")
    WebDriverWait(browser, 30).until(EC.presence_of_element_located((By.ID, "file")))
    browser.find_element(By.ID, "file").send_keys(str(wrong))
    choose(browser, "kind", "hire")
    choose(browser, "city", "yancheng")
    _send(browser)
    WebDriverWait(browser, 120, poll_frequency=0.5, ignored_exceptions=(WebDriverException,)).until(
        lambda d: d.find_elements(By.ID, "problems"))
    text = visible(browser)
    assert "Traceback" not in text and re.search(r"[\u4e00-\u9fff]{6,}", browser.find_element(By.ID, "problems").text)
    assert "“姓名”" in text and "--" not in text and "headers.yaml" not in text   # what to write; no command-line hints
    no_codes(browser, "refused sheet")
    shot(browser, "township-refused-sheet")
