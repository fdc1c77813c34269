"""One semantic core (issues 15 §1, 16 §1–2): verdicts by question and by layer, layers decided by
the act's date, and the same answer from the scalar and the columnar executor of one program.

Acts are written here by hand from the texts (the penalty, coercion and licensing laws' dates, each
city's effective date); every assertion names the decision, the deciding rules and the layers."""
from __future__ import annotations

import datetime as dt

import pytest

import gridlaw
from gridlaw.acts import facts_of
from gridlaw.batch import OUTCOME_CODES, columns_from_facts, evaluate_columns
from gridlaw.layers import load_target
from gridlaw.program import compile_stack


def _layers(d) -> dict:
    return {x["pack"]: x["in_force"] for x in d.to_dict()["layers"]}


def _question(d, q: str) -> dict:
    [a] = [a for a in d.to_dict()["questions"] if a["question"] == q]
    return a


# ------------------------------------------------------------------ layers decided by date

def test_zigong_penalty_task_in_2023_answers_under_the_penalty_law_with_zigong_not_yet_in_force():
    d = gridlaw.check({"kind": "assignment", "city": "zigong", "date": "2023-06-01",
                       "task": {"text": "对在人行道违规停放车辆的车主当场罚款"}})
    assert d.decision == "non_compliant"
    assert d.deciding_rules == ["penaltylaw.art20.no-entrusting-individuals"]
    assert [f.rule.citation for f in d.deciding] == ["《中华人民共和国行政处罚法》第二十条第一款"]
    assert _layers(d)["zigong"] is False and _layers(d)["penaltylaw"] is True
    q = _question(d, "forbidden_tasks")
    assert d.main_question == "forbidden_tasks" and d.to_dict()["questions"][0]["question"] == "forbidden_tasks"
    assert q["verdict"] == "non_compliant" and q["deciding_rules"] == ["penaltylaw.art20.no-entrusting-individuals"]
    assert {(x["pack"], x["in_force"], x["verdict"]) for x in q["layers"]} >= {
        ("penaltylaw", True, "non_compliant"), ("zigong", False, "not_in_force")}


def test_binzhou_seizure_in_mid_2021_answers_under_the_coercion_law():
    d = gridlaw.check({"kind": "assignment", "city": "binzhou", "date": "2021-06-15",
                       "task": {"text": "查封无证经营的小作坊"}})
    assert d.decision == "non_compliant"
    assert sorted(d.deciding_rules) == ["coercionlaw.art17.not-entrusted", "coercionlaw.art17.officers-only"]
    assert _layers(d)["binzhou"] is False
    assert not any(f.layer == "city" for f in d.findings)


def test_jiaxing_licence_just_before_its_regulation_goes_to_review_under_the_licensing_law():
    d = gridlaw.check({"kind": "assignment", "city": "jiaxing", "date": "2024-03-20",
                       "task": {"text": "核发个体工商户营业执照"}})
    assert d.decision == "needs_review"
    assert "licensinglaw.art22.organs-with-power" in d.deciding_rules
    assert all(f.layer == "national" for f in d.deciding)
    assert _layers(d)["jiaxing"] is False
    # a day after Jiaxing takes effect its own ban answers beside the national rule
    after = gridlaw.check({"kind": "assignment", "city": "jiaxing", "date": "2024-04-02",
                           "task": {"text": "核发个体工商户营业执照"}})
    assert _layers(after)["jiaxing"] is True and any(f.layer == "city" for f in after.deciding)


def test_not_in_force_only_when_no_layer_in_force_addresses_the_act():
    hire = gridlaw.check({"kind": "hire", "city": "yancheng", "date": "2021-06-01", "role": "full_time",
                          "candidate": {"criminal_record": True}})
    assert hire.decision == "not_in_force" and hire.deciding_rules == [] and hire.missing == []
    assert _question(hire, "hiring")["verdict"] == "not_in_force"
    assert _question(hire, "hiring")["layers"] == [{"layer": "city", "pack": "yancheng", "in_force": False,
                                                     "verdict": "not_in_force"}]
    # Zigong never sets hiring conditions: no law in force addresses them, in 2023 or later
    zigong = gridlaw.check({"kind": "hire", "city": "zigong", "date": "2023-06-01", "role": "full_time",
                            "candidate": {"criminal_record": True}})
    assert zigong.decision == "not_in_force" and _question(zigong, "hiring")["verdict"] == "not_addressed"
    assert _question(zigong, "benefits")["verdict"] == "not_in_force"
    # a service task: national law in force says nothing on it, Zigong's text would but is not in force yet
    service = gridlaw.check({"kind": "assignment", "city": "zigong", "date": "2023-06-01",
                             "task": {"text": "走访独居老人", "nature": "service"}})
    assert service.decision == "not_in_force"
    assert _question(service, "forbidden_tasks")["verdict"] == "not_in_force"


# ------------------------------------------------------------------ verdicts by question

def test_every_question_the_act_raises_has_a_verdict_and_the_overall_folds_them():
    d = gridlaw.check({"kind": "hire", "city": "yancheng", "date": "2024-05-01", "role": "full_time",
                       "recruited_by": "township_unified",
                       "candidate": {"birth_date": "1990-01-01", "citizen": True, "criminal_record": True}})
    qs = d.to_dict()["questions"]
    assert qs[0]["question"] == "hiring" and qs[0]["label"] == "资格条件"
    hiring = _question(d, "hiring")
    assert hiring["verdict"] == "non_compliant" and "yancheng.art16.no-criminal-record" in hiring["deciding_rules"]
    assert _question(d, "procedure")["verdict"] == "compliant"
    assert d.decision == "non_compliant"
    # every deciding rule of the act is a deciding rule of a question with the act's verdict
    assert set(d.deciding_rules) == {r for q in qs if q["verdict"] == d.decision for r in q["deciding_rules"]}


