"""End to end in a real headless Chromium (Debian's chromium + chromedriver, installed by .ci/run):
``gridlaw serve`` is started on a free port of 127.0.0.1, each form is filled in and submitted as a
user would, and the answer is read from the page. A screenshot of each page is kept in
tests/artifacts/web/ (gitignored) for a person to look at."""
import os
import urllib.request
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select, WebDriverWait
from selenium.common.exceptions import WebDriverException

from gridlaw.textnorm import to_simplified

ROOT = Path(__file__).resolve().parents[1]
ART = ROOT / "tests" / "artifacts" / "web"
CHROMIUM = os.environ.get("GRIDLAW_CHROMIUM", "/usr/bin/chromium")
DRIVER = os.environ.get("GRIDLAW_CHROMEDRIVER", "/usr/bin/chromedriver")
CITIES = ("滨州", "盐城", "衢州", "自贡", "嘉兴")


@pytest.fixture(scope="module")
def browser():
    assert Path(CHROMIUM).exists() and Path(DRIVER).exists(), \
        "browser tests need Debian's chromium and chromium-driver (apt-get install chromium chromium-driver fonts-noto-cjk)"
    opts = webdriver.ChromeOptions()
    opts.binary_location = CHROMIUM
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--window-size=1280,1000", "--lang=zh-CN"):
        opts.add_argument(arg)
    driver = webdriver.Chrome(service=Service(DRIVER), options=opts)
    driver.set_page_load_timeout(30)
    ART.mkdir(parents=True, exist_ok=True)
    yield driver
    driver.quit()


def shot(driver, name: str) -> None:
    """A full-page screenshot: the window is made as tall as the page first."""
    height = driver.execute_script("return document.documentElement.scrollHeight")
    driver.set_window_size(1280, min(max(height, 600), 5000))
    driver.save_screenshot(str(ART / f"{name}.png"))
    driver.set_window_size(1280, 1000)


def set_value(driver, element_id: str, value: str) -> None:
    # a date input's typed format depends on the browser's locale; set it as the page would receive it
    driver.execute_script("arguments[0].value = arguments[1]", driver.find_element(By.ID, element_id), value)


def choose(driver, name: str, value: str) -> None:
    Select(driver.find_element(By.NAME, name)).select_by_value(value)


def submit(driver) -> None:
    """Click the form's button and wait until the answer page has replaced the form page."""
    old = driver.find_element(By.TAG_NAME, "html")
    driver.find_element(By.ID, "submit").click()
    WebDriverWait(driver, 30).until(EC.staleness_of(old))


def decision_of(driver) -> str:
    found = driver.find_elements(By.ID, "decision")
    assert found, driver.find_element(By.TAG_NAME, "main").text[:2000]  # the form's errors, if any
    return found[0].get_attribute("data-decision")


def test_index(server, browser):
    browser.get(server + "/")
    assert "任务指派审查" in browser.find_element(By.TAG_NAME, "main").text
    shot(browser, "index")


def test_assignment_straw_fine_and_compare(server, browser):
    browser.get(server + "/assignment")
    choose(browser, "city", "yancheng")
    set_value(browser, "date", "2024-05-01")
    browser.find_element(By.ID, "task.text").send_keys("对焚烧秸秆当事人当场罚款")
    shot(browser, "assignment-form")
    submit(browser)
    assert decision_of(browser) == "non_compliant"
    answer = browser.find_element(By.ID, "answer").text
    assert "第十九条第二款第（二）项" in answer
    # quoted (the report may show the article's own script or its simplified reading)
    assert "依法应当由行政机关工作人员实施的行政许可、行政处罚" in to_simplified(answer)
    summary = browser.find_element(By.ID, "answer-summary")   # issue 18: provisions shown, rule ids behind a toggle
    assert "第十九条第二款第（二）项" in summary.text and "yancheng.art19" not in summary.text
    assert "yancheng.art19.no-licensing-penalty-coercion" in summary.get_attribute("innerHTML")
    shot(browser, "assignment-answer")
    old = browser.find_element(By.TAG_NAME, "html")
    browser.find_element(By.ID, "compare-link").click()
    WebDriverWait(browser, 30).until(EC.staleness_of(old))
    rows = browser.find_elements(By.CSS_SELECTOR, "#comparison tr")
    assert len(rows) == 6
    cells = [r.find_elements(By.TAG_NAME, "td") for r in rows[1:]]
    assert [c[0].text for c in cells] == list(CITIES)
    assert next(c for c in cells if c[0].text == "盐城")[1].text == "不合规"
    shot(browser, "compare")


