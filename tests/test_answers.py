"""Issue 16 (answers): where each pack leaves a question, met scopes, like texts with like answers."""
from __future__ import annotations

import shutil

import pytest

import gridlaw
from gridlaw.errors import PackError
from gridlaw.loader import CITIES, compile_pack, load_pack
from gridlaw.loader import pack_root


# --------------------------------------------------------------------------- silent_on (contract C1)

@pytest.mark.parametrize("city, question, article, paragraph", [
    ("quzhou", "hiring", 11, 2),      # 选任配备、调整退出等事项的具体办法，由县（市、区）…制定
    ("quzhou", "exit", 11, 2),
    ("jiaxing", "hiring", 19, 1),     # 专职网格员的配备调整…具体办法由…主管部门会同…制定
    ("zigong", "hiring", 17, 1),      # 应当建立网格员聘用…等工作机制
    ("yancheng", "hiring", 18, None),  # part-time workers: only who may serve
])
def test_a_delegated_question_names_the_delegating_provision(city, question, article, paragraph):
    silence = load_pack(city).meta.silent_on[question]
    assert silence.cite is not None and (silence.cite.article, silence.cite.paragraph) == (article, paragraph)
    assert f"第{'十一' if article == 11 else '十九' if article == 19 else '十七' if article == 17 else '十八'}条" in silence.zh


def test_binzhou_has_no_text_on_eligibility():
    silence = load_pack("binzhou").meta.silent_on["hiring"]
    assert silence.cite is None and "未规定" in silence.zh


@pytest.mark.parametrize("city", CITIES)
def test_no_pack_is_silent_on_a_question_it_answers(city):
    pack = load_pack(city)
    answered = {r.spec.question for r in pack.rules if r.spec.structure not in ("permission", "encouragement", "definition")}
    assert not answered & {q for q in pack.meta.silent_on if q != "hiring"}, answered & set(pack.meta.silent_on)


def test_a_silent_on_quote_not_in_the_text_is_a_located_pack_error(tmp_path):
    dst = tmp_path / "quzhou"
    shutil.copytree(pack_root("quzhou"), dst)
    meta = (dst / "pack.yaml").read_text("utf-8")
    meta = meta.replace("由县（市、区）城乡网格化服务管理工作主管部门制定\n  exit:", "由乡镇人民政府制定\n  exit:", 1)
    (dst / "pack.yaml").write_text(meta, "utf-8")
    with pytest.raises(PackError) as exc:
        compile_pack(dst, "quzhou", use_cache=False)
    hits = [p for p in exc.value.problems if p.path == "silent_on.hiring.quote"]
    assert len(hits) == 1 and hits[0].line and "quote not found in Art. 11" in hits[0].message


# --------------------------------------------------------------------------- §3 a met scope is a met requirement

LISTED = {"text": "入户走访独居老人", "nature": "service", "on_checklist": True, "checklist_published": True}


@pytest.mark.parametrize("city, rule", [
    ("quzhou", "quzhou.art10.admission-list"),
    ("binzhou", "binzhou.art10.listed-matter"),
    ("zigong", "zigong.art10.listed-matter"),
    ("jiaxing", "jiaxing.art8.checklist-published"),
    ("yancheng", "yancheng.art19.checklist-only"),
])
def test_a_task_on_the_admitted_list_gets_a_met_finding_in_every_city(city, rule):
    d = gridlaw.check({"kind": "assignment", "city": city, "date": "2024-06-01", "task": LISTED})
    assert d.decision == "compliant"
    met = {f.rule_id for f in d.findings if f.outcome == "satisfied" and f.rule.spec.question == "checklist"}
    assert rule in met


def test_off_the_list_quzhou_reviews_binzhou_says_nothing():
    off = {**LISTED, "on_checklist": False}
    q = gridlaw.check({"kind": "assignment", "city": "quzhou", "date": "2024-06-01", "task": off})
    assert q.decision == "needs_review" and q.deciding_rules == ["quzhou.art10.admission-list"]
    b = gridlaw.check({"kind": "assignment", "city": "binzhou", "date": "2024-06-01", "task": off})
    assert b.decision == "not_addressed" and b.deciding_rules == []


def test_the_binzhou_definition_still_clears_nothing():
    d = gridlaw.check({"kind": "assignment", "city": "binzhou", "date": "2024-06-01", "task": {"text": "代收物业费"}})
    assert d.decision == "not_addressed"
    assert all(f.outcome != "satisfied" for f in d.findings if f.rule_id == "binzhou.art3.scope")


