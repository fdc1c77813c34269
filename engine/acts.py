"""The five kinds of act gridlaw checks, and the fact vocabulary they define.

Every field of an act is a *fact* a rule may name, by its dotted path
(``candidate.criminal_record``). A fact left out (or ``null``) is unknown, not
false. Field metadata carries the Chinese label and, where one exists, the
document that settles the fact (``evidence``), which a decision quotes when
the fact is missing.

Derived facts (``candidate.age`` from the birth date at the act's date,
``worker.consecutive_failed_years`` from the appraisal list) are computed in
:func:`facts_of`, once per act, so that conditions stay plain comparisons and
the vectorised audit path sees the same columns.
"""
from __future__ import annotations

import datetime as dt
from types import UnionType
from typing import Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel, ConfigDict, Field, model_validator

from .derive import age_on, consecutive_failed as _consecutive_failed, persons  # noqa: F401  (re-exported)
from .facts import City, Role, _flatten, fact_vocabulary, facts_of  # noqa: F401  (re-exported)

TaskNature = Literal["licensing", "penalty", "coercion", "other_administrative", "service"]
Post = Literal[
    "party_org_member",       # 城乡社区党组织组成人员
    "committee_member",       # 村（居）民委员会组成人员
    "principal_leader",       # 党组织或村（居）委会主要负责人
    "full_time_worker",       # 专职网格员
    "township_cadre",         # 乡（镇）、街道驻村、社区干部
    "state_organ_cadre",      # 联系村、社区的市、县（市、区）国家机关干部
    "public_servant",         # 国家工作人员
    "deputy_or_member",       # 人大代表、政协委员
    "mediator",               # 人民调解员
    "resident_representative",  # 村（居）民代表
    "volunteer",              # 志愿者
    "party_member",           # 中国共产党党员
    "police_officer",         # 社区民警
    "other",
]
NoticeField = Literal[
    "grid_name",              # 网格名称
    "grid_area",              # 区域范围
    "grid_leader_name", "grid_leader_phone",
    "full_time_names", "full_time_phones",
    "part_time_names", "part_time_phones",
    "instructor_name", "instructor_phone",
    "micro_grid_leader_names", "micro_grid_leader_phones",
    "police_officer_name",    # 社区民警
    "service_matters",        # 服务事项
    "duties",                 # 工作职责
    "supervision_phone",      # 监督电话 / 投诉举报渠道
]
NoticePlace = Literal["main_activity_place", "prominent_place", "online", "service_center", "other"]
Publisher = Literal["township", "grid_agency", "village_committee", "department",
                    "development_zone",      # 开发区管委会 (Jiaxing art. 25: acts as the township in its area)
                    "other"]
Approver = Literal["city_agency", "county_agency", "township", "none"]


def _f(label: str, evidence: str | None = None, personal: bool = False, **kw: Any) -> Any:
    extra: dict[str, Any] = {"label": label}
    if evidence:
        extra["evidence"] = evidence
    if personal:
        extra["personal"] = True
    return Field(default=kw.pop("default", None), json_schema_extra=extra, **kw)


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, defer_build=True)


def _age_agrees(person: "Person | None", day: dt.date) -> None:
    """A stated age must match the birth date on the act's date, or one of them is wrong.
    (ID numbers, phones and birth dates after the act: gridlaw.idnumber.act_problems, on the dump.)"""
    if person is None:
        return
    if person.age is not None and person.birth_date is not None:
        derived = age_on(person.birth_date, day)
        if derived != person.age:
            raise ValueError(f"age {person.age} disagrees with birth date {person.birth_date} "
                             f"(age {derived} on {day}); give one of them, or correct it")


class Task(_Model):
    text: str = _f("任务内容", min_length=1)
    nature: TaskNature | None = _f("任务法律性质", "任务的法律依据或交办文件")
    on_checklist: bool | None = _f("是否列入当地网格事项清单", "当地公布的网格服务管理事项清单")
    checklist_published: bool | None = _f("事项清单是否已向社会公布", "事项清单的公布文件")
    catch_all: bool | None = _f("是否依兜底条款（其他交办事项）交办", "交办文件")
    unlawful: bool | None = _f("是否违反法律、法规、规章", "合法性审查意见")
    administrative_staff_only: bool | None = _f("是否依法应由行政机关工作人员实施", "任务的法律依据")
    # The worker only assists a named official who exercises the power (协助执法人员查封): not the worker's
    # own power act, yet not plain service either; packs send it to review.
    assists_power_act: bool | None = _f("是否协助行政机关工作人员实施许可、处罚、强制等行为", "交办文件")
    consent_of_agency: bool | None = _f("是否经网格化主管部门同意", "网格化主管部门的同意文件")
    with_staff_and_funds: bool | None = _f("是否同步配套人员和经费", "人员、经费保障文件")


