"""What a single-act report says first: the verdict by question, the layers in force on the
review date, and who or what was reviewed (issue 16 §1, issue 18).

The verdicts are the decision's ``questions`` (contract C1, engine/verdicts.py); this module only
words them. A question nobody addresses says where the law leaves it (the pack's ``silent_on``),
and no headline reads 合规 alone when the act's main question is not addressed.
"""
from __future__ import annotations

from typing import Any

from .labels import label, question_label
from .verdicts import MAIN_QUESTION

_VERDICT = {"zh": {"compliant": "符合", "non_compliant": "不符合", "needs_review": "需人工审查",
                   "insufficient_facts": "事实不足", "not_addressed": "本市规定未涉及", "not_in_force": "规定尚未施行"},
            "en": {"compliant": "met", "non_compliant": "not met", "needs_review": "needs review",
                   "insufficient_facts": "insufficient facts", "not_addressed": "not addressed",
                   "not_in_force": "not yet in force"}}
_GENERIC = {"zh": "本市规定未涉及", "en": "no text on it"}


def _label(q: dict, kind: str, lang: str) -> str:
    if q["question"] == "procedure" and kind != "hire":   # 选任程序 is the hire's procedure
        return "程序" if lang == "zh" else "procedure"
    return question_label(q["question"], lang)


def questions_of(decision: Any) -> list[dict]:
    """The decision's C1 ``questions`` entries (engine/verdicts.py), as dicts."""
    return [q if isinstance(q, dict) else q.to_dict() for q in getattr(decision, "questions", None) or []]


def _why(q: dict, lang: str) -> str:
    u = q.get("unregulated") or {}
    text = u.get(lang) or u.get("zh") or ""
    return "" if not text or text == _GENERIC.get(lang) else text


def verdict_text(q: dict, lang: str = "zh", kind: str = "", city_in_force: bool = True) -> str:
    """资格条件：本市规定未涉及（第十一条第二款交由县级办法规定）. Before the city's text is in force, its
    silence (and where it leaves the question) is not yet law: say so instead."""
    zh = lang == "zh"
    if q["verdict"] == "not_addressed" and not city_in_force:
        return f"{_label(q, kind, lang)}{'：本市规定尚未施行，已施行的国家法律未涉及' if zh else ': the city rules not yet in force; national law in force does not address it'}"
    verdict = _VERDICT.get(lang, _VERDICT["zh"]).get(q["verdict"], q["verdict"])
    why = _why(q, lang) if q["verdict"] == "not_addressed" else ""
    label_ = _label(q, kind, lang)
    return f"{label_}{'：' if zh else ': '}{verdict}" + (f"（{why}）" if zh and why else f" ({why})" if why else "")


def shown_questions(questions: list[dict], kind: str) -> list[dict]:
    """The main question always; the others when some layer answers them."""
    main = MAIN_QUESTION.get(kind)
    return [q for q in questions if q["question"] == main or q["verdict"] != "not_addressed"]


def headline(decision_value: str, questions: list[dict], kind: str, lang: str = "zh", city_in_force: bool = True) -> str:
    """The overall answer in words. Never 合规 alone when the main question is not addressed."""
    zh = lang == "zh"
    main = next((q for q in questions if q["question"] == MAIN_QUESTION.get(kind)), None)
    if main is not None and main["verdict"] == "not_addressed" and decision_value in ("compliant", "not_addressed"):
        what = verdict_text(main, lang, kind, city_in_force)
        if decision_value == "compliant":
            return (f"已满足所涉规定设定的要求；但{what}" if zh else
                    f"The requirements the law sets are met; but {what}")
        return what
    return label(decision_value, lang)


def addressing(questions: list[dict]) -> set[str]:
    """The packs that answer at least one of the act's questions (a verdict other than not addressed)."""
    return {x["pack"] for q in questions for x in q.get("layers", ()) if x.get("verdict") != "not_addressed"}


