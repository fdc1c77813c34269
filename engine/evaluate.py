"""Evaluate an act against a city's pack: findings, then one decision.

Outcomes per rule: ``violated`` (a prohibition or duty is breached),
``review`` (a default norm is departed from, or the rule needs judgment),
``unknown`` (hangs on missing facts), ``satisfied``, ``not_applicable``.
The decision follows DESIGN.md's precedence:
not_in_force > non_compliant > insufficient_facts > needs_review > compliant > not_addressed.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from . import __version__
from .acts import fact_vocabulary, facts_of
from .checklist import Checklist
from .lexicon import Inference, infer_nature
from .loader import CompiledRule, Pack, cite_text_en

DECISIONS = ("not_in_force", "non_compliant", "insufficient_facts", "needs_review", "compliant", "not_addressed")
_DECIDED_BY = {"non_compliant": "violated", "insufficient_facts": "unknown", "needs_review": "review",
               "compliant": "satisfied"}


@dataclass(slots=True)
class MissingFact:
    fact: str
    label: str
    evidence: str | None

    def to_dict(self) -> dict:
        return {"fact": self.fact, "label": self.label, "evidence": self.evidence}


@dataclass(slots=True)
class Finding:
    rule: CompiledRule
    outcome: str
    missing: list[MissingFact] = field(default_factory=list)
    inferred: list[Inference] = field(default_factory=list)

    @property
    def rule_id(self) -> str:
        return self.rule.id

    def to_dict(self) -> dict:
        s = self.rule.spec
        return {
            "rule": s.id, "outcome": self.outcome, "modality": s.modality,
            "effect": s.effect if self.outcome in ("violated", "review") else None,
            "citation": {"article": s.cite.article, "paragraph": s.cite.paragraph, "item": s.cite.item,
                         "text": self.rule.citation, "text_en": cite_text_en(s.cite.article, s.cite.paragraph, s.cite.item)},
            "quote": s.quote, "message": s.message.model_dump(exclude_none=True),
            "remedy": s.remedy.model_dump(exclude_none=True) if s.remedy else None,
            "judgment": s.judgment,
            "missing": [m.to_dict() for m in self.missing],
            "inferred": [i.to_dict() for i in self.inferred],
        }


@dataclass(slots=True)
class Decision:
    decision: str
    city: str
    kind: str
    date: dt.date
    pack: Pack
    findings: list[Finding]
    inferences: list[Inference]
    facts: dict[str, Any]
    input_hash: str
    record: str | None = None

    @property
    def deciding(self) -> list[Finding]:
        wanted = _DECIDED_BY.get(self.decision)
        return [f for f in self.findings if f.outcome == wanted] if wanted else []

    @property
    def deciding_rules(self) -> list[str]:
        return [f.rule_id for f in self.deciding]

    @property
    def missing(self) -> list[MissingFact]:
        seen: dict[str, MissingFact] = {}
        for f in self.findings:
            if f.outcome == "unknown":
                for m in f.missing:
                    seen.setdefault(m.fact, m)
        return list(seen.values())

    def to_dict(self, include_not_applicable: bool = False) -> dict:
        meta = self.pack.meta
        return {
            "decision": self.decision,
            "city": self.city, "kind": self.kind, "date": self.date.isoformat(), "record": self.record,
            "regulation": {"title": meta.title, "effective": meta.effective.isoformat(), "instrument": meta.instrument},
            "deciding_rules": self.deciding_rules,
            "missing_facts": [m.to_dict() for m in self.missing],
            "inferences": [i.to_dict() for i in self.inferences],
            "findings": [f.to_dict() for f in self.findings
                         if include_not_applicable or f.outcome != "not_applicable"],
            "stamp": {"engine": __version__, "engine_code": _code_hash(), "pack": meta.id, "pack_hash": self.pack.hash,
                      "input_hash": self.input_hash},
        }


def _code_hash() -> str:
    from .stamp import engine_code_hash

    return engine_code_hash()[:16]


def input_hash(data: dict) -> str:
    return hashlib.sha256(json.dumps(data, sort_keys=True, ensure_ascii=False, default=str).encode()).hexdigest()


def prepare(facts: dict[str, Any], checklist: Checklist | None = None) -> list[Inference]:
    """Fill task facts the act leaves open, from the checklist and the lexicon; say so."""
    inferences: list[Inference] = []
    prefix = "task." if "task.text" in facts else "matter." if "matter.text" in facts else None
    if prefix is None:
        return inferences
    text = facts[prefix + "text"]
    if prefix + "nature" not in facts:
        inf = infer_nature(text, prefix + "nature")
        inferences.append(inf)
        if not inf.uncertain:
            facts[prefix + "nature"] = inf.value
    if checklist is not None and prefix == "task.":
        where = f"{checklist.county or ''}网格事项清单" + (f"（{checklist.published}公布）" if checklist.published else "")
        if "task.on_checklist" not in facts:
            facts["task.on_checklist"] = checklist.has(text)
            inferences.append(Inference("task.on_checklist", facts["task.on_checklist"], (where,), ()))
        published = checklist.published_by(facts["date"])
        if "task.checklist_published" not in facts and published is not None:
            facts["task.checklist_published"] = published
            inferences.append(Inference("task.checklist_published", published, (where,), ()))
    return inferences


def outcome_of(rule: CompiledRule, facts: dict[str, Any]) -> str:
    if rule.roles is not None:
        role = facts.get("role")
        applies = None if role is None else role in rule.roles
    else:
        applies = True
    if applies is not False and rule.when is not None:
        w = rule.when(facts)
        applies = False if w is False else (None if w is None or applies is None else True)
    if applies is False:
        return "not_applicable"
    ok = rule.ok(facts)
    spec = rule.spec
    if ok is True:
        return "satisfied"
    if ok is None or applies is None:
        return "unknown"
    if spec.modality in ("permission", "encouragement"):
        return "not_applicable"  # a permission not used, an encouragement not taken up: never a breach
    if spec.modality == "default_norm" or spec.judgment:
        return "review"
    return "violated"


def decide(outcomes: list[str] | set[str]) -> str:
    if "violated" in outcomes:
        return "non_compliant"
    if "unknown" in outcomes:
        return "insufficient_facts"
    if "review" in outcomes:
        return "needs_review"
    if "satisfied" in outcomes:
        return "compliant"
    return "not_addressed"


def evaluate(pack: Pack, act: dict[str, Any] | Any, checklist: Checklist | None = None) -> Decision:
    """Evaluate one validated act (a model or its dict) under ``pack``."""
    data = act.model_dump(mode="python", exclude_none=True) if hasattr(act, "model_dump") else act
    facts = facts_of(data)
    kind, day = facts["kind"], facts["date"]
    # the checklist decides assignments too, so it is part of what was answered (issue 10)
    digest = input_hash(data if checklist is None else {"act": data, "checklist": checklist.model_dump(mode="json")})
    record = facts.get("id")
    if day < pack.meta.effective:
        return Decision("not_in_force", pack.id, kind, day, pack, [], [], facts, digest, record)
    inferences = prepare(facts, checklist)
    vocab = fact_vocabulary()[kind]
    findings: list[Finding] = []
    for rule in pack.by_kind.get(kind, ()):
        outcome = outcome_of(rule, facts)
        finding = Finding(rule, outcome)
        if outcome == "unknown":
            finding.missing = [MissingFact(n, vocab.get(n, {}).get("label", n), vocab.get(n, {}).get("evidence"))
                               for n in rule.facts if n not in facts]
        finding.inferred = [i for i in inferences if i.fact in rule.facts]
        findings.append(finding)
    return Decision(decide({f.outcome for f in findings}), pack.id, kind, day, pack, findings, inferences,
                    facts, digest, record)
