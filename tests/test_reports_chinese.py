"""Chinese reports carry no codes (issue 18 §3): check's text, Markdown and HTML, and compare's, for a
spread of acts covering every city, every act kind and every decision. Rule ids, fact keys and English
codes live in the JSON (and, on the HTML page, behind the 规则编号 toggle)."""
import html
import json
import re

import pytest

import gridlaw
from gridlaw.compare import compare_act, render_comparison
from gridlaw.report import render

CITIES = ("binzhou", "yancheng", "quzhou", "zigong", "jiaxing")
CLEAN = {"birth_date": "1990-01-01", "citizen": True, "political_integrity": True, "education_ok": True,
         "health_ok": True, "criminal_record": False, "under_investigation": False, "administrative_detention": False,
         "judicial_detention": False, "dismissed_from_public_office": False, "dishonest_person": False,
         "pre_job_training": True}
# written for this test; no text holds an ASCII letter, so any in the output comes from the engine
ACTS = [
    {"kind": "assignment", "date": "2024-06-01", "task": {"text": "对占道经营者处以罚款"}},
    {"kind": "assignment", "date": "2024-06-01",
     "task": {"text": "采集登记实有人口信息", "on_checklist": True, "checklist_published": True}},
    {"kind": "assignment", "date": "2024-06-01", "task": {"text": "协助开展防汛巡查"}},
    {"kind": "assignment", "date": "2019-06-01", "task": {"text": "走访独居老人"}},
    {"kind": "assignment", "date": "2024-06-01", "task": {"text": "查封无证经营的小作坊并暂扣其工具"}},
    {"kind": "hire", "date": "2024-06-01", "role": "full_time", "candidate": {"criminal_record": True}},
    {"kind": "hire", "date": "2024-06-01", "role": "full_time", "recruited_by": "township_unified", "candidate": CLEAN},
    {"kind": "hire", "date": "2024-06-01", "role": "part_time", "candidate": {"birth_date": "2010-01-01", "name": "赵小红"}},
    {"kind": "hire", "date": "2024-06-01", "role": "full_time", "candidate": {"birth_date": "2010-03-01"}},
    {"kind": "exit", "date": "2024-06-01", "role": "full_time", "still_serving": True,
     "worker": {"name": "钱多多", "appraisals": [{"year": 2022, "passed": False}, {"year": 2023, "passed": False}]}},
    {"kind": "notice", "date": "2024-06-01", "publisher": "township", "fields": ["grid_name"],
     "places": ["main_activity_place"]},
    {"kind": "admission", "date": "2024-06-01", "department": "县应急管理局",
     "matter": {"text": "燃气安全入户排查", "nature": "service"},
     "provides": {"grid_division": True, "staffing": True, "funding": False, "data_fusion": True, "training": True,
                  "venue": True}, "approved_by": "county_agency"},
    {"kind": "grid", "date": "2024-06-01", "grid_type": "comprehensive", "area": "urban", "households": 800,
     "divided_by": "county_agency", "full_time_workers": 1},
]
ASCII_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_.\-]*")
DECISIONS = {(i, city): gridlaw.check({**a, "city": city}) for i, a in enumerate(ACTS) for city in CITIES}
KINDS = {"assignment", "hire", "exit", "notice", "admission", "grid"}


