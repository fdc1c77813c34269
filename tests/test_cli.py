"""The CLI end to end, as a user runs it."""
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
EX = ROOT / "examples"


def run(*args, stdin=None):
    return subprocess.run([sys.executable, "-m", "gridlaw.cli", *args], capture_output=True, text=True,
                          input=stdin, cwd=ROOT)


def test_check_exit_codes_per_decision():
    assert run("check", str(EX / "assignment.yaml")).returncode == 1
    assert run("check", str(EX / "hire.yaml")).returncode == 3
    r = run("check", str(EX / "assignment.yaml"), "--checklist", str(EX / "checklist.yaml"))
    assert r.returncode == 1 and "第十九条第二款第（二）项" in r.stdout


def test_check_json_has_decision_findings_and_stamp():
    r = run("check", str(EX / "hire.yaml"), "--format", "json")
    data = json.loads(r.stdout)
    assert data["decision"] == "insufficient_facts"
    assert data["missing_facts"] == [{"fact": "candidate.criminal_record", "label": "是否受过刑事处罚", "evidence": "无犯罪记录证明"}]
    assert all({"rule", "citation", "quote", "outcome"} <= set(f) for f in data["findings"])
    assert data["stamp"]["pack"] == "yancheng" and data["stamp"]["input_hash"]
    # personal data masked by default, shown on request
    assert data["act"]["candidate"]["id_number"] == "3209**********1236"
    assert data["act"]["candidate"]["phone"] == "138****5678"
    shown = json.loads(run("check", str(EX / "hire.yaml"), "-f", "json", "--show-personal-data").stdout)
    assert shown["act"]["candidate"]["id_number"] == "320902199001011236"


@pytest.mark.parametrize("fmt", ["md", "html"])
def test_reports_render(fmt, tmp_path):
    out = tmp_path / f"r.{fmt}"
    r = run("check", str(EX / "assignment.yaml"), "-f", fmt, "-o", str(out))
    text = out.read_text("utf-8")
    assert r.returncode == 1
    assert "第十九条第二款第（二）项" in text and "不合规" in text
    if fmt == "html":
        assert "<html" in text and not re.search(r"(src|href)=\"https?://", text)


def test_html_is_autoescaped(tmp_path):
    act = tmp_path / "a.yaml"
    act.write_text("kind: assignment\ncity: yancheng\ndate: 2024-05-01\nid: '<script>alert(1)</script>'\n"
                   "task: {text: 罚款, on_checklist: true}\n", "utf-8")
    r = run("check", str(act), "-f", "html")
    assert "<script>alert" not in r.stdout and "&lt;script&gt;" in r.stdout


def test_english_on_request():
    r = run("check", str(EX / "assignment.yaml"), "--lang", "en")
    assert "non-compliant" in r.stdout and "Art. 19(2)(2)" in r.stdout


@pytest.mark.parametrize("content, needle, needle_en, code", [
    ("kind: hire\ncity: yancheng\n  date: [\n", "YAML 格式错误", "malformed YAML", "malformed_yaml"),
    ("kind: hire\ncity: yancheng\ndate: 2024-05-01\nrole: full_time\ncandidate: {criminal_recrod: true}\n",
     "未知字段；是否指 candidate.criminal_record", "unknown field", "unknown_field"),
    ("kind: hire\ncity: yancheng\ndate: 2024-05-01\nrole: full_time\ncandidate: {age: old}\n", "应为整数",
     "whole number", "bad_type"),
    ("kind: hire\ncity: yancheng\ndate: 2024年13月1日\nrole: full_time\ncandidate: {}\n", "不是日期", "not a date",
     "bad_date"),
    ("kind: hier\ncity: yancheng\n", "是否指 hire", "did you mean 'hire'", "unknown_kind"),
    ("kind: assignment\ncity: yancheng\ntask: {text: 入户走访}\n", "缺少行为日期", "date is missing", "missing_date"),
])
def test_bad_input_is_located_never_a_traceback(tmp_path, content, needle, needle_en, code):
    f = tmp_path / "act.yaml"
    f.write_text(content, "utf-8")
    r = run("check", str(f))
    assert r.returncode == 4
    assert needle in r.stderr and "Traceback" not in r.stderr
    assert re.search(r"act\.yaml:\d+", r.stderr)
    assert not re.search(r"[A-Za-z]+(?: [A-Za-z]+){3,}", r.stderr), r.stderr     # no English sentence by default
    en = run("check", str(f), "--lang", "en")
    assert en.returncode == 4 and needle_en in en.stderr
    # -f json: the problems as data, each with a stable code, file and line
    js = run("check", str(f), "-f", "json")
    assert js.returncode == 4
    problems = json.loads(js.stdout)["problems"]
    assert code in [p["code"] for p in problems] and all(p["file"].endswith("act.yaml") and p["line"] for p in problems)