class Assignment(_Model):
    """A task proposed for a grid worker (是否可交由网格员承担)."""

    kind: Literal["assignment"]
    city: City
    date: dt.date = _f("日期")
    id: str | None = _f("记录编号")
    county: str | None = _f("县（市、区）")
    township: str | None = _f("镇（街道）")
    grid: str | None = _f("网格")
    required_by: str | None = _f("交办单位")
    # Which body consented to the department's work through the grid (Zigong art. 11 names the CITY agency).
    approved_by: Approver | None = _f("同意依托网格开展工作的机关", "网格化主管部门的同意文件")
    role: Role | None = _f("承担人员身份", "人员花名册")
    task: Task


class Person(_Model):
    name: str | None = _f("姓名", personal=True)
    id_number: str | None = _f("身份证号", personal=True)
    phone: str | None = _f("联系电话", personal=True)
    birth_date: dt.date | None = _f("出生日期", "居民身份证")
    age: int | None = _f("年龄", "居民身份证", ge=0, le=150)
    citizen: bool | None = _f("是否中华人民共和国公民", "居民身份证")
    political_integrity: bool | None = _f("是否拥护中国共产党领导、遵守法律法规、品行端正", "政治审查意见")
    education_ok: bool | None = _f("文化程度和工作能力是否符合岗位要求", "学历证书")
    education_level: Literal["primary", "junior_high", "senior_high", "college", "bachelor", "postgraduate"] | None = _f(
        "文化程度", "学历证书")
    health_ok: bool | None = _f("是否具备履行职责的身体条件", "体检报告")
    criminal_record: bool | None = _f("是否受过刑事处罚", "无犯罪记录证明")
    under_investigation: bool | None = _f("是否涉嫌犯罪尚未结案", "无犯罪记录证明")
    administrative_detention: bool | None = _f("是否曾被行政拘留", "公安机关出具的无违法记录证明")
    judicial_detention: bool | None = _f("是否曾被司法拘留", "人民法院或公安机关出具的证明")
    dismissed_from_public_office: bool | None = _f("是否曾被国家机关、事业单位开除公职", "人事档案")
    dishonest_person: bool | None = _f("是否被依法列为失信联合惩戒对象", "信用中国查询记录")
    pre_job_training: bool | None = _f("是否经过岗前培训", "岗前培训结业证明")
    resident: bool | None = _f("是否本村（社区）或本地常住居民", "户籍或居住证明")
    posts: list[Post] | None = _f("现任职务或身份", "任职文件")


class Hire(_Model):
    """A candidate for a grid role (可否聘用/担任)."""

    kind: Literal["hire"]
    city: City
    date: dt.date = _f("日期")
    id: str | None = _f("记录编号")
    county: str | None = _f("县（市、区）")
    township: str | None = _f("镇（街道）")
    grid: str | None = _f("网格")
    role: Role = _f("拟任岗位")
    recruited_by: Literal["township_unified", "other"] | None = _f("招聘方式", "招聘公告")
    # Who selected / appointed the worker (quzhou art. 5(2)(1): the township 负责…选任).
    selected_by: Literal["township", "village_committee", "county_agency", "department", "other"] | None = _f(
        "选任主体", "聘用或任命文件")
    labour_contract: bool | None = _f("是否签订劳动用工合同", "劳动用工合同")  # zigong art. 18
    social_insurance: bool | None = _f("是否依法参加社会保险、享受社会保险待遇", "社会保险参保证明")  # zigong art. 18, jiaxing art. 19
    work_injury_insurance: bool | None = _f("是否享受工伤保险待遇", "社会保险参保证明")  # zigong art. 18
    accident_insurance: bool | None = _f("是否办理人身意外（伤害）保险", "保险单")  # zigong art. 18, jiaxing art. 19
    housing_fund: bool | None = _f("是否缴存住房公积金", "住房公积金缴存证明")  # jiaxing art. 19
    community_worker_terms: bool | None = _f(
        "是否纳入村（社区）工作者队伍管理、薪酬参照村（社区）工作者确定", "聘用文件、薪酬方案")  # jiaxing art. 20
    determined_jointly: bool | None = _f(
        "网格长是否由镇（街道）网格化机构会同城乡社区党组织、村（居）民委员会确定", "确定网格长的会议纪要或文件")  # yancheng art. 14
    candidate: Person

    @model_validator(mode="after")
    def _consistent(self) -> "Hire":
        _age_agrees(self.candidate, self.date)
        return self