def visible(out: str, fmt: str) -> str:
    """What a reader sees: for HTML the text outside tags, styles and the rule-id toggle."""
    if fmt != "html":
        return out
    out = re.sub(r"<style.*?</style>", "", out, flags=re.S)
    out = re.sub(r'<details class="ids">.*?</details>', "", out, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", out))


def codes_in(text: str, decisions) -> list[str]:
    """ASCII words left once the stamp's engine name and hashes are taken out."""
    for d in decisions:
        s = d.to_dict()["stamp"]
        for h in [s["pack_hash"], s["input_hash"], *(x.get("hash", "") for x in s.get("layers", []))]:
            text = text.replace(h[:12], "")
    return [w for w in ASCII_WORD.findall(text) if w != "gridlaw"]


def test_the_spread_covers_every_city_kind_and_decision():
    got = {(ACTS[i]["kind"], city, d.decision) for (i, city), d in DECISIONS.items()}
    assert {c for _, c, _ in got} == set(CITIES) and {k for k, _, _ in got} == KINDS
    assert {x for _, _, x in got} == {"compliant", "non_compliant", "needs_review", "insufficient_facts",
                                      "not_addressed", "not_in_force"}


@pytest.mark.parametrize("fmt", ["text", "md", "html"])
@pytest.mark.parametrize("city", CITIES)
def test_check_reports_show_no_code(city, fmt):
    for i, a in enumerate(ACTS):
        d = DECISIONS[i, city]
        out = render(d, fmt, "zh")
        assert not codes_in(visible(out, fmt), [d]), (a, d.decision, codes_in(visible(out, fmt), [d]))
        facts = json.loads(render(d, "json", "zh"))
        toggles = re.findall(r"<summary>规则编号</summary>(.*?)</details>", out)
        for f in facts["findings"]:          # the ids are in the JSON, and on the page only behind the toggle
            if fmt == "html":                # (findings that read alike share one toggle: 、-separated ids)
                assert any(f'<code>{f["rule"]}</code>' in t for t in toggles), f["rule"]


@pytest.mark.parametrize("fmt", ["text", "md", "html"])
def test_compare_shows_no_code(fmt):
    for a in ACTS:
        results = compare_act({**a, "city": "yancheng"})
        out = visible(render_comparison(results, fmt, "zh"), fmt)
        assert not codes_in(out, [d for _, d in results]), (a, codes_in(out, [d for _, d in results]))
        assert all(name in out for name in ("滨州", "盐城", "衢州", "自贡", "嘉兴"))


def test_missing_facts_name_the_fact_and_document_in_words():
    d = DECISIONS[5, "yancheng"]           # only the criminal record is known: much is missing
    text = render(d, "text", "zh")
    needs = text.split("需补充的事实及材料：")[1]
    assert d.missing and all(m.fact not in text for m in d.missing)
    assert "无犯罪记录证明" not in needs or "是否受过刑事处罚" in needs
    assert all(line.startswith("  - ") and "（" not in line.split("：")[0] for line in needs.splitlines()[1:]
               if line.startswith("  - "))


def test_only_the_national_laws_that_answer_are_listed_the_rest_in_one_line():
    d = DECISIONS[0, "quzhou"]                   # a penalty task: only 行政处罚法 answers among the national laws
    text = render(d, "text", "zh")
    block = text.split("各层级规定在审查基准日的施行情况：")[1].split("\n  [")[0]
    listed = [x for x in block.splitlines() if x.startswith("  国家法律") and "仅依据所述事实审查" not in x]
    assert listed == ["  国家法律 《中华人民共和国行政处罚法》（2021年修订）：已施行"]
    rest = next(x for x in block.splitlines() if x.startswith("  其余国家法律"))
    assert rest.endswith("未涉及本事项") and "劳动法" in rest and "行政处罚法" not in rest
    assert "适用的国家法律版本：中华人民共和国行政处罚法（2021年修订）\n" in text
    assert len([x for x in json.loads(render(d, "json"))["layers"] if x["layer"] == "national"]) == 7  # JSON keeps all
    hire = render(DECISIONS[8, "quzhou"], "text", "zh")       # a 14-year-old full-time candidate: 劳动法 answers
    assert "  国家法律 《中华人民共和国劳动法》（2018年修正）：已施行" in hire


def test_a_law_read_from_stated_facts_says_what_it_was_not_told():
    """《劳动法》第十五条 reads the age, 《社会保险法》 the insurance, 《个人信息保护法》 an excessive collection, only
    when stated: such a law is not "silent" on a full-time hire that leaves them out; the report says so."""
    d = gridlaw.check({"kind": "hire", "city": "quzhou", "date": "2024-06-01", "role": "full_time",
                       "selected_by": "township", "candidate": {"criminal_record": True}})
    text = render(d, "text", "zh")
    assert "国家法律 《中华人民共和国劳动法》（2018年修正）：已施行；仅依据所述事实审查，本行为未述及年龄" in text
    assert "《中华人民共和国社会保险法》（2010年通过、2018年修正）：已施行；仅依据所述事实审查" in text
    rest = next(x for x in text.splitlines() if x.startswith("  其余国家法律"))
    assert "劳动法" not in rest and "社会保险法" not in rest
    part_time = render(gridlaw.check({"kind": "hire", "city": "quzhou", "date": "2024-06-01", "role": "part_time",
                                      "candidate": {"criminal_record": True}}), "text", "zh")
    assert "仅依据所述事实审查" not in part_time      # both laws bind full-time workers only (a limit the rules state)
    aged = render(gridlaw.check({"kind": "hire", "city": "quzhou", "date": "2024-06-01", "role": "full_time",
                                 "candidate": {"birth_date": "1990-01-01"}}), "text", "zh")
    assert "未述及年龄" not in aged


def test_before_the_city_rules_take_effect_their_silence_is_not_quoted():
    d = gridlaw.check({"kind": "assignment", "city": "jiaxing", "date": "2024-03-15",
                       "task": {"text": "审批居民临时占道申请并发放许可证"}})
    text = render(d, "text", "zh")
    assert "禁止交办事项：本市规定尚未施行，已施行的国家法律未涉及" in text and "第十二条规定" not in text.splitlines()[2]


def test_the_age_from_an_id_number_decides_and_is_shown():
    """《劳动法》第十五条 and 年满十八周岁 were left unknown when only an ID number was given (issue 18, item 4)."""
    d = gridlaw.check({"kind": "hire", "city": "yancheng", "date": "2024-06-01", "role": "full_time",
                       "candidate": {"id_number": "320902201003150010"}})
    assert d.decision == "non_compliant"
    assert sorted(d.deciding_rules) == ["labourlaw.art15.minimum-age", "yancheng.art16.adult-citizen"]
    text = render(d, "text", "zh")
    assert "审查基准日年龄：14周岁" in text and "320902201003150010" not in text      # the number itself stays masked