def _facts_in(cond: Any) -> list[str]:
    """The fact names a condition (a rule's trigger) reads, in order."""
    if cond is None:
        return []
    if hasattr(cond, "model_dump"):
        cond = cond.model_dump(exclude_none=True)
    if isinstance(cond, dict):
        out = [cond["fact"]] if isinstance(cond.get("fact"), str) else []
        for v in cond.values():
            if isinstance(v, (dict, list)):
                out += _facts_in(v)
        return out
    if isinstance(cond, list):
        return [f for c in cond for f in _facts_in(c)]
    return []


# 《个人信息保护法》第四条: personal information is information on identified or identifiable persons, and its
# processing is 收集、存储、使用、加工、传输、提供、公开、删除等. A task whose text names no such handling (宣传垃圾分类,
# 巡查消防隐患) processes no personal information, so the law's excessive-collection rule (第六条第二款) has nothing
# to reach and the report does not say "not stated" about it. Words of recording people or their particulars:
_PERSONAL_DATA_WORDS = ("信息", "登记", "采集", "录入", "建档", "台账", "名单", "花名册", "名册", "身份", "证件",
                        "电话", "联系方式", "住址", "户籍", "人口", "普查", "摸排", "核查", "核实", "统计", "填报",
                        "照片", "拍照", "健康码", "行程", "底数", "情况")


def _handles_personal_data(decision: Any) -> bool:
    """Whether the task (or matter) may handle personal information: its text names recording people or their
    particulars, or there is no text to tell (the nature only stated: the line stays)."""
    text = decision.facts.get("task.text") or decision.facts.get("matter.text")
    return not isinstance(text, str) or any(w in text for w in _PERSONAL_DATA_WORDS)


def stated_only(decision: Any, lang: str = "zh") -> dict[str, str]:
    """National laws read from stated facts only (劳动法 the age, 社会保险法 the insurance, 个人信息保护法 an
    excessive collection or publication): law pack -> the facts the act does not state that would bring one of
    its rules into play. Such a law is not "silent" on the act; the report says which facts it was not told."""
    from .facts import fact_vocabulary

    vocab = fact_vocabulary().get(decision.kind, {})
    role = decision.facts.get("role")
    out: dict[str, list[str]] = {}
    for f in decision.findings:
        spec = f.rule.spec
        if f.layer != "national" or f.outcome != "not_applicable" or spec.trigger is None:
            continue
        if spec.roles and role not in spec.roles:
            continue
        if spec.id.startswith("personalinfolaw.") and decision.kind in ("assignment", "admission") \
                and not _handles_personal_data(decision):
            continue
        unstated = [x for x in _facts_in(spec.trigger) if x not in decision.facts]
        for x in unstated:
            name = vocab.get(x, {}).get("label", x) if lang == "zh" else x
            if name not in out.setdefault(getattr(f, "pack", None) or spec.id.split(".")[0], []):
                out[getattr(f, "pack", None) or spec.id.split(".")[0]].append(name)
    return {k: ("、" if lang == "zh" else ", ").join(v) for k, v in out.items() if v}


def layer_lines(layers: list[dict], lang: str = "zh", answering: set[str] | None = None,
                unstated: dict[str, str] | None = None) -> list[str]:
    """Layer by layer, whether it was in force on the review date. With ``answering``, a national law in
    force that answers none of the act's questions is not listed on its own: they share one closing line
    (seven national laws on every report hid the ones that matter)."""
    from .layers import layer_label

    zh = lang == "zh"
    out = []
    unstated = unstated or {}
    silent = [x for x in layers if answering is not None and x["layer"] == "national" and x.get("in_force")
              and x.get("pack") not in answering]
    for x in layers:
        version = f"（{x['version']}）" if zh and x.get("version") else f" ({x['version']})" if x.get("version") else ""
        if x in silent and x.get("pack") in unstated:     # read from stated facts only, and not told them
            out.append(f"{layer_label(x['layer'], lang)} 《{x['title']}》{version}：已施行；仅依据所述事实审查，本行为未述及"
                       f"{unstated[x['pack']]}" if zh else f"{layer_label(x['layer'], lang)} {x['title']}{version}: in force; "
                                                          f"read from stated facts only, not stated: {unstated[x['pack']]}")
            continue
        if x in silent:
            continue
        state = (("已施行" if zh else "in force") if x.get("in_force") else
                 (f"尚未施行（自{x['effective']}起施行）" if zh else f"not yet in force (from {x['effective']})"))
        out.append(f"{layer_label(x['layer'], lang)} 《{x['title']}》{version}{'：' if zh else ': '}{state}")
    silent = [x for x in silent if x.get("pack") not in unstated]
    if silent:
        names = [x["title"].removeprefix("中华人民共和国") for x in silent]
        out.append(f"其余国家法律（{'、'.join(names)}）未涉及本事项" if zh else
                   f"Other national laws ({', '.join(names)}) do not address this act")
    return out