class Appraisal(_Model):
    year: int = _f("考核年度", ge=1990, le=2100)
    passed: bool = _f("考核是否合格")


class Worker(Person):
    appraisals: list[Appraisal] | None = _f("历年考核结果", "年度考核结果")
    serious_harm: bool | None = _f("是否因工作失职造成群众利益重大损害或恶劣影响", "调查处理结论")
    incompetent_after_training: bool | None = _f("经培训或调整岗位后是否仍不能胜任", "培训及考核记录")
    other_exit_ground: bool | None = _f("是否有其他法律法规或政策规定的退出情形", "相关处理文件")
    consecutive_failed_years: int | None = _f("连续考核不合格年数（由考核结果推算）", "年度考核结果")
    conduct: list[Literal["leak_secrets", "private_gain", "falsification", "shirking", "rude_or_obstructive",
                          "other_misconduct"]] | None = _f("查实的违规行为", "调查处理结论")
    personal_info_misuse: bool | None = _f(
        "是否查实非法收集、使用、加工、传输、买卖、提供或者公开他人个人信息", "调查处理结论")  # zigong art. 13


class Exit(_Model):
    """A serving worker's record: must this worker leave (应当退出)?"""

    kind: Literal["exit"]
    city: City
    date: dt.date = _f("日期")
    id: str | None = _f("记录编号")
    county: str | None = _f("县（市、区）")
    township: str | None = _f("镇（街道）")
    grid: str | None = _f("网格")
    role: Role = _f("岗位")
    still_serving: bool = _f("是否仍在岗", default=True)
    transferred_to_other_department: bool | None = _f("是否调换到镇（街道）、村（社区）其他部门", "调动文件")  # yancheng art. 15(2)
    transfer_arbitrary: bool | None = _f("是否在服务期限内随意调换", "调动审批文件")  # yancheng art. 15(2)
    worker: Worker

    @model_validator(mode="after")
    def _consistent(self) -> "Exit":
        _age_agrees(self.worker, self.date)
        return self


class Notice(_Model):
    """A public posting of grid information (网格信息公示)."""

    kind: Literal["notice"]
    city: City
    date: dt.date = _f("日期")
    id: str | None = _f("记录编号")
    county: str | None = _f("县（市、区）")
    township: str | None = _f("镇（街道）")
    grid: str | None = _f("网格")
    publisher: Publisher = _f("公布主体")
    fields: list[NoticeField] = _f("公示内容", "公示照片或文本")
    places: list[NoticePlace] | None = _f("公示地点", "公示照片")
    full_time_workers: int | None = _f("网格专职网格员人数", "人员花名册", ge=0)  # yancheng art. 22(1) with 15(2)
    staff_or_area_changed: bool | None = _f("人员或网格范围是否已调整", "调整文件")
    # Any posted item changed (binzhou art. 6(2) 内容变更的, jiaxing art. 15 信息调整的): name, area, staff,
    # phone numbers, supervision phone. A staff or area change is one such change.
    content_changed: bool | None = _f("公示内容（名称、范围、人员、电话等）是否已变更", "变更文件")
    updated_after_change: bool | None = _f("调整后是否已更新公示", "更新后的公示照片")


class Provisions(_Model):
    grid_division: bool | None = _f("网格划分", "准入申请材料")
    staffing: bool | None = _f("人员配备", "准入申请材料")
    funding: bool | None = _f("经费投入", "准入申请材料")
    data_fusion: bool | None = _f("数据融合", "准入申请材料")
    training: bool | None = _f("技能培训", "准入申请材料")
    venue: bool | None = _f("阵地设置", "准入申请材料")
    supervision: bool | None = _f("工作监督", "准入申请材料")  # jiaxing art. 9
    guidance: bool | None = _f("业务指导和服务支持", "准入申请材料")  # yancheng art. 24


class Admission(_Model):
    """A department's request to put a matter on the grid checklist (网格事项准入)."""

    kind: Literal["admission"]
    city: City
    date: dt.date = _f("日期")
    id: str | None = _f("记录编号")
    county: str | None = _f("县（市、区）")
    department: str | None = _f("申请部门")
    matter: Task
    target: Literal["comprehensive_grid", "exclusive_grid"] | None = _f("拟纳入的网格类型")
    provides: Provisions = Field(default_factory=Provisions)
    approved_by: Approver | None = _f("审核批准机关", "审核批准文件")
    published: bool | None = _f("事项清单是否已向社会公布", "公布文件")


