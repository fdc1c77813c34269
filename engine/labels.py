"""Display labels (zh default, en on request) for decisions, outcomes, effects and modalities."""
from __future__ import annotations

LABELS: dict[str, dict[str, str]] = {
    "zh": {
        "compliant": "合规", "non_compliant": "不合规", "needs_review": "需人工审查",
        "insufficient_facts": "事实不足", "not_addressed": "本市规定未涉及", "not_in_force": "规定尚未施行",
        "violated": "违反", "satisfied": "符合", "unknown": "待查明", "review": "需审查", "not_applicable": "不适用",
        "prohibited": "禁止", "may_be_refused": "网格员有权拒绝", "not_admissible": "不得纳入网格事项清单",
        "disqualified": "不得担任", "must_exit": "应当退出", "duty_unmet": "未履行法定义务",
        "prohibition": "禁止性规范（不得）", "duty": "义务性规范（应当）", "permission": "授权性规范（可以）",
        "default_norm": "原则性规范（一般/原则上）", "encouragement": "倡导性规范（鼓励/支持）",
        "right": "权利性规范（有权）", "scope": "定义或范围条款",
        "assignment": "任务交办", "hire": "人员聘用", "exit": "人员退出", "notice": "信息公示",
        "admission": "事项准入", "grid": "网格设置",
        "licensing": "行政许可", "penalty": "行政处罚", "coercion": "行政强制",
        "other_administrative": "其他依法应由行政机关实施的事项", "service": "一般服务事项",
        "doubtful": "性质不明的用语", "assisted": "行政机关工作人员的执法活动",
        "binzhou": "滨州", "yancheng": "盐城", "quzhou": "衢州", "zigong": "自贡", "jiaxing": "嘉兴",
        "yes": "是", "no": "否", "task.on_checklist": "是否列入当地网格事项清单",
        "task.checklist_published": "事项清单是否已向社会公布",
    },
    "en": {
        "compliant": "compliant", "non_compliant": "non-compliant", "needs_review": "needs review",
        "insufficient_facts": "insufficient facts", "not_addressed": "not addressed by this city",
        "not_in_force": "not in force", "violated": "violated", "satisfied": "satisfied", "unknown": "unknown",
        "review": "review", "not_applicable": "not applicable", "prohibited": "prohibited",
        "may_be_refused": "may be refused by grid staff", "not_admissible": "not admissible to the checklist",
        "disqualified": "disqualified", "must_exit": "must exit", "duty_unmet": "duty unmet",
        "prohibition": "prohibition", "duty": "duty", "permission": "permission", "default_norm": "default norm",
        "encouragement": "encouragement", "right": "right", "scope": "definition or scope clause",
        "assignment": "assignment", "hire": "hire", "exit": "exit",
        "notice": "notice", "admission": "admission", "grid": "grid setup",
        "licensing": "administrative licensing", "penalty": "administrative penalty",
        "coercion": "administrative coercion", "other_administrative": "other act reserved to officials",
        "service": "ordinary service", "doubtful": "word of doubtful nature", "assisted": "an official's enforcement work",
        "binzhou": "Binzhou", "yancheng": "Yancheng", "quzhou": "Quzhou", "zigong": "Zigong", "jiaxing": "Jiaxing",
        "yes": "yes", "no": "no",
    },
}


def label(key: str | None, lang: str = "zh") -> str:
    if key is None:
        return ""
    return LABELS.get(lang, LABELS["zh"]).get(key, key)


def text_of(value: object, lang: str = "zh") -> str:
    """A pack text in ``lang``: a plain str (older packs), or a {zh, en} mapping / Text model.
    English falls back to Chinese when a rule has no English text."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if not isinstance(value, dict):
        value = value.model_dump(exclude_none=True) if hasattr(value, "model_dump") else {"zh": str(value)}
    return str(value.get(lang) or value.get("zh") or "")


# The questions rules answer (packspec.Question), as the verdict lines name them.
QUESTIONS: dict[str, dict[str, str]] = {
    "hiring": {"zh": "资格条件", "en": "eligibility"},
    "procedure": {"zh": "选任程序", "en": "procedure"},
    "forbidden_tasks": {"zh": "禁止交办事项", "en": "forbidden tasks"},
    "checklist": {"zh": "网格事项清单", "en": "grid checklist"},
    "disclosure": {"zh": "公示内容", "en": "disclosure"},
    "admission": {"zh": "事项准入", "en": "admission of matters"},
    "exit": {"zh": "退出情形", "en": "grounds for exit"},
    "conduct": {"zh": "履职规范", "en": "conduct"},
    "grid": {"zh": "网格划分", "en": "grid division"},
    "benefits": {"zh": "待遇保障", "en": "pay and benefits"},
    "refusal": {"zh": "拒绝权", "en": "right to refuse"},
    "encouragement": {"zh": "鼓励措施", "en": "encouragement"},
    "other": {"zh": "其他", "en": "other"},
}


def question_label(question: str, lang: str = "zh") -> str:
    return QUESTIONS.get(question, {}).get(lang) or QUESTIONS.get(question, {}).get("zh") or question