def test_a_question_no_layer_addresses_says_so_and_where_the_law_leaves_it():
    d = gridlaw.check({"kind": "hire", "city": "binzhou", "date": "2024-05-01", "role": "full_time",
                       "candidate": {"criminal_record": True, "administrative_detention": True}})
    hiring = _question(d, "hiring")
    assert hiring["verdict"] == "not_addressed" and hiring["deciding_rules"] == []
    assert hiring["unregulated"]["zh"] and hiring["unregulated"]["en"]


# ------------------------------------------------------------------ one program, two executors

CITY_ACTS = [
    ("zigong", {"kind": "assignment", "date": "2023-06-01", "task": {"text": "对占道经营者处以罚款"}}),
    ("zigong", {"kind": "assignment", "date": "2024-06-01", "task": {"text": "对占道经营者处以罚款"}}),
    ("binzhou", {"kind": "assignment", "date": "2021-06-15", "task": {"text": "查封无证经营的小作坊"}}),
    ("quzhou", {"kind": "assignment", "date": "2021-07-14", "task": {"text": "没收违法所得"}}),
    ("quzhou", {"kind": "assignment", "date": "2021-07-15", "task": {"text": "没收违法所得"}}),
    ("yancheng", {"kind": "hire", "date": "2021-06-01", "role": "full_time", "candidate": {"criminal_record": True}}),
    ("jiaxing", {"kind": "assignment", "date": "2024-03-20", "task": {"text": "核发个体工商户营业执照"}}),
]


@pytest.mark.parametrize("city, act", CITY_ACTS)
def test_the_audit_program_answers_like_check(city, act):
    act = {**act, "city": city}
    d = gridlaw.check(act)
    model = gridlaw.parse_act(act)
    res = evaluate_columns(compile_stack(load_target(city)), act["kind"], columns_from_facts([facts_of(model)]))
    assert res.decision(0) == d.decision
    assert res.deciding_rules(0) == d.deciding_rules
    assert [a.to_dict() for a in res.questions(0)] == d.to_dict()["questions"]
    assert res.layers(0) == d.layers
    assert {r: OUTCOME_CODES[res.outcomes[j, 0]] for j, r in enumerate(res.rule_ids) if res.outcomes[j, 0]} == \
        {f.rule_id: f.outcome for f in d.findings if f.outcome != "not_applicable"}


def test_question_verdict_columns_agree_with_the_row_answers():
    acts = [{**a, "city": "quzhou"} for c, a in CITY_ACTS if a["kind"] == "assignment"] * 3
    models = [gridlaw.parse_act(a) for a in acts]
    res = evaluate_columns(compile_stack(load_target("quzhou")), "assignment",
                           columns_from_facts([facts_of(m) for m in models]))
    from gridlaw.verdicts import verdict_of

    cols = res.question_verdicts()
    for i in range(res.n):
        assert {a.question: a.verdict for a in res.questions(i)} == {q: verdict_of(int(c[i])) for q, c in cols.items()}


CLEAN = {"birth_date": "1980-01-01", "citizen": True, "political_integrity": True, "education_ok": True,
         "health_ok": True, "criminal_record": False, "under_investigation": False, "administrative_detention": False,
         "judicial_detention": False, "dismissed_from_public_office": False, "dishonest_person": False}


@pytest.mark.parametrize("act, conflicts", [
    # Yancheng 18 displaced by the county's own list: the city finding stays, out of the count
    ({"role": "part_time", "candidate": {"posts": ["mediator"]}}, []),
    # untrained: the county permits training later, Yancheng 43 forbids it; the city prevails, the conflict is reported
    ({"role": "full_time", "recruited_by": "township_unified", "candidate": {**CLEAN, "pre_job_training": False}},
     ["refines"]),
])
def test_county_displacement_and_conflicts_are_the_same_in_the_columnar_executor(act, conflicts):
    from pathlib import Path

    from gridlaw.api import check

    root = Path(__file__).resolve().parents[1] / "examples" / "examplecounty"
    act = {"kind": "hire", "city": "yancheng", "date": "2024-05-01", **act}
    d = check(act, pack=str(root))
    assert [c["kind"] for c in d.conflicts] == conflicts
    res = evaluate_columns(compile_stack(load_target(str(root))), "hire",
                           columns_from_facts([facts_of(gridlaw.parse_act(act))]))
    assert (res.decision(0), res.deciding_rules(0)) == (d.decision, d.deciding_rules)
    assert [c.to_dict() for c in res.conflicts(0)] == d.conflicts
    assert [a.to_dict() for a in res.questions(0)] == d.to_dict()["questions"]


def test_a_date_between_two_versions_uses_the_old_version_in_both_executors():
    act = {"kind": "assignment", "city": "quzhou", "date": dt.date(2021, 7, 14), "task": {"text": "没收违法所得"}}
    d = gridlaw.check(act)
    assert d.deciding_rules == ["penaltylaw.art18.no-entrusting-individuals"]


def test_the_text_report_names_the_layer_not_yet_in_force():
    from gridlaw.report import render

    d = gridlaw.check({"kind": "assignment", "city": "zigong", "date": "2023-06-01", "task": {"text": "对占道经营者处以罚款"}})
    text = render(d, "text", "zh")
    assert "《中华人民共和国行政处罚法》第二十条第一款" in text
    assert "行为日期尚未施行、未予适用：《自贡市城乡社会治理网格化服务管理办法》（2024-02-01起施行）" in text
    later = render(gridlaw.check({"kind": "assignment", "city": "zigong", "date": "2024-06-01",
                                  "task": {"text": "对占道经营者处以罚款"}}), "text", "zh")
    assert "尚未施行" not in later
