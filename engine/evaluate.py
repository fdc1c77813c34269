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
from typing import TYPE_CHECKING, Any, Literal

from . import __version__
from .acts import City, fact_vocabulary, facts_of
from .packspec import ActKind as Kind
from .checklist import Checklist
from .loader import CompiledRule, Pack, cite_text_en

if TYPE_CHECKING:   # the reader compiles its vocabulary on import: only tasks need it
    from .lexicon import Inference

# The values as types, so editors complete them and mypy checks comparisons (py.typed ships).
DecisionValue = Literal["not_in_force", "non_compliant", "insufficient_facts", "needs_review", "compliant",
                        "not_addressed"]
Outcome = Literal["violated", "review", "unknown", "satisfied", "not_applicable"]
DECISIONS: tuple[DecisionValue, ...] = ("not_in_force", "non_compliant", "insufficient_facts", "needs_review",
                                         "compliant", "not_addressed")
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
    outcome: Outcome
    missing: list[MissingFact] = field(default_factory=list)
    inferred: list[Inference] = field(default_factory=list)
    layer: str = "city"               # national | city | county (engine/layers.py)
    displaced_by: str | None = None   # a lower rule that displaces this one, where its text says so

    @property
    def rule_id(self) -> str:
        return self.rule.id

    def to_dict(self) -> dict:
        s = self.rule.spec
        return {
            "rule": s.id, "outcome": self.outcome, "modality": s.modality, "structure": s.structure,
            "effect": s.effect if self.outcome in ("violated", "review") else None,
            "citation": {"article": s.cite.article, "paragraph": s.cite.paragraph, "item": s.cite.item,
                         "text": self.rule.citation, "text_en": cite_text_en(s.cite.article, s.cite.paragraph, s.cite.item)},
            "quote": s.quote, "message": s.message.model_dump(exclude_none=True),
            "remedy": s.remedy.model_dump(exclude_none=True) if s.remedy else None,
            "judgment": s.judgment.model_dump(exclude_none=True) if hasattr(s.judgment, "model_dump") else s.judgment,
            "missing": [m.to_dict() for m in self.missing],
            "inferred": [i.to_dict() for i in self.inferred],
            "layer": self.layer, "displaced_by": self.displaced_by,
        }


@dataclass(slots=True)
class Decision:
    decision: DecisionValue
    city: City
    kind: Kind
    date: dt.date
    pack: Pack
    findings: list[Finding]
    inferences: list[Inference]
    facts: dict[str, Any]
    input_hash: str
    record: str | None = None
    layers: list[dict] = field(default_factory=list)     # the packs evaluated, bottom first (engine/layers.py)
    conflicts: list[dict] = field(default_factory=list)  # lower norms contradicting higher ones

    @property
    def deciding(self) -> list[Finding]:
        wanted = _DECIDED_BY.get(self.decision)
        return [f for f in self.findings if f.outcome == wanted and not f.displaced_by] if wanted else []

    @property
    def deciding_rules(self) -> list[str]:
        return [f.rule_id for f in self.deciding]

    @property
    def missing(self) -> list[MissingFact]:
        if self.decision == "not_in_force":  # nothing hangs on facts when the instrument is not in force
            return []
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
            "conflicts": self.conflicts,
            "stamp": {"engine": __version__, "engine_code": _code_hash(), "pack": meta.id, "pack_hash": self.pack.hash, "version": meta.version,
                      "input_hash": self.input_hash, "layers": self.layers, "review": self.review()},
        }

    def review(self) -> list[dict]:
        """Review state of every pack that answered (reviewed, changed since review, not reviewed):
        an answer from a pack that differs from policies/reviewed.json says so (engine/packreview.py)."""
        from .packreview import review_of

        hashes = [p["hash"] for p in self.layers if p.get("hash")] or [self.pack.hash]
        return [review_of(h) for h in dict.fromkeys(hashes)]


def _code_hash() -> str:
    from .stamp import engine_code_hash

    return engine_code_hash()[:16]


