"""The pack format: pydantic models for ``pack.yaml``, rules and conditions.

The committed JSON Schema (``schemas/pack.schema.json`` and
``schemas/rules.schema.json``) is generated from these models by
``gridlaw schema pack`` / ``gridlaw schema rules``; a test fails if it drifts.
"""
from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal, Union

from pydantic import BaseModel, ConfigDict, Discriminator, Field, Tag, model_validator

from .facts import Role

# What the words are: 不得 prohibition, 应当 duty, 可以 permission, 一般/原则上 default_norm,
# 鼓励/支持 encouragement, 有权 right, no modal word (是指/包括/由…组成) scope.
Modality = Literal["prohibition", "duty", "permission", "default_norm", "encouragement", "right", "scope"]
# The recurring legal structures (engine/structures.py holds their one encoding each; docs/structures.md the catalogue).
StructureName = Literal["prohibition", "duty", "event_duty", "eligibility", "exit_ground", "permission",
                        "right_to_refuse", "definition", "ban_on_other_units", "support_duty", "default_norm",
                        "catch_all", "encouragement"]
# What a rule answers, for `packs --matrix` (engine/compare.py).
Question = Literal["forbidden_tasks", "refusal", "checklist", "hiring", "exit", "conduct", "disclosure", "admission", "grid",
                   "benefits", "encouragement", "procedure"]
Effect = Literal[
    "prohibited",        # 禁止：不得为之
    "may_be_refused",    # 网格员有权拒绝
    "not_admissible",    # 不得纳入网格事项清单
    "disqualified",      # 不得担任
    "must_exit",         # 应当退出
    "duty_unmet",        # 未履行法定义务
    "review",            # 须人工审查
]
ActKind = Literal["assignment", "hire", "exit", "notice", "admission", "grid"]
Scalar = Union[bool, int, float, str, dt.date]

OPERATORS = ("eq", "ne", "lt", "le", "gt", "ge", "in", "not_in", "includes", "includes_all", "includes_any", "known")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True, defer_build=True)


class Compare(_Strict):
    """A comparison on one fact. Exactly one operator.

    ``{fact: candidate.age, ge: 18}``; ``{fact: notice.fields, includes_all: [grid_name]}``;
    ``{fact: task.nature, in: [penalty, coercion]}``; ``{fact: x, known: true}``
    (the only operator that is never unknown)."""

    fact: str
    eq: Scalar | None = None
    ne: Scalar | None = None
    lt: Scalar | None = None
    le: Scalar | None = None
    gt: Scalar | None = None
    ge: Scalar | None = None
    in_: list[Scalar] | None = Field(None, alias="in")
    not_in: list[Scalar] | None = None
    includes: Scalar | None = None
    includes_all: list[Scalar] | None = None
    includes_any: list[Scalar] | None = None
    known: bool | None = None

    @model_validator(mode="after")
    def _one_operator(self) -> "Compare":
        ops = [op for op in OPERATORS if getattr(self, "in_" if op == "in" else op) is not None]
        if len(ops) != 1:
            raise ValueError(f"a comparison needs exactly one operator of {', '.join(OPERATORS)}; got {ops or 'none'}")
        return self

    @property
    def op(self) -> tuple[str, object]:
        for op in OPERATORS:
            value = getattr(self, "in_" if op == "in" else op)
            if value is not None:
                return op, value
        raise AssertionError("validated")


class All(_Strict):
    all: list["Condition"] = Field(min_length=1)


class Any_(_Strict):
    any: list["Condition"] = Field(min_length=1)


class Not(_Strict):
    not_: "Condition" = Field(alias="not")


def _condition_tag(value: object) -> str:
    if isinstance(value, dict):
        for key, tag in (("all", "All"), ("any", "Any"), ("not", "Not")):
            if key in value:
                return tag
        return "Compare"
    return {All: "All", Any_: "Any", Not: "Not"}.get(type(value), "Compare")


# Tagged so that a bad condition reports one error at its own path, not one per union member.
Condition = Annotated[
    Union[Annotated[All, Tag("All")], Annotated[Any_, Tag("Any")], Annotated[Not, Tag("Not")],
          Annotated[Compare, Tag("Compare")]],
    Discriminator(_condition_tag),
]
CONDITION_TAGS = frozenset({"All", "Any", "Not", "Compare"})
All.model_rebuild()
Any_.model_rebuild()
Not.model_rebuild()


class Citation(_Strict):
    article: int = Field(ge=1)
    paragraph: int | None = Field(None, ge=1, description="款")
    item: int | None = Field(None, ge=1, description="项")

    @model_validator(mode="after")
    def _item_needs_paragraph(self) -> "Citation":
        if self.item is not None and self.paragraph is None:
            raise ValueError("an item (项) is cited within a paragraph (款): give paragraph too")
        return self


class Text(_Strict):
    zh: str = Field(min_length=1)
    en: str | None = None