def test_check_accepts_what_audit_accepts(tmp_path):
    f = tmp_path / "act.yaml"
    f.write_text("kind: 任务交办\ncity: 盐城\ndate: 2024年5月1日\nrole: 专职网格员\ntask: {text: 对焚烧秸秆当事人当场罚款}\n",
                 "utf-8")
    r = run("check", str(f), "-f", "json")
    data = json.loads(r.stdout)
    assert r.returncode == 1 and data["city"] == "yancheng" and data["date"] == "2024-05-01"
    assert "yancheng.art19.no-licensing-penalty-coercion" in data["deciding_rules"]
    f.write_text("kind: assignment\ncity: yancheng\ndate: 2024/5/1\ntask: {text: 入户走访}\n", "utf-8")
    assert json.loads(run("check", str(f), "-f", "json").stdout)["date"] == "2024-05-01"
    r = run("check", str(EX / "hire.yaml"), "--city", "滨州", "-f", "json")
    assert json.loads(r.stdout)["city"] == "binzhou"


def test_version_and_compare_exit_code():
    r = run("--version")
    assert r.returncode == 0 and re.fullmatch(r"gridlaw \d+\.\d+\.\d+\n", r.stdout)
    # the Yancheng penalty task is non_compliant under at least one city: the worst decision decides
    assert run("compare", str(EX / "assignment.yaml")).returncode == 1
    assert run("compare", str(EX / "hire.yaml")).returncode == 3


def test_junit_and_sarif(tmp_path):
    import xml.etree.ElementTree as ET

    r = run("check", str(EX / "notice.yaml"), "-f", "junit")
    assert r.returncode == 1
    root = ET.fromstring(r.stdout)
    cases = root.findall(".//testcase")
    failed = [c.get("name") for c in cases if c.find("failure") is not None]
    assert failed == ["yancheng.art22.board-contents 《盐城市城乡网格化服务管理实施细则》第二十二条第一款"]
    assert "专职网格员联系电话" in cases[0].find("failure").get("message")
    s = json.loads(run("check", str(EX / "assignment.yaml"), "-f", "sarif").stdout)
    assert s["version"] == "2.1.0"
    levels = {x["ruleId"]: x["level"] for x in s["runs"][0]["results"]}
    assert levels == {"penaltylaw.art20.no-entrusting-individuals": "error",
                      "yancheng.art19.no-licensing-penalty-coercion": "error", "yancheng.art19.checklist-only": "warning"}


def test_stdin_and_missing_file():
    r = run("check", "-", "--format", "json", stdin=(EX / "notice.yaml").read_text("utf-8"))
    assert json.loads(r.stdout)["decision"] == "non_compliant"
    r = run("check", "no/such/file.yaml")
    assert r.returncode == 4 and "无法读取" in r.stderr


def test_validate_reports_full_coverage():
    r = run("validate", "yancheng", "--lang", "en")
    assert r.returncode == 0
    assert "50 of 50 articles accounted for" in r.stdout and "0 mismatches" in r.stdout


def test_explain_shows_rule_article_and_tests():
    # Chinese by default since issue 18: simplified article, no ids or English case names; --lang en as before
    r = run("explain", "yancheng.art16.no-criminal-record")
    assert "第十六条第二款第（一）项" in r.stdout and "不得担任专职网格员" in r.stdout and "本条违反，结论不合规" in r.stdout
    assert "no-criminal-record" not in r.stdout and "criminal penalty disqualifies" not in r.stdout
    r = run("explain", "yancheng.art16.no-criminal-record", "--lang", "en")
    assert "不得擔任專職網格員" in r.stdout and "criminal penalty disqualifies" in r.stdout
    r = run("explain", "yancheng.art16.no-criminal-recrd")
    assert r.returncode == 4 and "是否指" in r.stderr
    r = run("explain", "yancheng.art16.no-criminal-recrd", "--lang", "en")
    assert r.returncode == 4 and "did you mean" in r.stderr


