"""The shape of ``gridlaw check -f json`` (one decision), as pydantic models used only to
publish its JSON Schema (``gridlaw schema decision``); tests validate every example's
output against it."""
from __future__ import annotations

from typing import Any, Literal, Optional

from pydantic import BaseModel, ConfigDict, Field

from .verdicts import DecisionValue, Outcome
from .packspec import ActKind


class _Out(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Citation(_Out):
    article: int
    paragraph: Optional[int]
    item: Optional[int]
    text: str = Field(description="《规定》第十九条第二款第（二）项")
    text_en: str = Field(description="Art. 19(2)(ii)")


class Missing(_Out):
    fact: str = Field(description="the fact code, e.g. candidate.criminal_record")
    label: str = Field(description="its Chinese label, e.g. 是否受过刑事处罚")
    evidence: Optional[str] = Field(description="the document that settles it, e.g. 无犯罪记录证明")


class Match(_Out):
    term: str = Field(description="the vocabulary term that matched")
    words: str = Field(description="the words as written in the text")
    class_: str = Field(alias="class", description="licensing | penalty | coercion | other_administrative | service")
    clause_no: int
    clause: str
    frame: str = Field(description="who acts: worker | assists | referred | other_actor | negated | status | …")
    frame_zh: str
    ground: Optional[str] = Field(description="the national article, e.g. 《中华人民共和国行政处罚法》第九条第二项")
    counted: bool
    why: Optional[str] = Field(description="why the term was discounted (its frame), when not counted")


class Inference(_Out):
    model_config = ConfigDict(extra="allow")   # e.g. reason
    fact: str
    value: Any
    outcome: str = Field(description="power_act | assists | service | unclassified | checklist")
    source: str = Field(description="text | checklist")
    clause: Optional[str]
    term: Optional[str]
    frame: Optional[str]
    ground: Optional[str]
    words: list[str]
    grounds: list[str]
    matches: list[Match]
    service_verbs: list[str]


class Finding(_Out):
    rule: str
    outcome: Outcome
    modality: str
    structure: Optional[str] = Field(description="the legal structure the rule encodes (docs/structures.md)")
    effect: Optional[str] = Field(description="the legal effect, for violated and review findings")
    citation: Citation
    quote: str = Field(description="the verbatim words of the regulation")
    quote_shown: str = Field(description="the quote as shown: simplified script, full-width punctuation")
    message: dict[str, str] = Field(description="the rule's message, {zh, en}")
    remedy: Optional[dict[str, str]]
    judgment: Optional[Any] = Field(description="why the rule needs human judgment: str or {zh, en}")
    missing: list[Missing]
    inferred: list[Inference]
    layer: str = Field(description="national | city | county: which layer of law the rule comes from")
    displaced_by: Optional[str] = Field(description="a lower rule that displaces this one, where its text says so")
    question: Optional[str] = Field(description="the question the rule answers (hiring, procedure, forbidden_tasks …)")
    says: str = Field(description="the sentence shown for this outcome, in the report's language")
    why_review: str
    what_to_do: str
    lacking: list[str] = Field(description="what the act lacks, by name (e.g. 专职网格员联系电话)")


class Regulation(_Out):
    title: str
    effective: str
    instrument: str


class Layer(_Out):
    layer: str
    pack: str
    title: str
    version: Optional[str]
    effective: str
    hash: str
    in_force: bool


class LayerInForce(_Out):
    layer: str = Field(description="national | city | county")
    pack: str = Field(description="the instrument's pack id")
    title: str
    version: Optional[str]
    effective: str = Field(description="the effective date of the version shown (the first, when none is in force)")
    in_force: bool = Field(description="whether a version of this instrument was in force on the act's date")


class QuestionLayer(_Out):
    layer: str
    pack: str
    in_force: bool
    verdict: Literal["non_compliant", "insufficient_facts", "needs_review", "compliant", "not_addressed",
                     "not_in_force"] = Field(description="what this layer says on the question (not_in_force: it "
                                                         "was not in force on the act's date)")


class Silence(_Out):
    model_config = ConfigDict(extra="allow")   # a pack's silent_on entry may carry its citation
    zh: str = Field(description="where the law leaves the question, e.g. 第十一条第二款交由县级办法规定")
    en: str


class QuestionAnswer(_Out):
    question: str = Field(description="hiring | procedure | forbidden_tasks | checklist | disclosure | admission | exit | "
                                      "conduct | grid | benefits | refusal | encouragement")
    label: str = Field(description="the question in Chinese, e.g. 资格条件")
    label_en: str
    verdict: DecisionValue = Field(description="over the layers in force on the act's date; not_in_force when they "
                                               "say nothing and a layer that would is not in force")
    deciding_rules: list[str]
    layers: list[QuestionLayer] = Field(description="each layer holding rules on the question, bottom first")
    unregulated: Optional[Silence] = Field(description="when not addressed: where the law leaves the question")


class Conflict(_Out):
    kind: str = Field(description="refines | displaces | permission")
    lower: str
    higher: str
    lower_layer: str
    higher_layer: str
    text: dict[str, str] = Field(description="the conflict stated, {zh, en}")


class Review(_Out):
    pack: str
    title: str
    state: Literal["reviewed", "changed", "not_reviewed"] = Field(
        description="the pack's files are the reviewed ones, differ from them, or have no reviewed state")
    changes: list[str] = Field(description="files changed, added or removed since review")


class Stamp(_Out):
    model_config = ConfigDict(extra="allow")   # issue 10 adds code and checklist hashes
    engine: str
    pack: str
    pack_hash: str
    version: Optional[str] = Field(description="the version of the regulation that answered")
    input_hash: str
    layers: list[Layer] = Field(description="every pack evaluated, national first, with its version")
    review: list[Review] = Field(default_factory=list, description="every pack that answered against "
                                                                    "policies/reviewed.json")


class DecisionOutput(_Out):
    """One decision of ``gridlaw check -f json`` (a list of these for a file of acts)."""

    decision: DecisionValue
    city: str
    kind: ActKind
    date: str
    record: Optional[str]
    regulation: Regulation
    main_question: Optional[str] = Field(description="the question the act's kind is asked for: hire→hiring, "
                                                     "assignment→forbidden_tasks, notice→disclosure …")
    questions: list[QuestionAnswer] = Field(description="the verdict on each question the act raises, the main one first")
    layers: list[LayerInForce] = Field(description="every instrument of the stack, bottom first, in force that day or not")
    deciding_rules: list[str]
    missing_facts: list[Missing]
    inferences: list[Inference]
    findings: list[Finding]
    conflicts: list[Conflict] = Field(description="where a lower norm contradicts a higher one (never applied silently)")
    stamp: Stamp
    act: dict[str, Any] = Field(description="the act as read (personal data masked unless asked)")
    lang: Literal["zh", "en"]
    pack_warning: Optional[str] = Field(None, description="set when a pack that answered differs from its reviewed "
                                                         "state: the sentence every report shows")