class Rule(_Strict):
    id: str = Field(pattern=r"^[a-z]+\.art\d+(\.[a-z0-9-]+)+$")
    act: ActKind
    roles: list[Role] | None = Field(None, description="the roles it binds; absent = any")
    cite: Citation
    quote: str = Field(min_length=2, description="verbatim words of the article that this rule encodes")
    structure: StructureName | None = Field(None, description="the legal structure it encodes (docs/structures.md)")
    question: Question | None = Field(None, description="what it answers, for packs --matrix")
    modality: Modality
    effect: Effect = Field(description="the legal effect when the rule is breached")
    judgment: Text | str | None = Field(None, description="why a breach needs human judgment (catch-all, 情节严重, open list); {zh, en}")
    trigger: Condition | None = Field(None, description="the event that brings the rule into force: applies only when known true")
    exempt: Condition | None = Field(None, description="the body the text empowers: when known true the rule does not apply")
    when: Condition | None = Field(None, description="when the rule applies; absent = always; unknown → unknown")
    require: Condition | None = Field(None, description="what compliance requires")
    forbid: Condition | None = Field(None, description="what the rule prohibits")
    message: Text
    remedy: Text | None = None
    note: str | None = Field(None, description="why the rule is encoded this way")
    # Layers (engine/layers.py): a rule of a pack that `extends` another names the base rule it
    # refines (applies beside it, never looser) or displaces (applies instead of it), with the words
    # of its own text that say so.
    refines: "RuleLink | None" = Field(None, description="a base-pack rule this rule narrows; both apply")
    displaces: "RuleLink | None" = Field(None, description="a base-pack rule this rule replaces, where its text says so")

    @model_validator(mode="after")
    def _shape(self) -> "Rule":
        if isinstance(self.judgment, str):  # transition: a plain string is the Chinese text
            self.judgment = Text(zh=self.judgment)
        if (self.require is None) == (self.forbid is None):
            raise ValueError("a rule has exactly one of require / forbid")
        if self.modality in ("permission", "encouragement") and self.effect != "review":
            raise ValueError(f"a {self.modality} is never violated: its effect must be 'review'")
        if self.modality == "default_norm" and not self.judgment:
            raise ValueError("a default norm (一般/原则上) needs 'judgment': why departing from it goes to review")
        return self


class RuleLink(_Strict):
    """A link from a lower pack's rule to the base pack's rule, and the lower text that makes it."""
    rule: str = Field(pattern=r"^[a-z]+\.art\d+(\.[a-z0-9-]+)+$")
    article: int = Field(ge=1, description="the article of this pack whose words say so")
    quote: str = Field(min_length=2, description="those words, verbatim")


Rule.model_rebuild()


class RuleFile(_Strict):
    rules: list[Rule]


class NotModelled(_Strict):
    article: int = Field(ge=1)
    reason: str = Field(min_length=4)


class SourceRef(_Strict):
    file: str
    notes: str | None = None


class InForce(_Strict):
    """The article that puts the instrument in force; it decides not_in_force."""
    article: int = Field(ge=1)
    quote: str = Field(min_length=2)


class PackMeta(_Strict):
    id: str = Field(pattern=r"^[a-z]+$")
    title: str
    title_en: str | None = None
    instrument: Literal["law", "local_regulation", "government_rule", "normative_document"]
    issuer: str
    adopted: dt.date | None = None
    approved: dt.date | None = None
    published: dt.date | None = None
    effective: dt.date
    effective_cite: InForce | None = None
    articles: int = Field(ge=1)
    source: SourceRef
    not_modelled: list[NotModelled] = Field(default_factory=list)
    # Layers and versions (engine/layers.py; docs/packs.md "Layers of law").
    layer: Literal["national", "city", "county"] = Field("city", description="which layer of law the pack holds")
    extends: str | None = Field(None, pattern=r"^[a-z]+$", description="the shipped pack this one builds on (a county on its city)")
    version: str | None = Field(None, description="which text of the instrument, e.g. 2021年修订, when the pack holds several")
    excerpt: list[int] | None = Field(None, min_length=1, description="the articles held, when the pack is an excerpt of a longer law")


class CaseExpect(_Strict):
    decision: Literal["compliant", "non_compliant", "needs_review", "insufficient_facts", "not_addressed", "not_in_force"]
    rules: list[str] = Field(default_factory=list, description="the deciding rule ids, exactly")
    missing: list[str] | None = None


class Case(_Strict):
    name: str
    act: dict
    checklist: dict | None = None
    national: bool | None = Field(None, description="evaluate with the national layer (default: the file's setting)")
    expect: CaseExpect


class CaseFile(_Strict):
    """Top-level keys starting with ``_`` hold YAML anchors shared by cases."""

    cases: list[Case]
    national: bool = Field(False, description="evaluate this file's cases with the national layer under the pack")

    @model_validator(mode="before")
    @classmethod
    def _drop_anchors(cls, data: object) -> object:
        if isinstance(data, dict):
            return {k: v for k, v in data.items() if not str(k).startswith("_")}
        return data
