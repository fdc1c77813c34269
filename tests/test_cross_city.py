"""The same act under the five cities: each city's decision and deciding rules (tests/cross_city.yaml)."""
from pathlib import Path

import pytest
import yaml

from gridlaw.compare import compare_act, question_matrix, render_comparison
from gridlaw.loader import load_pack

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
    for city in ("yancheng", "zigong", "jiaxing", "binzhou", "quzhou"):  # the national ban stands under every city
        assert results[city].decision == "non_compliant"
        assert "penaltylaw.art20.no-entrusting-individuals" in results[city].deciding_rules
    # each city's own reading stands beside it, with its own effect (Jiaxing 12: the worker's right to refuse)
    effects = {city: {f.rule.spec.effect for f in results[city].findings
                      if f.layer == "city" and f.outcome in ("violated", "review")}
               for city in ("yancheng", "zigong", "jiaxing")}
    assert effects == {"yancheng": {"prohibited"}, "zigong": {"not_admissible"}, "jiaxing": {"may_be_refused"}}
    for city in ("binzhou", "quzhou"):  # they name no forbidden task: the national ban decides, not an invented city ban
        assert [(f.layer, f.rule_id) for f in results[city].deciding] == [("national", "penaltylaw.art20.no-entrusting-individuals")]
    table = render_comparison(list(results.items()), "text")
    assert "不得纳入网格事项清单" in table and "《中华人民共和国行政处罚法》第二十条第一款" in table


def test_matrix_never_states_a_ban_or_condition_the_text_does_not_set():
    """Binzhou and Quzhou name no forbidden task; benefits and encouragements are not hiring conditions.
    (Which articles answer each question is asserted in tests/test_structures_complete.py, from the
    questions the packs declare.)"""
    m = question_matrix()
    assert m["forbidden_tasks"]["binzhou"] == [] and m["forbidden_tasks"]["quzhou"] == []
    assert 18 not in m["hiring"]["zigong"] and not {19, 20} & set(m["hiring"]["jiaxing"])
    assert 8 not in m["hiring"]["quzhou"]
    for city in m["hiring"]:
        for rule in load_pack(city).rules:
            if rule.spec.cite.article in m["hiring"][city] and rule.spec.question == "hiring":
                assert rule.spec.structure not in ("permission", "encouragement"), rule.id


def test_matrix_shows_declared_questions_only():
    """Built from `question:` alone: a rule that declares none is not shown, whatever facts it reads."""
    import copy

    from gridlaw.compare import QUESTIONS
    from gridlaw.packspec import Question

    assert sorted(q for q, _, _ in QUESTIONS) == sorted(Question.__args__)
    pack = copy.copy(load_pack("yancheng"))
    pack.rules = [copy.copy(r) for r in pack.rules]
    first = {}
    for r in pack.rules:  # declare two questions on one rule of each of two kinds; clear every other
        question = {"assignment": "forbidden_tasks", "hire": "checklist"}.get(r.spec.act) if r.spec.act not in first else None
        if question:
            first[r.spec.act] = r.spec.cite.article
        r.spec = r.spec.model_copy(update={"question": question})
    m = question_matrix([pack])
    assert m["forbidden_tasks"] == {"yancheng": [first["assignment"]]} and m["checklist"] == {"yancheng": [first["hire"]]}
    assert all(row == {"yancheng": []} for q, row in m.items() if q not in ("forbidden_tasks", "checklist"))
