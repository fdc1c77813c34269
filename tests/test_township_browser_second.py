"""Issue 18 acceptance, second round, in headless Chromium: a different clerk's register and ledger
(tests/clerk_sheets_second.py: 编号/身份证号码/文化程度/手机号/拟聘岗位/备注; 日期/事项/交办单位/网格名称/是否清单事项; lines
above the header, blank rows, 合计 and 注) as .xlsx, .ods, .xls and GBK CSV, under 盐城 and 衢州. Every page a clerk opens
(upload form, job page, report, downloaded results, single-act answers) is saved under
tests/artifacts/web/second-*.png and its visible text must hold no English word and no code: the only Latin letters
allowed are the clerk's own (the file's name, the sheet's name, 反诈APP in a task, the 3.3E+17 Excel made of an ID)."""
import io
import re
import urllib.request

import pytest
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

from clerk_sheets_second import ledger, register
from test_township_browser import _send, _wait_job, no_codes, visible
from test_web_browser import browser, choose, set_value, shot, submit  # noqa: F401  (fixtures; server is in conftest)

LATIN = re.compile(r"[A-Za-z]{2,}")
THE_CLERKS = ("Sheet1", "花名册", "台账", "APP", "E+17")


def no_latin(text: str, *own: str) -> None:
    for s in own + THE_CLERKS:
        text = text.replace(s, "")
    text = re.sub(r"\b[0-9a-f]{12,}\b", "", text)         # the stamp's hashes
    assert not LATIN.findall(text), sorted(set(LATIN.findall(text)))


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    d = tmp_path_factory.mktemp("second")
    return {("hire", ext): register(d / f"航埠镇网格员报名花名册.{ext}") for ext in ("xlsx", "ods", "xls", "csv")} | \
        {("tasks", ext): ledger(d / f"航埠镇交办登记簿.{ext}") for ext in ("xlsx", "ods", "xls", "csv")}


CASES = [("hire", "xlsx", "yancheng"), ("hire", "ods", "quzhou"), ("tasks", "xls", "quzhou"), ("tasks", "csv", "yancheng"),
         ("tasks", "ods", "yancheng")]


@pytest.mark.parametrize("what, ext, city", CASES)
def test_second_clerk_web_audit(server, browser, files, what, ext, city):
    path = files[what, ext]
    name = f"second-{what}-{ext}-{city}"
    browser.get(server + "/audit")
    WebDriverWait(browser, 30).until(EC.presence_of_element_located((By.ID, "file")))
    # the browser's own (English) file button is hidden behind a Chinese 选择文件 label
    assert browser.find_element(By.CSS_SELECTOR, "label.pick[for=file]").text == "选择文件"
    assert browser.find_element(By.ID, "file").size["width"] <= 1
    browser.find_element(By.ID, "file").send_keys(str(path))
    WebDriverWait(browser, 10).until(                                        # the chosen file is named
        lambda d: d.find_element(By.ID, "file-chosen").text == path.name)
    choose(browser, "kind", "hire" if what == "hire" else "assignment")
    choose(browser, "city", city)
    no_codes(browser, name + " upload")
    no_latin(visible(browser), path.name)
    shot(browser, name + "-upload")
    _send(browser)
    assert _wait_job(browser) == "done", visible(browser)[:2000]
    WebDriverWait(browser, 30).until(EC.presence_of_element_located((By.ID, "listing")))
    text = visible(browser)
    no_codes(browser, name + " job")
    no_latin(text, path.name)
    # grouped: fewer lines than records, every record named once, its own note beside it
    groups = browser.find_elements(By.CSS_SELECTOR, "#listing tr[data-decision]")
    members = browser.find_elements(By.CSS_SELECTOR, "#listing td.who li")
    assert len(members) in (30, 40) and len(groups) < len(members)
    if what == "hire":
        assert "序号 2 毛**（第7行）：备注载明“2017年因打架被拘留过”，需人工核实" in text
        assert "审查基准日：按表头所载填报日期 2024-06-03" in text
    else:
        assert "乱扔垃圾的每次收50块钱，当作处罚" in text and "日期栏空白：按 2024-07-05 审查" in text
    shot(browser, name + "-job")
    # the results file as the page offers it: an Excel workbook a clerk reads without codes
    href = browser.find_element(By.ID, "results-link").get_attribute("href")
    assert "电子表格" in browser.find_element(By.ID, "results-link").text
    import openpyxl

    wb = openpyxl.load_workbook(io.BytesIO(urllib.request.urlopen(href, timeout=30).read()))
    assert wb.sheetnames == ["结果", "复现信息"]
    cells = "\n".join(str(c.value) for ws in wb for row in ws.iter_rows() for c in row if c.value is not None)
    no_latin(cells, path.name)
    old = browser.find_element(By.TAG_NAME, "html")
    browser.find_element(By.ID, "report-link").click()
    WebDriverWait(browser, 30).until(EC.staleness_of(old))
    WebDriverWait(browser, 30).until(EC.presence_of_element_located((By.TAG_NAME, "footer")))
    no_codes(browser, name + " report")
    no_latin(visible(browser), path.name)
    shot(browser, name + "-report")


@pytest.mark.parametrize("city, text, want", [
    ("quzhou", "给开民宿的办个经营许可证", "needs_review"),
    ("yancheng", "乱扔垃圾的每次收50块钱，当作处罚", "non_compliant"),
])
def test_second_clerk_single_task_pages(server, browser, city, text, want):
    browser.get(server + "/assignment")
    WebDriverWait(browser, 30).until(EC.presence_of_element_located((By.ID, "task.text")))
    assert browser.find_element(By.CSS_SELECTOR, "label.pick[for=checklist_file]").text == "选择文件"
    no_latin(visible(browser))
    shot(browser, f"second-assignment-form-{city}")
    choose(browser, "city", city)
    set_value(browser, "date", "2024-05-06")
    browser.find_element(By.ID, "task.text").send_keys(text)
    submit(browser)
    WebDriverWait(browser, 30, ignored_exceptions=(WebDriverException,)).until(
        EC.presence_of_element_located((By.ID, "decision")))
    assert browser.find_element(By.ID, "decision").get_attribute("data-decision") == want
    no_codes(browser, f"assignment answer {city}")
    no_latin(visible(browser))
    shot(browser, f"second-assignment-answer-{city}")


def test_second_clerk_hire_page(server, browser):
    """序号 11 of the register (鲁佳, born 2006-09-15) as a single check on the 填报日期: 17, so not yet eligible."""
    browser.get(server + "/hire")
    WebDriverWait(browser, 30).until(EC.presence_of_element_located((By.ID, "city")))
    choose(browser, "city", "yancheng")
    set_value(browser, "date", "2024-06-03")
    set_value(browser, "candidate.birth_date", "2006-09-15")
    submit(browser)
    WebDriverWait(browser, 30, ignored_exceptions=(WebDriverException,)).until(
        EC.presence_of_element_located((By.ID, "decision")))
    assert browser.find_element(By.ID, "decision").get_attribute("data-decision") == "non_compliant"
    no_codes(browser, "hire answer")
    no_latin(visible(browser))
    shot(browser, "second-hire-answer")
