"""Forms generated from the act models: one field per fact, with the model's Chinese label,
so a fact added to an act kind appears on its page without touching the web app."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..errors import Problem

# Chinese names of enumerated values (the act models keep English codes; labels.py has the decisions).
VALUE_LABELS: dict[str, str] = {
    # roles
    "grid_leader": "网格长", "full_time": "专职网格员", "part_time": "兼职网格员",
    "grid_instructor": "网格指导员", "micro_grid_leader": "微网格长",
    # task nature
    "licensing": "行政许可", "penalty": "行政处罚", "coercion": "行政强制",
    "other_administrative": "其他依法应由行政机关实施的事项", "service": "一般服务事项",
    # recruitment, education
    "township_unified": "镇（街道）统一招聘", "other": "其他",
    "primary": "小学", "junior_high": "初中", "senior_high": "高中（中专）", "college": "大专",
    "bachelor": "本科", "postgraduate": "研究生",
    # posts
    "party_org_member": "城乡社区党组织组成人员", "committee_member": "村（居）民委员会组成人员",
    "principal_leader": "党组织或村（居）委会主要负责人", "full_time_worker": "专职网格员",
    "township_cadre": "乡（镇）、街道驻村、社区干部", "state_organ_cadre": "联系村、社区的国家机关干部",
    "public_servant": "国家工作人员", "deputy_or_member": "人大代表、政协委员", "mediator": "人民调解员",
    "resident_representative": "村（居）民代表", "volunteer": "志愿者", "party_member": "中国共产党党员",
    "police_officer": "社区民警",
    # notice fields and places
    "grid_name": "网格名称", "grid_area": "区域范围", "grid_leader_name": "网格长姓名",
    "grid_leader_phone": "网格长电话", "full_time_names": "专职网格员姓名", "full_time_phones": "专职网格员电话",
    "part_time_names": "兼职网格员姓名", "part_time_phones": "兼职网格员电话",
    "instructor_name": "网格指导员姓名", "instructor_phone": "网格指导员电话",
    "micro_grid_leader_names": "微网格长姓名", "micro_grid_leader_phones": "微网格长电话",
    "police_officer_name": "社区民警姓名", "service_matters": "服务事项", "duties": "工作职责",
    "supervision_phone": "监督电话（投诉举报渠道）",
    "main_activity_place": "村（社区）主要活动场所", "prominent_place": "醒目位置", "online": "网上公布",
    "service_center": "便民服务中心",
    # publishers, approvers, grid types
    "township": "镇（街道）", "grid_agency": "网格化服务管理机构", "village_committee": "村（居）民委员会",
    "department": "有关部门", "city_agency": "市网格化机构", "county_agency": "县（市、区）网格化机构",
    "none": "未经审核批准", "comprehensive_grid": "综合网格", "exclusive_grid": "专属网格",
    "development_zone": "开发区管委会", "other_department": "其他部门",
    # grid setup
    "comprehensive": "综合网格", "exclusive": "专属网格", "micro": "微网格", "urban": "城镇", "rural": "农村",
    "village_group": "村民小组", "residential_compound": "住宅小区", "building": "楼栋", "street": "街巷",
    "new_village_cluster": "农村新型社区",
    # conduct (exit)
    "leak_secrets": "泄露国家秘密、商业秘密或个人隐私", "private_gain": "利用工作之便谋取私利", "falsification": "弄虚作假",
    "shirking": "推诿塞责", "rude_or_obstructive": "态度蛮横、行为粗暴或故意刁难", "other_misconduct": "其他违法违纪行为",
}

SECTIONS = {"": "基本情况", "task": "任务", "matter": "申请纳入的事项", "candidate": "候选人",
            "provides": "同步配套（“六统一”等准入条件）"}
# Derived or set by the page itself, never typed in.
_SKIP = {"kind", "city", "date", "candidate.age", "worker.age", "worker.consecutive_failed_years"}
_LONG_TEXT = {"task.text", "matter.text"}
KINDS = {"assignment": "任务指派审查", "hire": "人员资格审查", "exit": "人员退出审查", "notice": "公示检查",
         "admission": "事项准入审查"}
SECTIONS["worker"] = "在岗人员"
# a list of records typed as a clerk writes it in one line (the audit reads the same text from a 考核情况 cell)
_RECORD_LISTS = {"worker.appraisals": "如：2021合格；2022不合格；2023年度:不称职"}


@dataclass
class FormField:
    name: str           # the fact path, also the form field's name
    label: str
    widget: str         # text | textarea | tristate | date | int | select | checkboxes
    options: list[tuple[str, str]]
    personal: bool
    required: bool
    hint: str = ""

    @property
    def section(self) -> str:
        return self.name.split(".", 1)[0] if "." in self.name else ""


def form_fields(kind: str) -> list[FormField]:
    from ..acts import ACT_MODELS, fact_vocabulary

    model = ACT_MODELS[kind]
    out = []
    for name, meta in fact_vocabulary()[kind].items():
        if name in _SKIP:
            continue
        typ = meta["type"]
        values = meta.get("values") or []
        options = [(v, VALUE_LABELS.get(v, v)) for v in values]
        if typ == "bool":
            widget = "tristate"
        elif typ == "date":
            widget = "date"
        elif typ == "int":
            widget = "int"
        elif typ == "enum":
            widget = "select"
        elif typ == "list" and values:
            widget = "checkboxes"
        elif name in _RECORD_LISTS:
            widget = "records"
        elif typ == "list":
            continue  # other lists of records are entered through the API or an audit file
        else:
            widget = "textarea" if name in _LONG_TEXT else "text"
        top = model.model_fields.get(name.split(".")[0])
        required = bool(top and top.is_required() and "." not in name) or name in _LONG_TEXT
        out.append(FormField(name, meta.get("label", name), widget, options, bool(meta.get("personal")), required,
                             _RECORD_LISTS.get(name, "")))
    return out


def sections(fields: list[FormField]) -> list[tuple[str, list[FormField]]]:
    grouped: dict[str, list[FormField]] = {}
    for f in fields:
        grouped.setdefault(f.section, []).append(f)
    return [(SECTIONS.get(k, k), v) for k, v in grouped.items()]


def act_from_form(kind: str, form: Any) -> tuple[dict, list[Problem]]:
    """The act dict a filled-in form describes; an empty field is an unknown fact (left out)."""
    act: dict[str, Any] = {"kind": kind, "city": form.get("city") or None, "date": form.get("date") or None}
    problems = []
    for f in form_fields(kind):
        if f.widget == "checkboxes":
            values = [v for v in form.getlist(f.name) if v]
            if not values and not form.get(f.name + ".__stated"):
                continue
            value: Any = values
        else:
            raw = (form.get(f.name) or "").strip()
            if not raw:
                continue
            value = raw
            if f.widget == "tristate":
                if raw not in ("true", "false"):
                    problems.append(Problem("表单", f"应为“是”或“否”，收到 {raw!r}", None, f.name))
                    continue
                value = raw == "true"
            elif f.widget == "records":
                value, problem = _appraisals(f, raw)
                if problem is not None:
                    problems.append(problem)
                    continue
            elif f.widget == "int":
                try:
                    value = int(raw)
                except ValueError:
                    problems.append(Problem("表单", f"应为整数，收到 {raw!r}", None, f.name))
                    continue
        node = act
        *parents, leaf = f.name.split(".")
        for p in parents:
            node = node.setdefault(p, {})
        node[leaf] = value
    return {k: v for k, v in act.items() if v is not None}, problems


def _appraisals(f: FormField, raw: str) -> tuple[Any, Problem | None]:
    """2021合格；2022不合格 → [{year, passed}], read as the audit reads a 考核情况 cell (one reader for both)."""
    from ..audit.mapping import load_header_map
    from ..audit.values import BadValue, Converter, fact_specs

    try:
        pairs = Converter(load_header_map()).one(fact_specs()["exit"][f.name], raw)
    except BadValue as exc:
        return None, Problem("表单", f"{f.label}：{exc}；收到 {raw!r}", None, f.name)
    return [{"year": y, "passed": ok} for y, ok in (pairs or ())], None
