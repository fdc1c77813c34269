"""Issue 18 §5, the single-act side: every single-act HTML report (each city × each kind of act, and the
not-addressed, review, not-in-force and county-conflict cases), the compare page, the law browser and the
offline API docs, opened in headless Chromium and kept as PNG under tests/artifacts/reports/ (git-ignored).
Each page is also read as a user sees it: no rule id, no English decision code in the visible text."""
import html as htmlmod
import re
import shutil
import subprocess
import urllib.request
from pathlib import Path

import pytest

import gridlaw
from gridlaw.compare import compare_act, render_comparison
from gridlaw.report import render

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "tests" / "artifacts" / "reports"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CITIES = ["binzhou", "yancheng", "quzhou", "zigong", "jiaxing"]
DAY = "2025-04-15"                     # every city's text is in force

# one act of each kind, as a township would write it (written forms: 专职网格员, 是/否, 2025年…)
ACTS = {
    "assignment": {"kind": "任务交办", "date": DAY, "county": "某区", "township": "城南街道", "required_by": "街道城管科",
                   "task": {"text": "对在小区内违规停放的电动车主当场处以罚款，并扣押车辆"}},
    "hire": {"kind": "人员聘用", "date": DAY, "township": "城南街道", "role": "专职网格员", "recruited_by": "统一招聘",
             "candidate": {"name": "周丽娟", "birth_date": "1993年6月8日", "citizen": "是", "education_level": "大专",
                           "criminal_record": "否", "administrative_detention": "否"}},
    "exit": {"kind": "人员退出", "date": DAY, "role": "专职网格员", "still_serving": "是",
             "worker": {"name": "孙建国", "appraisals": [{"year": 2023, "passed": False}, {"year": 2024, "passed": False}]}},
    "notice": {"kind": "信息公示", "date": DAY, "township": "城南街道", "grid": "城南第五网格", "publisher": "township",
               "fields": ["grid_name", "grid_leader_name", "full_time_names"], "places": ["main_activity_place"]},
    "admission": {"kind": "事项准入", "date": DAY, "department": "区市场监督管理局",
                  "matter": {"text": "入户登记个体工商户经营信息"}, "approved_by": "none"},
    "grid": {"kind": "网格设置", "date": DAY, "township": "城南街道", "grid": "城南第九网格", "grid_type": "comprehensive",
             "area": "urban", "households": 950, "divided_by": "township", "full_time_workers": 0},
}
CASES = {f"{city}-{kind}": {**act, "city": city} for city in CITIES for kind, act in ACTS.items()}
CASES["not_addressed-binzhou-hire"] = {**ACTS["hire"], "city": "binzhou"}
CASES["needs_review-yancheng-grid"] = {**ACTS["grid"], "city": "yancheng", "households": 800, "full_time_workers": 1,
                                       "divided_by": "county_agency"}
CASES["not_in_force-zigong-hire"] = {**ACTS["hire"], "city": "zigong", "date": "2023-06-01"}


def visible(page: str) -> str:
    """What a reader sees: no styles, no tags, no text behind a closed 规则编号 toggle."""
    page = re.sub(r"<style>.*?</style>|<details class=\"ids\">.*?</details>", " ", page, flags=re.S)
    return htmlmod.unescape(re.sub(r"<[^>]+>", " ", page))


_CODES = re.compile(r"\b(non_compliant|needs_review|insufficient_facts|not_addressed|not_in_force|compliant)\b")


def shoot(html_file: Path, png: Path, height: int = 2200, budget: int = 0) -> None:
    png.unlink(missing_ok=True)
    args = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--hide-scrollbars", f"--screenshot={png}", f"--window-size=1100,{height}"]
    if budget:
        args.append(f"--virtual-time-budget={budget}")
    r = subprocess.run([*args, html_file if isinstance(html_file, str) else html_file.as_uri()],
                       capture_output=True, text=True, timeout=180)
    assert png.exists() and png.stat().st_size > 15_000, (r.returncode, r.stderr[-400:])


@pytest.fixture(scope="module", autouse=True)
def artifacts():
    assert Path(CHROMIUM).exists(), "Debian's chromium is needed (CI installs it: .ci/run)"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)


@pytest.mark.parametrize("name", sorted(CASES))
def test_single_act_report(name):
    d = gridlaw.check(CASES[name])
    if name.startswith(("not_addressed", "needs_review", "not_in_force")):
        assert d.decision == name.split("-", 1)[0]
    page = render(d, "html")
    shown = visible(page)
    assert not _CODES.search(shown), _CODES.findall(shown)
    for f in d.findings:
        assert f.rule_id not in shown
    assert "审查基准日" in shown and "审查对象" in shown
    out = ARTIFACTS / f"single-{name}.html"
    out.write_text(page, "utf-8")
    shoot(out, ARTIFACTS / f"single-{name}.png")


def test_county_conflict_report():
    from gridlaw.api import check

    # examplecounty art. 4 lets an untrained worker serve, which 《盐城细则》第四十三条 forbids: the conflict is
    # shown, the city rule decides, and the county provision gets no green 符合 under the red city finding
    d = check({"kind": "hire", "city": "yancheng", "date": DAY, "role": "full_time",
               "candidate": {"birth_date": "1990-05-01", "citizen": True, "pre_job_training": False}},
              pack=str(ROOT / "examples" / "examplecounty"))
    assert d.decision == "non_compliant" and "yancheng.art43.pre-job-training" in d.deciding_rules
    page = render(d, "html")
    shown = visible(page)
    assert "规范冲突：规范冲突" not in shown and "examplecounty." not in shown
    assert "与上位规定冲突，不予适用" in shown and "规范冲突" in shown
    out = ARTIFACTS / "single-county-conflict.html"
    out.write_text(page, "utf-8")
    shoot(out, ARTIFACTS / "single-county-conflict.png")


def test_compare_page():
    results = compare_act({**ACTS["assignment"], "city": "盐城"})
    page = render_comparison(results, "html")
    shown = visible(page)
    assert "审查基准日 2025-04-15" in shown and not _CODES.search(shown)
    out = ARTIFACTS / "compare.html"
    out.write_text(page, "utf-8")
    shoot(out, ARTIFACTS / "compare.png", 900)


@pytest.mark.parametrize("name, path", [
    ("laws", "/laws"), ("laws-yancheng", "/laws?city=yancheng"), ("laws-penaltylaw", "/laws?city=penaltylaw.2"),
    ("laws-search", "/laws?q=%E5%A7%94%E6%89%98"),                                    # 委托
    ("compare-web", "/compare?kind=assignment&city=yancheng&date=2025-04-15&task.text=%E5%AF%B9%E8%BF%9D%E5%81%9C%E8%BD%A6%E4%B8%BB%E7%BD%9A%E6%AC%BE"),
])
def test_web_pages(server, name, path):
    page = urllib.request.urlopen(server + path, timeout=30).read().decode("utf-8")
    shown = visible(page)
    assert not _CODES.search(shown)
    if name.startswith("laws"):
        assert "第1条" not in shown and "第十" in shown or name == "laws"
        assert "網格" not in shown                          # simplified script by default
    shoot(server + path, ARTIFACTS / f"web-{name}.png", 1600)


def test_api_docs_offline(server):
    page = urllib.request.urlopen(server + "/docs", timeout=30).read().decode("utf-8")
    assert "https://" not in page and "/docs/assets/swagger-ui-bundle.js" in page
    js = urllib.request.urlopen(server + "/docs/assets/swagger-ui-bundle.js", timeout=30)
    assert js.status == 200
    shoot(server + "/docs", ARTIFACTS / "web-api-docs.png", 1600, budget=8000)
