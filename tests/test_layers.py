"""Layers of law (issue 11): the national layer under every city, county packs on top, packs from a
path, versions by date, and new-pack. Inputs are written the way users write them; every assertion
names the deciding rules, layers and versions, and can fail."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import gridlaw
from gridlaw.api import check
from gridlaw.layers import load_target, national
from gridlaw.packtest import run_pack_tests
from gridlaw.rawtext import source_of

ROOT = Path(__file__).resolve().parents[1]
COUNTY = ROOT / "examples" / "examplecounty"
NATIONAL = ROOT / "policies" / "national"
PENALTY_TASK = {"kind": "assignment", "date": "2024-06-01", "task": {"text": "对占道经营者处以罚款"}}


def cli(*args, stdin=None):
    return subprocess.run([sys.executable, "-m", "gridlaw.cli", *args], capture_output=True, text=True,
                          input=stdin, cwd=ROOT)


# ------------------------------------------------------------------ the national layer

@pytest.mark.parametrize("city", ["binzhou", "quzhou"])
def test_penalty_task_in_a_silent_city_is_non_compliant_citing_national_law(city):
    d = check({**PENALTY_TASK, "city": city})
    assert d.decision == "non_compliant"
    [f] = d.deciding
    assert (f.rule_id, f.layer) == ("penaltylaw.art20.no-entrusting-individuals", "national")
    data = f.to_dict()
    assert data["citation"]["text"] == "《中华人民共和国行政处罚法》第二十条第一款"
    assert data["layer"] == "national" and data["effect"] == "prohibited"
    # verbatim: the quote stands character for character in the law's text as typed from the official copy
    raw = (NATIONAL / "penaltylaw" / "2021" / "raw.txt").read_text("utf-8")
    assert data["quote"] == "行政机关不得委托其他组织或者个人实施行政处罚" and data["quote"] in raw
    # the city's own reading stays in the report, not deciding (Binzhou 3(2) / Quzhou 10(1)(9) go to review)
    assert any(g.layer == "city" and g.outcome == "review" for g in d.findings)


def test_text_report_names_the_layer_and_the_versions():
    r = cli("check", "-", stdin=json.dumps({**PENALTY_TASK, "city": "binzhou"}, ensure_ascii=False))
    assert r.returncode == 1
    # rule ids stay in JSON (issue 18): the finding's line is its message, tagged with its layer
    assert "penaltylaw.art20" not in r.stdout
    line = next(x for x in r.stdout.splitlines() if "不得委托其他组织或者个人实施" in x and "不得交由网格员" in x)
    assert "〔国家法律〕" in line and "[违反] 《中华人民共和国行政处罚法》第二十条第一款" in r.stdout
    assert "中华人民共和国行政处罚法（2021年修订）" in r.stdout


def test_jiaxing_right_to_refuse_stands_beside_the_national_ban():
    d = check({**PENALTY_TASK, "city": "jiaxing"})
    assert d.decision == "non_compliant"
    by_id = {f.rule_id: f for f in d.findings}
    ban = by_id["penaltylaw.art20.no-entrusting-individuals"]
    right = by_id["jiaxing.art12.licensing-penalty-coercion"]
    assert (ban.layer, ban.outcome, ban.rule.spec.effect) == ("national", "violated", "prohibited")
    # the worker's right: its effect is may_be_refused whatever outcome the Jiaxing pack gives it
    assert right.layer == "city" and right.rule.spec.effect == "may_be_refused" and right.outcome in ("violated", "review")
    assert "penaltylaw.art20.no-entrusting-individuals" in d.deciding_rules


def test_assisting_an_officer_is_not_the_workers_own_penalty():
    d = check({"kind": "assignment", "city": "quzhou", "date": "2024-06-01",
               "task": {"text": "配合执法人员对占道经营者处以罚款", "nature": "penalty", "assists_power_act": True}})
    assert {f.rule_id: f.outcome for f in d.findings if f.layer == "national"}["penaltylaw.art20.no-entrusting-individuals"] \
        == "not_applicable"
    assert "penaltylaw.art20.no-entrusting-individuals" not in d.deciding_rules


def test_coercion_and_licensing_under_a_silent_city():
    seal = check({"kind": "assignment", "city": "binzhou", "date": "2024-06-01", "task": {"text": "查封无证经营场所"}})
    assert seal.decision == "non_compliant"
    assert sorted(seal.deciding_rules) == ["coercionlaw.art17.not-entrusted", "coercionlaw.art17.officers-only"]
    licence = check({"kind": "assignment", "city": "binzhou", "date": "2024-06-01", "task": {"text": "核发个体工商户营业执照"}})
    assert licence.decision == "needs_review"   # allocation of power without a 不得: review, never a clearance
    assert "licensinglaw.art22.organs-with-power" in licence.deciding_rules


def test_no_national_switch_gives_the_city_alone():
    d = check({**PENALTY_TASK, "city": "binzhou"}, national=False)
    assert (d.decision, d.deciding_rules) == ("needs_review", ["binzhou.art3.scope"])
    assert [x["layer"] for x in d.layers] == ["city"]


def test_city_not_in_force_leaves_the_national_law_in_force_answering():
    # issue 16 §2 (was: not_in_force): a layer answers on the dates it is in force; Zigong's rules are not
    # yet in force in 2023, 《行政处罚法》第二十条 is, and decides
    d = check({**PENALTY_TASK, "city": "zigong", "date": "2023-06-01"})
    assert d.decision == "non_compliant" and d.deciding_rules == ["penaltylaw.art20.no-entrusting-individuals"]
    assert {x["pack"]: x["in_force"] for x in d.layers}["zigong"] is False
    assert not any(f.layer == "city" for f in d.findings)


# ------------------------------------------------------------------ versions by date

@pytest.mark.parametrize("day, rule, version", [
    ("2020-06-01", "penaltylaw.art18.no-entrusting-individuals", "1996年通过、2017年修正"),   # between the versions
    ("2021-07-14", "penaltylaw.art18.no-entrusting-individuals", "1996年通过、2017年修正"),   # last day of the old text
    ("2021-07-15", "penaltylaw.art20.no-entrusting-individuals", "2021年修订"),              # the revision's first day
])
def test_the_version_in_force_on_the_acts_date_answers(day, rule, version):
    d = check({**PENALTY_TASK, "city": "quzhou", "date": day})
    assert d.decision == "non_compliant" and d.deciding_rules == [rule]
    stamp = d.to_dict()["stamp"]
    [law] = [x for x in stamp["layers"] if x["pack"] == "penaltylaw"]
    assert (law["version"], law["in_force"]) == (version, True)
    cite = d.deciding[0].to_dict()["citation"]["text"]
    assert cite == ("《中华人民共和国行政处罚法》第十八条第一款" if "art18" in rule else "《中华人民共和国行政处罚法》第二十条第一款")


def _two_versions(tmp_path: Path) -> Path:
    """The fixture county measure amended: a 2025 text with its own date, beside the 2024 one."""
    root = tmp_path / "examplecounty"
    shutil.copytree(COUNTY, root / "v2024")
    shutil.copytree(COUNTY, root / "v2025")
    for name, year, label in (("v2024", 2024, "2024年印发"), ("v2025", 2025, "2025年修订")):
        d = root / name
        raw = (COUNTY / "raw.txt").read_text("utf-8").replace("2024年1月1日", f"{year}年1月1日")
        if year == 2025:
            raw = raw.replace("五十五周岁以下", "五十周岁以下")
        (d / "raw.txt").write_text(raw, "utf-8")
        (d / "source.md").write_text(source_of(raw, "raw.txt")[2], "utf-8")
        meta = (d / "pack.yaml").read_text("utf-8").replace("2024-01-01", f"{year}-01-01") \
            .replace("本意见自2024年1月1日起施行", f"本意见自{year}年1月1日起施行")
        (d / "pack.yaml").write_text(meta + f"version: {label}\n", "utf-8")
        rules = (d / "rules" / "hire.yaml").read_text("utf-8")
        if year == 2025:
            rules = rules.replace("五十五周岁以下", "五十周岁以下").replace("le: 55", "le: 50")
        (d / "rules" / "hire.yaml").write_text(rules, "utf-8")
    return root


def test_a_pack_folder_with_two_versions(tmp_path):
    root = _two_versions(tmp_path)
    hire = {"kind": "hire", "city": "yancheng", "role": "full_time", "recruited_by": "township_unified",
            "candidate": {"birth_date": "1972.03", "citizen": True, "political_integrity": True, "education_ok": True,
                          "health_ok": True, "criminal_record": False, "under_investigation": False,
                          "administrative_detention": False, "judicial_detention": False,
                          "dismissed_from_public_office": False, "dishonest_person": False, "pre_job_training": True}}
    hire["candidate"]["birth_date"] = "1972-03-01"   # aged 52 on both dates below
    earlier = check({**hire, "date": "2024-11-30"}, pack=str(root))
    later = check({**hire, "date": "2025-02-01"}, pack=str(root))
    assert (earlier.decision, later.decision) == ("compliant", "non_compliant")
    assert later.deciding_rules == ["examplecounty.art2.age-limit"]
    assert earlier.to_dict()["stamp"]["version"] == "2024年印发"
    assert later.to_dict()["stamp"]["version"] == "2025年修订"
    before = check({**hire, "date": "2023-12-31"}, pack=str(root))
    # issue 16 §2: before the county measure, the city's rules in force answer; the county layer says it was not in force
    assert before.decision == "compliant" and before.to_dict()["regulation"]["effective"] == "2024-01-01"
    assert {x["pack"]: x["in_force"] for x in before.to_dict()["layers"]} == {
        "coercionlaw": True, "licensinglaw": True, "penaltylaw": True, "yancheng": True, root.name: False,
        "constitution": True, "labourlaw": True, "personalinfolaw": True, "socialinsurancelaw": True}  # issue 16 §6
    assert not any(f.layer == "county" for f in before.findings)
    r = cli("validate", str(root), "--lang", "en")
    assert r.returncode == 0 and "version 2024年印发" in r.stdout and "version 2025年修订" in r.stdout


# ------------------------------------------------------------------ national packs as data

@pytest.mark.parametrize("law", [v.id for v in national()])
def test_national_packs_validate_and_pass_their_cases(law):
    report = run_pack_tests(law)
    assert report.results and [r.detail for r in report.results if not r.ok] == []
    assert report.uncovered == {}
    for pack in load_target(law).packs:
        assert pack.meta.layer == "national" and pack.meta.excerpt
        assert [s for s, _ in pack.coverage().values()].count("missing") == 0
        raw = (Path(str(pack.root)) / "raw.txt").read_text("utf-8")
        assert source_of(raw, "raw.txt")[2] == (Path(str(pack.root)) / "source.md").read_text("utf-8")


def test_national_laws_shipped():
    assert {v.id: [p.meta.effective.isoformat() for p in v.packs] for v in national()} == {
        "coercionlaw": ["2012-01-01"], "licensinglaw": ["2004-07-01"], "penaltylaw": ["1996-10-01", "2021-07-15"],
        # issue 16 §6: the wider national layer (labour law in its 1994 and 2018 texts)
        "labourlaw": ["1995-01-01", "2018-12-29"], "personalinfolaw": ["2021-11-01"], "socialinsurancelaw": ["2011-07-01"],
        "constitution": ["1999-03-15"]}


def test_matrix_has_a_national_column():
    from gridlaw.compare import national_column, question_matrix, render_matrix

    col = national_column()
    # the bans; licensing art. 22 allocates power (a scope clause), so it is no ban
    # items in one style, 第二十条 (issue 18)
    assert col["forbidden_tasks"] == ["行政强制法第十七条", "宪法第五条", "行政处罚法第二十条", "个人信息保护法第六条"]
    assert col["procedure"] == ["行政许可法第二十二条"] and col["hiring"] == ["劳动法第十五条"]  # issue 16 §6
    assert col["benefits"] == ["社会保险法第五十八条、第六十条"]
    data = json.loads(render_matrix(question_matrix(), "json"))
    assert data["forbidden_tasks"]["national"] == col["forbidden_tasks"] and "yancheng" in data["forbidden_tasks"]


# ------------------------------------------------------------------ a county pack on its city

HIRE = {"kind": "hire", "city": "yancheng", "date": "2024-05-01", "role": "full_time", "recruited_by": "township_unified",
        "candidate": {"birth_date": "1980-01-01", "citizen": True, "political_integrity": True, "education_ok": True,
                      "health_ok": True, "criminal_record": False, "under_investigation": False,
                      "administrative_detention": False, "judicial_detention": False,
                      "dismissed_from_public_office": False, "dishonest_person": False, "pre_job_training": True}}


def test_county_refinement_adds_a_condition():
    old = {**HIRE, "candidate": {**HIRE["candidate"], "birth_date": "1968-04-30"}}   # 56 on the act's date
    assert check(old, national=False).decision == "compliant"                       # Yancheng alone
    d = check(old, pack=str(COUNTY))
    assert (d.decision, d.deciding_rules) == ("non_compliant", ["examplecounty.art2.age-limit"])
    assert d.deciding[0].layer == "county" and d.conflicts == []


def test_lower_norm_contradicting_a_higher_one_is_reported_and_the_higher_prevails():
    d = check({**HIRE, "candidate": {**HIRE["candidate"], "pre_job_training": False}}, pack=str(COUNTY))
    assert (d.decision, d.deciding_rules) == ("non_compliant", ["yancheng.art43.pre-job-training"])
    assert [(c["kind"], c["lower"], c["higher"]) for c in d.conflicts] == [
        ("refines", "examplecounty.art4.train-later", "yancheng.art43.pre-job-training")]
    r = cli("check", "-", "--pack", str(COUNTY), stdin=json.dumps(
        {**HIRE, "candidate": {**HIRE["candidate"], "pre_job_training": False}}, ensure_ascii=False))
    assert r.returncode == 1 and "规范冲突" in r.stdout and "以上位规定为准" in r.stdout
    v = cli("validate", str(COUNTY), "--lang", "en")
    assert v.returncode == 0 and "conflict: examplecounty.art4.train-later (permission) refines yancheng.art43" in v.stdout


def test_displaced_city_rule_is_shown_but_not_counted():
    d = check({"kind": "hire", "city": "yancheng", "date": "2024-05-01", "role": "part_time",
               "candidate": {"posts": ["mediator"]}}, pack=str(COUNTY))
    city_rule = next(f for f in d.findings if f.rule_id == "yancheng.art18.part-time-who-may-serve")
    assert city_rule.outcome == "satisfied" and city_rule.displaced_by == "examplecounty.art3.part-time-who-may-serve"
    assert d.decision == "not_addressed"       # the county's list, a permission, does not restrict
    assert city_rule.to_dict()["displaced_by"] == "examplecounty.art3.part-time-who-may-serve"


def test_county_pack_cases_and_coverage():
    report = run_pack_tests(str(COUNTY))
    assert len(report.results) == 7 and all(r.ok for r in report.results) and report.uncovered == {}
    r = cli("test", str(COUNTY), "--lang", "en")
    assert r.returncode == 0 and "7/7 cases passed" in r.stdout


# ------------------------------------------------------------------ a user's pack outside the repository

def test_bad_pack_outside_the_repo_gets_located_errors(tmp_path):
    bad = tmp_path / "examplecounty"
    shutil.copytree(COUNTY, bad)
    rules = (bad / "rules" / "hire.yaml").read_text("utf-8")
    rules = rules.replace("quote: 年龄应当在五十五周岁以下", "quote: 年龄应当在六十周岁以下") \
        .replace("{fact: candidate.age, le: 55}", "{fact: candidate.agee, le: 55}") \
        .replace("rule: yancheng.art43.pre-job-training", "rule: yancheng.art43.pre-job-trainin")
    (bad / "rules" / "hire.yaml").write_text(rules, "utf-8")
    at = {key: rules[:rules.index(key)].count("\n") + 1 for key in ("candidate.agee", "quote: 年龄应当在六十", "pre-job-trainin,")}
    r = cli("validate", str(bad), "--lang", "en")
    assert r.returncode == 1
    out = r.stdout
    assert f"{bad}/rules/hire.yaml:{at['candidate.agee']}: rules[0].require.fact: unknown fact 'candidate.agee' for a hire act; " \
           "did you mean 'candidate.age'?" in out
    assert f"{bad}/rules/hire.yaml:{at['quote: 年龄应当在六十']}: rules[0].quote: quote not found in Art. 2 of source.md" in out
    assert f"{bad}/rules/hire.yaml:{at['pre-job-trainin,']}: rules[2].refines.rule: no rule 'yancheng.art43.pre-job-trainin' in yancheng " \
           "(did you mean 'yancheng.art43.pre-job-training'?)" in out
    assert "Traceback" not in r.stderr
    # issue 19: a pack of your own that does not load is bad input (4), located, in Chinese by default;
    # 5 is kept for a shipped pack that fails to load
    c = cli("check", str(ROOT / "examples" / "hire.yaml"), "--pack", str(bad))
    assert c.returncode == 4 and "未知的事实名“candidate.agee”" in c.stderr and "Traceback" not in c.stderr
    c = cli("check", str(ROOT / "examples" / "hire.yaml"), "--pack", str(bad), "--lang", "en")
    assert c.returncode == 4 and "unknown fact 'candidate.agee'" in c.stderr
    assert cli("test", str(bad)).returncode == 4


def test_a_pack_is_data_never_code(tmp_path):
    evil = tmp_path / "examplecounty"
    shutil.copytree(COUNTY, evil)
    marker = tmp_path / "pwned"
    (evil / "rules" / "hire.yaml").write_text(
        f"rules: !!python/object/apply:os.system ['touch {marker}']\n", "utf-8")
    r = cli("validate", str(evil))
    assert r.returncode == 1 and "rules/hire.yaml" in r.stdout and not marker.exists()


def test_extends_must_name_a_shipped_city(tmp_path):
    p = tmp_path / "examplecounty"
    shutil.copytree(COUNTY, p)
    meta = (p / "pack.yaml").read_text("utf-8").replace("extends: yancheng", "extends: yanchen")
    (p / "pack.yaml").write_text(meta, "utf-8")
    r = cli("validate", str(p), "--lang", "en")
    assert r.returncode == 1 and "pack.yaml:13: extends: 'yanchen' is not a shipped city pack" in r.stdout


def test_audit_with_a_county_pack(tmp_path):
    rows = tmp_path / "applicants.csv"
    rows.write_text(
        "序号,出生日期,拟任岗位,招聘方式,是否中国公民,政审是否合格,学历能力符合,体检是否合格,是否受过刑事处罚,是否涉嫌犯罪,"
        "是否被行政拘留,是否被司法拘留,是否被开除公职,是否失信,岗前培训,报名日期\n"
        "A001,1980-01-01,专职网格员,统一招聘,是,是,是,是,否,否,否,否,否,否,是,2024-05-06\n"
        "A002,1960年2月1日,专职网格员,统一招聘,是,是,是,是,否,否,否,否,否,否,是,2024-05-06\n", "utf-8")
    out = tmp_path / "results.jsonl"
    r = cli("audit", str(rows), "--kind", "hire", "--pack", str(COUNTY), "--out", str(out))
    assert r.returncode == 1, r.stderr
    results = [json.loads(x) for x in out.read_text("utf-8").splitlines()]
    assert [x["decision"] for x in results] == ["compliant", "non_compliant"]
    assert [v["rule"] for v in results[1]["violated"]] == ["examplecounty.art2.age-limit"]


# ------------------------------------------------------------------ new-pack

RAW = """某区网格员管理办法
（2024年3月1日区政府常务会议通过）
第一章 总则
第一条 为了规范网格员管理，制定本办法。
第二条 网格员应当遵守下列规定：
(一)依法履职；
（二）保守秘密。
网格员不得泄露个人信息。
第二章 附则
第三条 本办法自2024年4月1日起施行。
"""


def test_new_pack_splits_articles_paragraphs_items_and_lists_every_article(tmp_path):
    raw = tmp_path / "raw.txt"
    raw.write_text(RAW, "utf-8")
    out = tmp_path / "yandu"
    r = cli("new-pack", "--from", str(raw), "--out", str(out))
    assert r.returncode == 0 and "共 3 条、4 款、2 项" in r.stdout
    from gridlaw.source import parse_source

    src = parse_source((out / "source.md").read_text("utf-8"))
    art2 = src.articles[2]
    assert [p.lead for p in art2.paragraphs] == ["网格员应当遵守下列规定：", "网格员不得泄露个人信息。"]
    assert art2.paragraphs[0].items == ["（一）依法履职；", "（二）保守秘密。"]
    assert art2.chapter == "第一章 总则" and src.articles[3].chapter == "第二章 附则"
    meta = (out / "pack.yaml").read_text("utf-8")
    # issue 18: article 3 (本办法自2024年4月1日起施行) dates the pack through effective_cite
    assert all(f"{{article: {n}, reason: \"尚未建模，待编写规则或说明理由\"}}" in meta for n in (1, 2))   # Chinese since issue 18
    assert "effective: 2024-04-01" in meta and "effective_cite: {article: 3," in meta
    v = cli("validate", str(out), "--lang", "en")
    assert v.returncode == 0 and "3 of 3 articles accounted for (1 by rules, 2 not modelled)" in v.stdout
    again = cli("new-pack", "--from", str(raw), "--out", str(out))
    assert again.returncode == 4 and "不是空的" in again.stderr


def test_new_pack_says_where_the_text_is_wrong(tmp_path):
    raw = tmp_path / "raw.txt"
    raw.write_text("办法\n第二条 甲。\n第一条 乙。\n", "utf-8")
    r = cli("new-pack", "--from", str(raw), "--out", str(tmp_path / "x"))
    assert r.returncode == 4 and f"{raw}:3: 第一条排在第二条之后" in r.stderr


def test_case_files_switch_the_national_layer_on(tmp_path):
    """A city's own cases test its text (national off by default); a file or a case may switch it on."""
    p = tmp_path / "examplecounty"
    shutil.copytree(COUNTY, p)
    (p / "tests" / "assignment.yaml").write_text(
        "national: true\n"
        "cases:\n"
        "  - name: a fine, over the national layer\n"
        "    act: {kind: assignment, date: 2024-06-01, task: {text: 对占道经营者处以罚款, on_checklist: true}}\n"
        "    expect: {decision: non_compliant, rules: [penaltylaw.art20.no-entrusting-individuals,\n"
        "                                              yancheng.art19.no-licensing-penalty-coercion]}\n"
        "  - name: the same fine, this case without it\n"
        "    national: false\n"
        "    act: {kind: assignment, date: 2024-06-01, task: {text: 对占道经营者处以罚款, on_checklist: true}}\n"
        "    expect: {decision: non_compliant, rules: [yancheng.art19.no-licensing-penalty-coercion]}\n", "utf-8")
    report = run_pack_tests(str(p))
    assert [(r.name, r.ok, r.detail) for r in report.results if "the national layer" in r.name or "without it" in r.name] == [
        ("a fine, over the national layer", True, ""), ("the same fine, this case without it", True, "")]