# --------------------------------------------------------------------------- §6 the wider national layer

@pytest.mark.parametrize("city", CITIES)
def test_a_fifteen_year_old_full_time_hire_breaks_labour_law_15_in_every_city(city):
    d = gridlaw.check({"kind": "hire", "city": city, "date": "2024-06-01", "role": "full_time",
                       "candidate": {"birth_date": "2009-01-10"}})
    assert d.decision == "non_compliant"
    assert "labourlaw.art15.minimum-age" in d.deciding_rules
    layer = next(x for x in d.layers if x["pack"] == "labourlaw")
    assert layer["version"] == "2018年修正" and layer["in_force"]


def test_labour_law_answers_in_its_1994_text_before_the_2018_amendment():
    d = gridlaw.check({"kind": "hire", "city": "quzhou", "date": "2020-01-01", "role": "full_time",
                       "candidate": {"age": 15}})
    assert "labourlaw.art15.minimum-age" in d.deciding_rules
    d = gridlaw.check({"kind": "hire", "city": "yancheng", "date": "2018-12-28", "role": "full_time",
                       "candidate": {"age": 15}})
    # Yancheng's rules are later, but the 1994 labour law was in force that day and answers (issue 16 §2)
    assert d.decision == "non_compliant" and "labourlaw.art15.minimum-age" in d.deciding_rules
    assert next(x for x in d.layers if x["pack"] == "labourlaw")["version"] == "1994年通过"
    assert not next(x for x in d.layers if x["pack"] == "yancheng")["in_force"]


@pytest.mark.parametrize("city", ["binzhou", "quzhou"])
def test_an_uninsured_full_time_worker_breaks_social_insurance_law_where_the_city_is_silent(city):
    d = gridlaw.check({"kind": "hire", "city": city, "date": "2024-06-01", "role": "full_time",
                       "social_insurance": False, "candidate": {"age": 30}})
    assert d.decision == "non_compliant"
    assert {"socialinsurancelaw.art58.registration", "socialinsurancelaw.art60.contributions"} <= set(d.deciding_rules)


def test_a_notice_publishing_id_numbers_without_consent_breaks_pipl_25():
    d = gridlaw.check({"kind": "notice", "city": "quzhou", "date": "2024-06-01", "publisher": "township",
                       "fields": ["grid_name"], "extra_personal_info": True, "personal_info_consent": False})
    assert d.decision == "non_compliant"
    assert "personalinfolaw.art25.no-publication-without-consent" in d.deciding_rules


@pytest.mark.parametrize("city", CITIES)
def test_a_stated_unlawful_task_is_never_read_as_silence(city):
    d = gridlaw.check({"kind": "assignment", "city": city, "date": "2024-06-01",
                       "task": {"text": "入户走访独居老人", "nature": "service", "unlawful": True}})
    assert d.decision in ("non_compliant", "needs_review", "insufficient_facts")
    assert any(f.rule_id == "constitution.art5.stated-unlawful" and f.outcome == "review" for f in d.findings)


def test_a_task_collecting_beyond_need_breaks_pipl_6():
    d = gridlaw.check({"kind": "assignment", "city": "binzhou", "date": "2024-06-01",
                       "task": {"text": "入户采集居民信息", "collects_beyond_need": True}})
    assert d.decision == "non_compliant" and d.deciding_rules == ["personalinfolaw.art6.no-excessive-collection"]


# --------------------------------------------------------------------------- §1 every report opens with the answer

from gridlaw.report import render  # noqa: E402

HIRE_RECORD = {"kind": "hire", "date": "2024-06-01", "role": "full_time", "township": "府山街道",
               "candidate": {"name": "张三丰", "birth_date": "1990-01-01", "criminal_record": True,
                             "administrative_detention": True}}
ASSIGN_RECORD = {"kind": "assignment", "date": "2024-06-01", "township": "府山街道",
                 "task": {"text": "入户走访独居老人", "nature": "service", "on_checklist": True, "checklist_published": True}}


def _first_lines(text: str) -> list[str]:
    return text.splitlines()[:4]