def test_hire_full_time_lists_documents(server, browser):
    browser.get(server + "/hire")
    old = browser.find_element(By.TAG_NAME, "html")
    browser.find_element(By.LINK_TEXT, "专职网格员").click()
    WebDriverWait(browser, 30).until(EC.staleness_of(old))
    choose(browser, "city", "yancheng")
    set_value(browser, "date", "2024-05-01")
    set_value(browser, "candidate.birth_date", "1990-01-01")
    browser.find_element(By.ID, "candidate.name").send_keys("王小明")
    choose(browser, "recruited_by", "township_unified")
    for fact in ("citizen", "political_integrity", "education_ok", "health_ok", "pre_job_training"):
        choose(browser, f"candidate.{fact}", "true")
    for fact in ("under_investigation", "administrative_detention", "judicial_detention",
                 "dismissed_from_public_office", "dishonest_person"):
        choose(browser, f"candidate.{fact}", "false")
    submit(browser)
    assert decision_of(browser) == "insufficient_facts"
    docs = browser.find_element(By.ID, "documents").text
    assert "无犯罪记录证明" in docs and "是否受过刑事处罚" in docs
    assert "王小明" not in browser.page_source  # masked in the answer, not echoed in the form
    shot(browser, "hire-answer")


def test_notice_missing_phones(server, browser):
    browser.get(server + "/notice")
    set_value(browser, "date", "2024-05-01")
    choose(browser, "publisher", "township")
    for value in ("grid_name", "grid_area", "grid_leader_name", "grid_leader_phone", "full_time_names"):
        browser.find_element(By.CSS_SELECTOR, f'input[name="fields"][value="{value}"]').click()
    browser.find_element(By.CSS_SELECTOR, 'input[name="places"][value="main_activity_place"]').click()
    submit(browser)
    assert decision_of(browser) == "non_compliant"
    assert "第二十二条" in browser.find_element(By.ID, "answer").text
    shot(browser, "notice-answer")


def test_admission_without_funding(server, browser):
    browser.get(server + "/admission")
    set_value(browser, "date", "2024-05-01")
    browser.find_element(By.ID, "matter.text").send_keys("燃气安全入户排查")
    choose(browser, "matter.nature", "service")
    for p in ("grid_division", "staffing", "data_fusion", "training", "venue"):
        choose(browser, f"provides.{p}", "true")
    choose(browser, "provides.funding", "false")
    choose(browser, "approved_by", "county_agency")
    submit(browser)
    assert decision_of(browser) == "non_compliant"
    summary = browser.find_element(By.ID, "answer-summary")   # issue 18: the provision shown, its rule id behind a toggle
    assert "第十二条" in summary.text and "yancheng.art12.six-unified" in summary.get_attribute("innerHTML")
    shot(browser, "admission-answer")


def test_audit_upload_progress_and_report(server, browser):
    browser.get(server + "/audit")
    browser.find_element(By.ID, "file").send_keys(str(ROOT / "examples" / "audit" / "applicants.csv"))
    choose(browser, "kind", "hire")
    choose(browser, "city", "yancheng")
    choose(browser, "format", "csv")          # the form offers the formatted workbook first; CSV is asked for here
    shot(browser, "audit-form")
    submit(browser)

    def status(d):                             # the job page reloads itself each second until done
        found = d.find_elements(By.ID, "job")
        return found[0].get_attribute("data-status") if found else None
    WebDriverWait(browser, 120, ignored_exceptions=(WebDriverException,)).until(
        lambda d: status(d) in ("done", "failed"))
    assert browser.find_element(By.ID, "job").get_attribute("data-status") == "done"
    totals = {tr.find_elements(By.TAG_NAME, "td")[0].text: tr.find_elements(By.TAG_NAME, "td")[1].text
              for tr in browser.find_elements(By.CSS_SELECTOR, "#totals tr")[1:]}
    assert totals == {"合规": "5", "不合规": "10", "事实不足": "2", "规定尚未施行": "1", "未能审查（数据无法读取）": "2"}
    shot(browser, "audit-done")
    results = browser.find_element(By.ID, "results-link").get_attribute("href")
    body = urllib.request.urlopen(results).read().decode("utf-8-sig")
    assert len(body.strip().splitlines()) == 21  # header + one row per input row
    old = browser.find_element(By.TAG_NAME, "html")
    browser.find_element(By.ID, "report-link").click()
    WebDriverWait(browser, 30).until(EC.staleness_of(old))
    assert "合规审计报告" in browser.title or "合规审计报告" in browser.find_element(By.TAG_NAME, "h1").text
    shot(browser, "audit-report")


def test_laws_search_in_traditional_script(server, browser):
    browser.get(server + "/laws")
    choose(browser, "city", "yancheng")
    browser.find_element(By.ID, "q").send_keys("行政處罰")
    choose(browser, "script", "simplified")
    submit(browser)
    art = browser.find_element(By.ID, "yancheng-art19")
    assert "依法应当由行政机关工作人员实施" in art.text  # shown in simplified script
    # issue 18: the rule ids sit behind a 规则编号 toggle; the citation is what a reader sees
    assert "第十九条" in art.text and "yancheng.art19.no-licensing-penalty-coercion" not in art.text
    assert "yancheng.art19.no-licensing-penalty-coercion" in art.get_attribute("innerHTML")
    shot(browser, "laws")