@pytest.mark.parametrize("city", ["binzhou", "quzhou"])
def test_a_penalty_matter_is_not_admissible_to_a_grid_checklist(city):
    d = check({"kind": "admission", "city": city, "date": "2024-06-01", "department": "县市场监管局",
               "matter": {"text": "对占道经营者处以罚款"}, "approved_by": "county_agency"})
    assert d.decision == "non_compliant"
    assert [(f.layer, f.rule_id, f.rule.spec.effect) for f in d.deciding] == [
        ("national", "penaltylaw.art20.not-on-grid-checklist", "not_admissible")]


def test_a_displacement_that_lets_through_what_the_city_forbids_goes_to_review(tmp_path):
    p = tmp_path / "examplecounty"
    shutil.copytree(COUNTY, p)
    rules = (p / "rules" / "hire.yaml").read_text("utf-8")
    (p / "rules" / "hire.yaml").write_text(
        rules.replace("refines: {rule: yancheng.art43.pre-job-training", "displaces: {rule: yancheng.art43.pre-job-training"), "utf-8")
    d = check({**HIRE, "candidate": {**HIRE["candidate"], "pre_job_training": False}}, pack=str(p))
    city = next(f for f in d.findings if f.rule_id == "yancheng.art43.pre-job-training")
    assert (city.outcome, city.displaced_by) == ("violated", "examplecounty.art4.train-later")
    assert d.decision == "needs_review"      # never silently compliant
    assert [(c["kind"], c["higher"]) for c in d.conflicts] == [("displaces", "yancheng.art43.pre-job-training")]
    assert "需人工审查下位规定是否在上位规定授权范围内" in d.conflicts[0]["text"]["zh"]