@pytest.mark.parametrize("city", CITIES)
@pytest.mark.parametrize("record", [HIRE_RECORD, ASSIGN_RECORD], ids=["hire", "assignment"])
def test_every_report_opens_with_verdicts_by_question_and_never_reads_compliant_alone(city, record):
    d = gridlaw.check({**record, "city": city})
    main = "资格条件" if record["kind"] == "hire" else "禁止交办事项"
    for fmt in ("text", "md", "html"):
        out = render(d, fmt, "zh")
        assert "逐项结论" in out and f"{main}：" in out, (fmt, out[:400])
        assert "审查基准日" in out and "各层级规定在审查基准日的施行情况" in out
        assert "张三丰" not in out  # masked
    text = render(d, "text", "zh")
    head = text.splitlines()[0]
    main_unaddressed = f"{main}：本市规定未涉及" in text
    if main_unaddressed:
        assert not head.startswith("合规"), head
        if d.decision in ("compliant", "not_addressed"):
            assert "未涉及" in head, head
        html = render(d, "html", "zh")
        assert ">合规<" not in html


def test_quzhou_hire_says_where_eligibility_is_left():
    d = gridlaw.check({**HIRE_RECORD, "city": "quzhou", "selected_by": "township"})
    text = render(d, "text", "zh")
    assert "资格条件：本市规定未涉及（第十一条第二款交由县级办法规定） · 选任程序：符合" in text
    assert text.splitlines()[0].startswith("已满足所涉规定设定的要求；但资格条件")
    # the age on the review date is shown since issue 18 (it decides 劳动法第十五条 and 年满十八周岁)
    assert "审查对象：拟任岗位：专职网格员；姓名（已遮蔽）：张**；审查基准日年龄：34周岁；镇（街道）：府山街道" in text


def test_html_carries_the_national_versions_line_and_layers_in_force():
    d = gridlaw.check({"kind": "assignment", "city": "zigong", "date": "2023-06-01", "task": {"text": "对占道经营者处以罚款"}})
    html = render(d, "html", "zh")
    assert "适用的国家法律版本" in html and "中华人民共和国行政处罚法（2021年修订）" in html
    assert "《自贡市城乡社会治理网格化服务管理办法》：尚未施行（自2024-02-01起施行）" in html.replace("市级规定 ", "")


def test_a_not_addressed_report_is_never_a_blank_page():
    d = gridlaw.check({"kind": "hire", "city": "binzhou", "date": "2024-06-01", "role": "part_time",
                       "candidate": {"citizen": True}})
    assert d.decision == "not_addressed"
    text = render(d, "text", "zh")
    assert text.splitlines()[0].startswith("资格条件：本市规定未涉及（条例未规定网格员的任职条件）")
    assert "审查对象：拟任岗位：兼职网格员" in text and "逐项结论" in text


# --------------------------------------------------------------------------- §4 three answers from a checklist

from gridlaw.checklist import Checklist  # noqa: E402

CL = Checklist(county="亭湖区", published="2022-03-01", matters=["采集登记实有人口信息", "走访慰问困难群众", "排查安全隐患"])


def test_listed_names_the_entry():
    found = CL.lookup("入户采集登记实有人口信息")
    assert (found.status, found.entry, found.value) == ("listed", "采集登记实有人口信息", True)


def test_not_listed_names_every_entry_compared():
    found = CL.lookup("对占道经营者处以罚款")
    assert (found.status, found.value) == ("not_listed", False)
    reason = found.reason("亭湖区网格事项清单")
    assert all(f"“{m}”" in reason for m in CL.matters) and "共3项" in reason


def test_possibly_listed_names_the_nearest_and_asks_to_confirm():
    found = CL.lookup("入户走访独居老人")
    assert (found.status, found.entry, found.value) == ("possible", "走访慰问困难群众", None)
    assert "请确认" in found.reason("清单") and "无需另行提交" in found.reason("清单")


def test_a_text_of_only_generic_words_is_never_not_listed():
    found = CL.lookup("组织开展网格服务工作")
    assert found.status == "possible" and found.entry is None