def input_hash(data: dict) -> str:
    return hashlib.sha256(json.dumps(data, sort_keys=True, ensure_ascii=False, default=str).encode()).hexdigest()


def prepare(facts: dict[str, Any], checklist: Checklist | None = None) -> list[Inference]:
    """Fill task facts the act leaves open, from the task text and the checklist; say so, and how."""
    inferences: list[Inference] = []
    prefix = "task." if "task.text" in facts else "matter." if "matter.text" in facts else None
    if prefix is None:
        return inferences
    text = facts[prefix + "text"]
    if prefix + "nature" not in facts:
        from .lexicon import assists_inference, infer_nature

        inf = infer_nature(text, prefix + "nature")
        inferences.append(inf)
        if inf.value is not None:  # unclassified leaves the nature unknown: the decision asks for it
            facts[prefix + "nature"] = inf.value
            if prefix == "task." and "task.assists_power_act" not in facts:
                facts["task.assists_power_act"] = inf.assists
                inferences.append(assists_inference(inf))
    if checklist is not None and prefix == "task.":
        inferences += checklist_facts(facts, checklist, text)
    return inferences


def checklist_facts(facts: dict[str, Any], checklist: Checklist, text: str) -> list[Inference]:
    """task.on_checklist from the checklist file: true on a match, otherwise left unknown (never "off");
    a checklist published after the act's date is not used as if it had been in force."""
    from .lexicon import Inference

    out: list[Inference] = []
    where = checklist.source_name()
    published = checklist.published_by(facts["date"])
    if "task.on_checklist" not in facts:
        # A checklist published after the act's date still shows the matter was listed, but never as a list in
        # force: task.checklist_published is set false below, so the rules on publication decide.
        entry = checklist.match(text)
        if entry is not None:
            facts["task.on_checklist"] = True
        later = "；但该清单晚于行为日期公布，当时尚未生效" if published is False else ""
        out.append(Inference("task.on_checklist", True if entry else None, "checklist", text, entry, "checklist",
                             where, (entry,) if entry else (), (where,), source="checklist",
                             extra={"reason": f"与{where}所列事项“{entry}”相符{later}" if entry else
                                    f"任务内容未逐字见于{where}；是否属清单事项无法由文本判定，请核对"}))
    if "task.checklist_published" not in facts and published is not None:
        facts["task.checklist_published"] = published
        out.append(Inference("task.checklist_published", published, "checklist", None, None, "checklist", where,
                             (where,), (where,), source="checklist",
                             extra={"reason": f"{where}{'早于或同于' if published else '晚于'}行为日期（{facts['date']}）公布"}))
    return out


def outcome_of(rule: CompiledRule, facts: dict[str, Any]) -> Outcome:
    """One rule's outcome. Applicability: roles, then `trigger` (only known true applies), `exempt`
    (known true does not apply; unknown makes applicability unknown), `when` (three-valued). Then
    the rule's structure maps held / breached / unknown to outcomes (engine/structures.py)."""
    if rule.roles is not None:
        role = facts.get("role")
        applies = None if role is None else role in rule.roles
    else:
        applies = True
    if applies is not False and rule.trigger is not None and rule.trigger(facts) is not True:
        return "not_applicable"
    if applies is not False and rule.exempt is not None:
        e = rule.exempt(facts)
        applies = False if e is True else None if e is None else applies
    if applies is not False and rule.when is not None:
        w = rule.when(facts)
        applies = False if w is False else (None if w is None or applies is None else True)
    if applies is False:
        return "not_applicable"
    on_satisfied, on_breach, on_unknown = rule.outcomes
    ok = rule.ok(facts)
    if ok is True:
        return on_satisfied
    if ok is None or applies is None:
        return on_unknown
    return on_breach


def decide(outcomes: list[str] | set[str]) -> DecisionValue:
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
                               for n in rule.asks if n not in facts]
        finding.inferred = [i for i in inferences if i.fact in rule.facts]
        findings.append(finding)
    return Decision(decide({f.outcome for f in findings}), pack.id, kind, day, pack, findings, inferences,
                    facts, digest, record)