def test_a_county_pack_answers_for_its_own_city_only():
    with pytest.raises(gridlaw.InputError) as exc:
        check({**HIRE, "city": "binzhou"}, pack=str(COUNTY))
    assert "the act is for binzhou, the pack examplecounty is yancheng's law" in str(exc.value)


def test_a_met_national_ban_clears_nothing():
    """Silence stays not_addressed: the national layer only bars or asks, it never makes an act compliant."""
    service = {"kind": "admission", "city": "quzhou", "date": "2024-06-01", "department": "县应急管理局",
               "matter": {"text": "燃气安全入户排查", "nature": "service"}}
    alone = check(service, national=False)
    layered = check(service)
    assert layered.decision == alone.decision
    assert layered.deciding_rules == alone.deciding_rules
    assert {f.rule_id: f.outcome for f in layered.findings if f.layer == "national"} == {
        "coercionlaw.art17.not-on-grid-checklist": "not_applicable",
        "coercionlaw.art17.officers-only-not-on-checklist": "not_applicable",
        "licensinglaw.art22.organs-with-power-admission": "not_applicable",
        "penaltylaw.art20.not-on-grid-checklist": "not_applicable",
        "constitution.art5.stated-unlawful-matter": "not_applicable"}   # issue 16 §6


def test_the_audit_pack_keeps_the_national_floor_and_date_windows():
    from gridlaw.loader import load_pack
    from gridlaw.program import audit_pack

    prog = audit_pack(load_pack("quzhou"))
    national_rules = [r for r in prog.rules if r.id.split(".")[0] in ("penaltylaw", "coercionlaw", "licensinglaw")]
    assert national_rules and all(r.outcomes[0] == "not_applicable" for r in national_rules)
    # each version confined to its own dates (the program's parts, not a `date` condition in the rule)
    windows = {e.rule.id: (e.part.start, e.part.end) for e in prog.kinds["assignment"].entries}
    assert windows["penaltylaw.art18.no-entrusting-individuals"][1] == windows["penaltylaw.art20.no-entrusting-individuals"][0]
    assert windows["penaltylaw.art20.no-entrusting-individuals"][1] is None