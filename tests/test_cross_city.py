"""The same act under the five cities: each city's decision and deciding rules (tests/cross_city.yaml)."""
from pathlib import Path

import pytest
import yaml

from gridlaw.compare import compare_act, question_matrix, render_comparison

CASES = yaml.safe_load((Path(__file__).parent / "cross_city.yaml").read_text("utf-8"))["cases"]


def test_at_least_ten_cases_for_all_five_cities():
    assert len(CASES) >= 10
    assert all(set(c["expect"]) == {"binzhou", "yancheng", "quzhou", "zigong", "jiaxing"} for c in CASES)


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_same_act_five_answers(case):
    got = {city: {"decision": d.decision, "rules": sorted(d.deciding_rules)}
           for city, d in compare_act({"city": "yancheng", **case["act"]})}
    assert got == case["expect"]


def test_issue3_penalty_task():
    act = next(c["act"] for c in CASES if c["name"].startswith("a penalty task off"))
    results = dict(compare_act({"city": "yancheng", **act}))
    for city in ("yancheng", "zigong", "jiaxing", "binzhou", "quzhou"):
        assert results[city].decision == "non_compliant"
    effects = {city: {f.rule.spec.effect for f in results[city].deciding if f.layer == "city"}
               for city in ("yancheng", "zigong", "jiaxing")}
    assert effects == {"yancheng": {"prohibited"}, "zigong": {"not_admissible"}, "jiaxing": {"may_be_refused"}}
    for city in ("binzhou", "quzhou"):  # they name no forbidden task: the national ban decides, not an invented city ban
        assert [(f.layer, f.rule_id) for f in results[city].deciding] == [("national", "penaltylaw.art20.no-entrusting-individuals")]
    table = render_comparison(list(results.items()), "text")
    assert "网格员有权拒绝" in table and "不得纳入网格事项清单" in table
    assert "《中华人民共和国行政处罚法》第二十条第一款" in table


def test_matrix_names_articles_and_gaps():
    m = question_matrix()
    assert m["forbidden_tasks"]["yancheng"] == [19]
    assert m["exit"]["binzhou"] == []          # Binzhou sets no exit grounds
    assert 22 in m["disclosure"]["yancheng"] and 15 in m["disclosure"]["jiaxing"]