def test_schema_command():
    assert json.loads(run("schema", "hire").stdout)["properties"]["kind"]["const"] == "hire"


def test_readme_library_example_runs():
    readme = (ROOT / "README.md").read_text("utf-8")
    code = re.search(r"```python\n(.*?)```", readme, re.S).group(1)
    exec(compile(code, "README.md", "exec"), {})


def test_compare_and_matrix_commands():
    r = run("compare", str(EX / "assignment.yaml"), "-f", "json")
    rows = {row["city"]: row for row in json.loads(r.stdout)}
    assert set(rows) == {"binzhou", "yancheng", "quzhou", "zigong", "jiaxing"}
    # the national ban stands under every city; each city's own effect stays beside it
    assert rows["jiaxing"]["effects"][0] == "prohibited"   # Jiaxing's right to refuse is no ban of its own
    assert rows["zigong"]["effects"] == ["prohibited", "not_admissible"]
    for city in ("binzhou", "quzhou"):  # silent cities: the national article decides
        assert rows[city]["decision"] == "non_compliant"
        assert [(c["layer"], c["text"]) for c in rows[city]["citations"]] == [("national", "《中华人民共和国行政处罚法》第二十条第一款")]
    r = run("packs", "--matrix")
    assert r.returncode == 0 and "禁止交办的任务" in r.stdout and "待遇保障" in r.stdout  # rows: tests/test_cross_city.py
    assert "国家法律" in r.stdout and "行政处罚法第二十条" in r.stdout and "第19条" not in r.stdout   # one style (issue 18)


@pytest.mark.parametrize("kind, decision, code", [
    ("assignment", "non_compliant", 1), ("hire", "insufficient_facts", 3), ("exit", "non_compliant", 1),
    ("notice", "non_compliant", 1), ("admission", "non_compliant", 1), ("grid", "needs_review", 3),
])
def test_every_shipped_example(kind, decision, code):
    r = run("check", str(EX / f"{kind}.yaml"), "-f", "json")
    assert (json.loads(r.stdout)["decision"], r.returncode) == (decision, code)


def test_check_needs_no_audit_extra():
    """`pip install gridlaw` (without [audit]) checks acts: numpy, pyarrow, openpyxl are audit-only."""
    code = ("import sys\n"
            "for m in ('numpy', 'pyarrow', 'openpyxl', 'python_calamine'):\n"
            "    sys.modules[m] = None\n"
            "from gridlaw.cli import main\n"
            "sys.argv = ['gridlaw', 'check', sys.argv[1], '-f', 'html']\n"
            "main()\n")
    for example in ("assignment.yaml", "notice.yaml", "hire.yaml"):
        r = subprocess.run([sys.executable, "-c", code, str(EX / example)], capture_output=True, text=True, cwd=ROOT)
        assert r.returncode in (1, 3) and "Traceback" not in r.stderr, r.stderr[-800:]
    f = ROOT / "tests" / "fixtures" / "zh_act.yaml"
    r = subprocess.run([sys.executable, "-c", code, str(f)], capture_output=True, text=True, cwd=ROOT)
    assert r.returncode == 1 and "Traceback" not in r.stderr, r.stderr[-800:]


@pytest.mark.parametrize("name, content", [
    ("act.yaml", "kind: hire\ncity: yancheng\ndate: 2024-13-01\ncandidate: {}\n"),
    ("checklist.yaml", "county: 亭湖区\nmatters: []\n"),
    ("checklist.yaml", "county: 亭湖区\npublished: 2022-13-01\nmatters: [入户走访]\n"),
])
def test_impossible_values_are_exit_4_in_chinese(tmp_path, name, content):
    f = tmp_path / name
    f.write_text(content, "utf-8")
    args = ["check", str(f)] if name == "act.yaml" else ["check", str(EX / "assignment.yaml"), "--checklist", str(f)]
    r = run(*args)
    assert r.returncode == 4 and "Traceback" not in r.stderr and r.stderr.startswith("错误: "), r.stderr[-600:]
    assert not re.search(r"[A-Za-z]+(?: [A-Za-z]+){3,}", r.stderr), r.stderr