_SUBJECT = {  # (path in the act tree, Chinese label, English label), in reading order
    "hire": [("role", "拟任岗位", "role"), ("candidate.name", "姓名（已遮蔽）", "name (masked)"),
             ("candidate.age", "审查基准日年龄", "age on the review date")],
    "exit": [("role", "岗位", "role"), ("worker.name", "姓名（已遮蔽）", "name (masked)"),
             ("worker.age", "审查基准日年龄", "age on the review date")],
    "assignment": [("task.text", "任务内容", "task"), ("required_by", "交办单位", "assigned by"), ("role", "承担人员", "to")],
    "notice": [("publisher", "公布主体", "publisher")],
    "admission": [("department", "申请部门", "department"), ("matter.text", "申请事项", "matter")],
    "grid": [("grid_type", "网格类型", "grid type"), ("households", "户数", "households")],
}
_WHERE = [("county", "县（市、区）", "county"), ("township", "镇（街道）", "township"), ("grid", "网格", "grid")]


def subject_lines(kind: str, act: dict, lang: str = "zh", masked: bool = True) -> list[str]:
    """Who or what was reviewed, from the act as shown (masked unless asked)."""
    from .shortfall import _value_label

    zh = lang == "zh"
    out = []
    for path, lz, le in [*_SUBJECT.get(kind, []), *_WHERE]:
        node: Any = act
        for part in path.split("."):
            node = node.get(part) if isinstance(node, dict) else None
        if node in (None, ""):
            continue
        if path == "candidate.name" or path == "worker.name":
            lz = "姓名（已遮蔽）" if masked else "姓名"
            le = "name (masked)" if masked else "name"
        value = _value_label(path.rsplit(".", 1)[-1], node, lang) if path in ("role", "publisher", "grid_type") else node
        if path.endswith(".age"):      # stated, or from the birth date or the ID number (engine/derive.py)
            value = f"{node}周岁" if zh else str(node)
        out.append(f"{lz if zh else le}{'：' if zh else ': '}{value}")
    return out


def answer_of(decision: Any, data: dict, lang: str = "zh", masked: bool = True) -> dict:
    """Everything a report opens with, for the text, Markdown and HTML renderers."""
    qs = questions_of(decision)
    shown = shown_questions(qs, decision.kind)
    layers = data.get("layers") or []
    answering = addressing(qs)
    laws = [f"{x['title']}（{x['version']}）" for x in layers if x["layer"] == "national" and x.get("version")
            and x.get("in_force", True) and x.get("pack") in answering]
    city_on = all(x.get("in_force", True) for x in layers if x["layer"] == "city")
    head = headline(decision.decision, qs, decision.kind, lang, city_on)
    plain = label(decision.decision, lang)
    # the badge: never 合规 alone above a headline that says the main question is left open
    badge = plain if head == plain or decision.decision != "compliant" else ("所设要求均满足" if lang == "zh" else "requirements met")
    return {"headline": head, "badge": badge,
            "verdicts": [verdict_text(q, lang, decision.kind, city_on) for q in shown],
            "verdict_line": " · ".join(verdict_text(q, lang, decision.kind, city_on) for q in shown),
            "layers": layer_lines(layers, lang, answering, stated_only(decision, lang)),
            "subject": subject_lines(decision.kind, data["act"], lang, masked),
            "review_date": data["date"],
            "national_versions": laws}