class Grid(_Model):
    """A grid's setup record (网格设置): who divided it, its size and staffing.

    Not one of DESIGN.md's five acts: added because every city regulates grid
    division and staffing (Yancheng arts. 6, 7, 15; Quzhou art. 9; Jiaxing art. 6
    …) and those norms need an act to be checked against."""

    kind: Literal["grid"]
    city: City
    date: dt.date = _f("日期")
    id: str | None = _f("记录编号")
    county: str | None = _f("县（市、区）")
    township: str | None = _f("镇（街道）")
    grid: str | None = _f("网格名称")
    grid_type: Literal["comprehensive", "exclusive", "micro"] | None = _f("网格类型", "网格划分方案")
    area: Literal["urban", "rural"] | None = _f("城镇或农村", "网格划分方案")
    households: int | None = _f("网格内户数", "网格划分方案", ge=0)
    unit: Literal["village_group", "residential_compound", "building", "street", "new_village_cluster", "other"] | None = _f(
        "划分单元", "网格划分方案")
    divided_by: Literal["township", "county_agency", "city_agency", "development_zone", "other_department"] | None = _f(
        "划分主体", "网格划分方案")
    overlaps_comprehensive_grid: bool | None = _f("是否在已划分综合网格的村（社区）另行划分", "网格划分方案")
    separate_division_by_law: bool | None = _f("另行划分网格是否有法律、法规规定的依据", "法律、法规依据")  # quzhou art. 9
    full_time_workers: int | None = _f("专职网格员人数", "人员花名册", ge=0)
    staffed_roles: list[Role] | None = _f("网格已配备的人员岗位", "人员花名册")  # quzhou art. 11, binzhou art. 7
    township_population: int | None = _f("镇（街道）人口", "统计资料", ge=0)
    township_seat_operators: int | None = _f("镇（街道）指挥中心专职坐席员人数", "人员花名册", ge=0)
    village_seat_operators: int | None = _f("村级中心专兼职坐席员人数", "人员花名册", ge=0)


ACT_MODELS: dict[str, type[_Model]] = {
    "assignment": Assignment,
    "hire": Hire,
    "exit": Exit,
    "notice": Notice,
    "admission": Admission,
    "grid": Grid,
}


# --------------------------------------------------------------------------- facts


def _walk(model: type[BaseModel], prefix: str, out: dict[str, dict[str, Any]]) -> None:
    for name, field in model.model_fields.items():
        path = f"{prefix}{name}"
        ann = field.annotation
        sub = _submodel(ann)
        if sub is not None and sub is not Appraisal:
            _walk(sub, path + ".", out)
            continue
        extra = field.json_schema_extra if isinstance(field.json_schema_extra, dict) else {}
        out[path] = {"type": _type_name(ann), **extra}
        values = _literal_values(ann)
        if values:
            out[path]["values"] = values


def _submodel(ann: Any) -> type[BaseModel] | None:
    for t in (ann, *getattr(ann, "__args__", ())):
        if isinstance(t, type) and issubclass(t, BaseModel):
            return t
    return None


def _literal_values(ann: Any) -> list[str]:
    if get_origin(ann) is Literal:
        return list(get_args(ann))
    return [v for arg in get_args(ann) for v in _literal_values(arg)]


def _type_name(ann: Any) -> str:
    """bool / int / date / list / enum / str, from the annotation itself (Optional unwrapped)."""
    args = [a for a in get_args(ann) if a is not type(None)] if get_origin(ann) in (Union, UnionType) else [ann]
    t = args[0] if len(args) == 1 else ann
    if get_origin(t) is list:
        return "list"
    if get_origin(t) is Literal:
        return "enum"
    return {bool: "bool", int: "int", dt.date: "date"}.get(t, "str")


def walk_vocabulary() -> dict[str, dict[str, dict[str, Any]]]:
    """Per act kind: fact path -> {type, label, evidence?, personal?, values?}, walked from the models.
    Compiled into gridlaw.acts_compiled at build time; read it through gridlaw.facts.fact_vocabulary."""
    vocab: dict[str, dict[str, dict[str, Any]]] = {}
    for kind, model in ACT_MODELS.items():
        facts: dict[str, dict[str, Any]] = {}
        _walk(model, "", facts)
        vocab[kind] = facts
    return vocab
