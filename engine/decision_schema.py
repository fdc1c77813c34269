"""The shape of ``gridlaw check -f json`` (one decision), as pydantic models used only to
publish its JSON Schema (``gridlaw schema decision``); tests validate every example's
output against it."""
from __future__ import annotations

from typing import Any, Literal, Optional

from pydantic import BaseModel, ConfigDict, Field

from .evaluate import DecisionValue, Outcome
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


class Inference(_Out):
    fact: str
    value: Any
    words: list[str]
    grounds: list[str]
    uncertain: list[str]


class Finding(_Out):
    rule: str
    outcome: Outcome
    modality: str
    effect: Optional[str] = Field(description="the legal effect, for violated and review findings")
    citation: Citation
    quote: str = Field(description="the verbatim words of the regulation")
    quote_shown: str = Field(description="the quote as shown: simplified script, full-width punctuation")
    message: dict[str, str] = Field(description="the rule's message, {zh, en}")
    remedy: Optional[dict[str, str]]
    judgment: Optional[Any] = Field(description="why the rule needs human judgment: str or {zh, en}")
    missing: list[Missing]
    inferred: list[Inference]
    says: str = Field(description="the sentence shown for this outcome, in the report's language")
    why_review: str
    what_to_do: str
    lacking: list[str] = Field(description="what the act lacks, by name (e.g. 专职网格员联系电话)")


class Regulation(_Out):
    title: str
    effective: str
    instrument: str


class Stamp(_Out):
    engine: str
    pack: str
    pack_hash: str
    input_hash: str


class DecisionOutput(_Out):
    """One decision of ``gridlaw check -f json`` (a list of these for a file of acts)."""

    decision: DecisionValue
    city: str
    kind: ActKind
    date: str
    record: Optional[str]
    regulation: Regulation
    deciding_rules: list[str]
    missing_facts: list[Missing]
    inferences: list[Inference]
    findings: list[Finding]
    stamp: Stamp
    act: dict[str, Any] = Field(description="the act as read (personal data masked unless asked)")
    lang: Literal["zh", "en"]
