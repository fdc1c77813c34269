"""Checklist lookup claims "listed" or "not listed" only when sure (issue 18; issue 16 §4).

Checklist items and task texts written for this file. Sure cases: the text is the item (script,
width and punctuation aside) or holds it whole; the same act (a verb of one synonym class) on the same
object; a complete list (no catch-all item) with no item in the task's field. Everything else is
"possibly listed", with the nearest items named for the reviewer."""
import pytest

import gridlaw
from gridlaw.checklist import Checklist
from gridlaw.report import render

ITEMS = ["入户走访独居老人和留守儿童", "采集登记流动人口信息", "排查上报消防安全隐患", "调解邻里矛盾纠纷",
         "宣传防范电信网络诈骗知识"]
CL = Checklist(county="示范区", published="2023-01-01", matters=ITEMS)


@pytest.mark.parametrize("text,item", [
    ("入户走访独居老人和留守儿童", "入户走访独居老人和留守儿童"),              # the item itself
    ("入戶走訪獨居老人和留守兒童。", "入户走访独居老人和留守儿童"),            # traditional script, a full stop
    ("每月入户走访独居老人和留守儿童", "入户走访独居老人和留守儿童"),          # holds the item whole
    ("探望独居老人", "入户走访独居老人和留守儿童"),                          # 探望 = 走访, one of the objects
    ("看望留守儿童", "入户走访独居老人和留守儿童"),
    ("收集流动人口信息", "采集登记流动人口信息"),                            # 收集 = 采集
    ("登记流动人口信息", "采集登记流动人口信息"),                            # one of the item's two acts
    ("摸排消防安全隐患", "排查上报消防安全隐患"),                            # 摸排 = 排查
    ("及时报送消防安全隐患", "排查上报消防安全隐患"),                         # 报送 = 上报; 及时 changes nothing
    ("化解邻里矛盾纠纷", "调解邻里矛盾纠纷"),
    ("宣讲防范电信网络诈骗知识", "宣传防范电信网络诈骗知识"),
])
def test_sure_listed(text, item):
    found = CL.lookup(text)
    assert (found.status, found.entry, found.value) == ("listed", item, True)


@pytest.mark.parametrize("text,nearest", [
    ("看望慰问独居老人", "入户走访独居老人和留守儿童"),     # 慰问 is an act the item does not name
    ("回访独居老人", "入户走访独居老人和留守儿童"),         # 回访 (a follow-up) is not 走访
    ("探望空巢老年人", "入户走访独居老人和留守儿童"),       # another group of the same field: no shared word at all
    ("核查出租房屋租户信息", "采集登记流动人口信息"),       # a paraphrase in the same field
    ("检查楼道燃气安全隐患", "排查上报消防安全隐患"),
    ("劝解邻里纠纷", "调解邻里矛盾纠纷"),                   # 劝解 is not in a verb class: not sure
    ("走访独居老人，排查燃气隐患", "入户走访独居老人和留守儿童"),   # two clauses: one listed says nothing of the other
])
def test_not_sure_is_possible_with_the_nearest_items(text, nearest):
    found = CL.lookup(text)
    assert (found.status, found.value) == ("possible", None)
    assert found.nearest[0] == nearest and len(found.nearest) <= 3
    reason = found.reason("示范区网格事项清单")
    assert f"“{nearest}”" in reason and "请确认" in reason and "无需另行提交" in reason


@pytest.mark.parametrize("text,field", [
    ("协助开展防汛巡查", "防汛防灾与应急"),
    ("巡查河道漂浮垃圾", "生态环境与人居卫生"),
    ("对占道经营者进行劝导", "市容秩序与违法建设"),
    ("代收小区物业费", "物业与小区事务"),
])
def test_sure_not_listed_only_on_a_complete_list_with_nothing_in_the_field(text, field):
    found = CL.lookup(text)
    assert (found.status, found.value) == ("not_listed", False)
    reason = found.reason("示范区网格事项清单")
    assert field in reason and "共5项" in reason and all(f"“{m}”" in reason for m in ITEMS)


@pytest.mark.parametrize("extra", ["完成上级交办的其他事项", "做好网格内其他工作"])
def test_a_catch_all_item_means_never_not_listed(extra):
    found = Checklist(matters=[*ITEMS, extra]).lookup("协助开展防汛巡查")
    assert found.status == "possible" and extra in found.nearest and "兜底" in found.reason("清单")


def test_an_item_of_unknown_field_means_never_not_listed():
    found = Checklist(matters=[*ITEMS, "做好志愿服务"]).lookup("协助开展防汛巡查")
    assert found.status == "possible" and "做好志愿服务" in found.nearest


def test_a_text_in_no_known_field_is_never_not_listed():
    found = CL.lookup("完成网格内的各项任务")
    assert found.status == "possible" and "过于笼统" in found.reason("清单")


def test_yancheng_synonym_is_no_longer_a_breach():
    """Old fault: no shared two-character word → 'not listed' → 不合规 under 盐城细则第十九条第二款第（一）项."""
    cl = Checklist(county="亭湖区", published="2022-03-01", matters=["关爱独居老人", "采集登记流动人口信息"])
    act = {"kind": "assignment", "city": "yancheng", "date": "2024-05-01",
           "task": {"text": "探望空巢老年人", "nature": "service"}}
    d = gridlaw.check(act, checklist=cl)
    assert d.decision == "insufficient_facts" and d.deciding_rules == ["yancheng.art19.checklist-only"]
    text = render(d, "text", "zh")
    assert "“关爱独居老人”" in text and "请确认" in text
    d = gridlaw.check({**act, "task": {"text": "关心独居老人", "nature": "service"}}, checklist=cl)   # 关心 = 关爱
    assert d.decision == "compliant" and "yancheng.art19.checklist-only" in d.deciding_rules
    assert "同一行为、同一对象“独居老人”" in render(d, "text", "zh")
    d = gridlaw.check({**act, "task": {"text": "代收物业费", "nature": "service"}}, checklist=cl)
    assert d.decision == "non_compliant" and d.deciding_rules == ["yancheng.art19.checklist-only"]


def test_the_audit_reads_the_lookup_the_same_way():
    import datetime as dt

    from gridlaw.acts import facts_of
    from gridlaw.batch import columns_from_facts, evaluate_columns
    from gridlaw.api import check
    from gridlaw.loader import load_pack

    texts = ["探望独居老人", "探望空巢老年人", "协助开展防汛巡查"]
    acts = [{"kind": "assignment", "city": "yancheng", "date": dt.date(2024, 5, 1), "task": {"text": t, "nature": "service"}}
            for t in texts]
    res = evaluate_columns(load_pack("yancheng"), "assignment", columns_from_facts([facts_of(a) for a in acts]), CL)
    single = [check({**a, "date": "2024-05-01"}, checklist=CL, national=False).decision for a in acts]
    assert [res.decision(i) for i in range(3)] == single == ["compliant", "insufficient_facts", "non_compliant"]