def test_a_supplied_checklist_is_never_asked_for_again():
    d = gridlaw.check({"kind": "assignment", "city": "yancheng", "date": "2024-05-01",
                       "task": {"text": "入户走访独居老人"}}, checklist=CL)
    assert d.decision == "insufficient_facts"
    asked = {m.fact: m.evidence for m in d.missing}
    assert "走访慰问困难群众" in asked["task.on_checklist"] and "当地公布的网格服务管理事项清单" not in asked["task.on_checklist"]
    d = gridlaw.check({"kind": "assignment", "city": "quzhou", "date": "2024-05-01",
                       "task": {"text": "对占道经营者进行劝导"}}, checklist=CL)
    assert d.decision == "needs_review" and d.deciding_rules == ["quzhou.art10.admission-list"]
    text = render(d, "text", "zh")
    assert "不在亭湖区网格事项清单（2022-03-01公布）内：已逐项比对“采集登记实有人口信息”" in text


def test_the_batch_reads_the_checklist_the_same_way():
    import datetime as dt

    from gridlaw.acts import facts_of
    from gridlaw.batch import columns_from_facts, evaluate_columns

    pack = load_pack("yancheng")
    acts = [{"kind": "assignment", "city": "yancheng", "date": dt.date(2024, 5, 1), "task": {"text": t}}
            for t in ("采集登记实有人口信息", "对占道经营者处以罚款", "入户走访独居老人")]
    res = evaluate_columns(pack, "assignment", columns_from_facts([facts_of(a) for a in acts]), CL)
    from gridlaw.api import check

    scalar = [check({**a, "date": "2024-05-01"}, checklist=CL, national=False).decision for a in acts]
    assert [res.decision(i) for i in range(3)] == scalar == ["compliant", "non_compliant", "insufficient_facts"]


# --------------------------------------------------------------------------- §5 stated facts checked against the text

@pytest.mark.parametrize("city", CITIES)
def test_a_stated_service_nature_that_the_text_contradicts_goes_to_review_with_the_clause(city):
    d = gridlaw.check({"kind": "assignment", "city": city, "date": "2024-06-01",
                       "task": {"text": "对占道经营者当场收缴罚款", "nature": "service"}})
    assert d.decision != "compliant" and d.decision != "not_addressed"
    f = next(f for f in d.findings if f.rule_id == "penaltylaw.art20.stated-nature-disputed")
    assert f.outcome == "review"
    assert "“对占道经营者当场收缴罚款”一句" in render(d, "text", "zh")


def test_a_task_of_two_natures_gets_a_finding_under_each_law():
    d = gridlaw.check({"kind": "assignment", "city": "quzhou", "date": "2024-06-01",
                       "task": {"text": "扣押违法经营者的工具并处以罚款"}})
    assert d.decision == "non_compliant"
    assert {"coercionlaw.art17.not-entrusted", "penaltylaw.art20.no-entrusting-individuals"} <= set(d.deciding_rules)


def test_the_batch_reads_several_and_disputed_natures_as_check_does():
    import datetime as dt

    from gridlaw.acts import facts_of
    from gridlaw.api import check
    from gridlaw.batch import columns_from_facts, evaluate_columns
    from gridlaw.layers import load_target
    from gridlaw.program import compile_stack

    acts = [{"kind": "assignment", "city": "binzhou", "date": dt.date(2024, 6, 1), "task": t}
            for t in ({"text": "扣押违法经营者的工具并处以罚款"}, {"text": "对占道经营者当场收缴罚款", "nature": "service"})]
    res = evaluate_columns(compile_stack(load_target("binzhou")), "assignment", columns_from_facts([facts_of(a) for a in acts]))
    scalar = [check({**a, "date": "2024-06-01"}) for a in acts]
    assert [res.decision(i) for i in range(2)] == [d.decision for d in scalar] == ["non_compliant", "needs_review"]


def test_a_zigong_penalty_task_in_2023_answers_to_national_law_with_zigong_not_yet_in_force():
    d = gridlaw.check({"kind": "assignment", "city": "zigong", "date": "2023-06-01", "task": {"text": "对占道经营者处以罚款"}})
    assert d.decision == "non_compliant" and "penaltylaw.art20.no-entrusting-individuals" in d.deciding_rules
    text = render(d, "text", "zh")
    assert "尚未施行（自2024-02-01起施行）" in text and "not_in_force" not in text


def test_a_stated_nature_the_text_agrees_with_raises_no_dispute():
    d = gridlaw.check({"kind": "assignment", "city": "quzhou", "date": "2024-06-01",
                       "task": {"text": "入户走访独居老人", "nature": "service"}})
    assert not any(f.rule_id.endswith("stated-nature-disputed") and f.outcome != "not_applicable" for f in d.findings)
