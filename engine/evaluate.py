"""The scalar executor: one act at a time over a compiled program (engine/program.py).

Outcomes per rule: ``violated`` (a prohibition or duty is breached), ``review`` (a default norm is
departed from, or the rule needs judgment), ``unknown`` (hangs on missing facts), ``satisfied``,
``not_applicable``. Findings come from the rules in force on the act's date; they fold into a
verdict for each question in each layer, for each question over the layers in force, and into one
decision (engine/verdicts.py, the one decision algebra; the columnar executor folds the same codes).
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from .version import __version__
from .facts import City, fact_vocabulary, facts_of
from .derive import checklist_facts, prepare  # noqa: F401  (re-exported: derived facts live in engine/derive.py)
from .labels import question_label
from .layers import Conflict
from .packspec import ActKind as Kind
from .loader import CompiledRule, Pack, cite_text_en
from .program import Program, compile_stack
from .verdicts import (CODE, DECIDED_BY, DECISIONS, MAIN_QUESTION, NA, NOT_IN_FORCE, OUTCOME_CODES, decide,  # noqa: F401
                       REV, SAT, VIO, DecisionValue, Outcome, overall_code, question_code, silence, verdict_of)

if TYPE_CHECKING:   # the reader compiles its vocabulary on import: only tasks need it
    from .lexicon import Inference

_DECIDED_BY = DECIDED_BY


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
    pack: str | None = None           # the pack (instrument) the rule belongs to

    @property
    def rule_id(self) -> str:
        return self.rule.id

    def __repr__(self) -> str:   # the compiled rule's repr runs to pages; the id and outcome say what it is
        return f"Finding({self.rule.id!r}, {self.outcome!r}" + (f", layer={self.layer!r}" if self.layer != "city" else "") \
            + (f", missing={[m.fact for m in self.missing]!r}" if self.missing else "") + ")"

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
            "layer": self.layer, "displaced_by": self.displaced_by, "question": s.question,
        }


@dataclass(slots=True)
class Answer:
    """The verdict on one question the act raises: over the layers in force, and layer by layer."""
    question: str
    verdict: DecisionValue
    deciding_rules: list[str]
    layers: list[dict]                 # {layer, pack, in_force, verdict}, bottom first
    unregulated: dict | None = None    # where the law leaves it, when no layer in force addresses it

    def to_dict(self) -> dict:
        return {"question": self.question, "label": question_label(self.question, "zh"),
                "label_en": question_label(self.question, "en"), "verdict": self.verdict,
                "deciding_rules": self.deciding_rules, "layers": self.layers, "unregulated": self.unregulated}


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
    hashed: Any                      # what the input hash covers (the act, with the checklist if one was given)
    record: str | None = None
    layers: list[dict] = field(default_factory=list)     # the packs of the stack, bottom first, in force or not
    conflicts: list[dict] = field(default_factory=list)  # lower norms contradicting higher ones
    questions: list[Answer] = field(default_factory=list)  # the verdict on each question the act raises

    @property
    def input_hash(self) -> str:
        """SHA-256 of the input, computed when the stamp is asked for (not on the hot path of ``check``)."""
        if not isinstance(self.hashed, str):
            self.hashed = input_hash(self.hashed)
        return self.hashed

    @property
    def main_question(self) -> str | None:
        return MAIN_QUESTION.get(self.kind)

    def __repr__(self) -> str:   # short: the pack, findings and facts are attributes (to_dict() has everything)
        return (f"Decision({self.decision!r}, {self.kind} {self.city} {self.date}, deciding_rules={self.deciding_rules!r}"
                + (f", missing={[m.fact for m in self.missing]!r}" if self.missing else "")
                + f", findings={len(self.findings)})")

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

    def to_dict(self, include_not_applicable: bool = False, engine_code: bool = True) -> dict:
        """``engine_code=False``: the stamp without the hash of the engine's files (~50 M instructions at
        start-up), for the text, Markdown and HTML reports, which do not show it."""
        meta = self.pack.meta
        return {
            "decision": self.decision,
            "city": self.city, "kind": self.kind, "date": self.date.isoformat(), "record": self.record,
            "regulation": {"title": meta.title, "effective": meta.effective.isoformat(), "instrument": meta.instrument},
            "main_question": self.main_question,
            "questions": [a.to_dict() for a in self.questions],
            "layers": [{k: v for k, v in x.items() if k != "hash"} for x in self.layers],
            "deciding_rules": self.deciding_rules,
            "missing_facts": [m.to_dict() for m in self.missing],
            "inferences": [i.to_dict() for i in self.inferences],
            "findings": [f.to_dict() for f in self.findings
                         if include_not_applicable or f.outcome != "not_applicable"],
            "conflicts": self.conflicts,
            "stamp": {"engine": __version__, "engine_code": _code_hash() if engine_code else None, "pack": meta.id, "pack_hash": self.pack.hash, "version": meta.version,
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


def outcome_of(rule: CompiledRule, facts: dict[str, Any]) -> Outcome:
    """One rule's outcome: its applicability (structures.applicability: roles, trigger known true, not
    exempt, when; three-valued), then the rule's structure maps held / breached / unknown to outcomes
    (engine/structures.py). The columnar executor applies the same rule to arrays (batch.evaluate_columns)."""
    applies = rule.applies(facts) if rule.applies is not None else True
    if applies is False:
        return "not_applicable"
    on_satisfied, on_breach, on_unknown = rule.outcomes
    ok = rule.ok(facts)
    if ok is True:
        return on_satisfied
    if ok is None or applies is None:
        return on_unknown
    return on_breach




def run(program: Program, act: dict[str, Any] | Any, checklist: Any = None) -> Decision:
    """Evaluate one validated act (a model or its dict) under a compiled program."""
    data = act.model_dump(mode="python", exclude_none=True) if hasattr(act, "model_dump") else act
    facts = facts_of(data)
    kind, day = facts["kind"], facts["date"]
    # the checklist decides assignments too, so it is part of what was answered (issue 10)
    hashed = data if checklist is None else {"act": data, "checklist": checklist.model_dump(mode="json")}
    active, slots_on = program.on(kind, day)
    kp = program.kinds.get(kind)
    inferences = prepare(facts, checklist) if active else []   # nothing is read for a law not in force
    vocab = fact_vocabulary()[kind]
    # a supplied checklist is never asked for again: a near match asks to confirm the nearest entry instead
    confirm = {i.fact: i.extra["reason"] for i in inferences
               if getattr(i, "source", None) == "checklist" and i.value is None and i.extra.get("reason")}
    findings: list[Finding] = []
    codes: dict[int, int] = {}                 # entry -> outcome code, for the findings that count
    raw: dict[int, int] = {}                   # entry -> outcome code, every finding (conflicts read these)
    live = set(active)
    for i in active:
        e = kp.entries[i]  # type: ignore[union-attr]
        rule = e.rule
        outcome = outcome_of(rule, facts)
        finding = Finding(rule, outcome, layer=e.part.layer, pack=e.part.pack.id)
        if outcome == "unknown":
            finding.missing = [MissingFact(n, vocab.get(n, {}).get("label", n), confirm.get(n) or vocab.get(n, {}).get("evidence"))
                               for n in rule.asks if n not in facts]
        if inferences:
            finding.inferred = [x for x in inferences if x.fact in rule.facts]
        code = raw[i] = CODE[outcome]
        by = next((d for d in e.displacers if d in live), None) if e.displacers else None
        if by is not None:  # the displaced finding stays in the report, out of the count
            finding.displaced_by = kp.entries[by].rule.id  # type: ignore[union-attr]
        else:
            codes[i] = code
        findings.append(finding)
    conflicts = conflicts_of(program, kind, live, raw) if kp is not None and kp.links else []
    overall, answers = answer(program, kind, day, slots_on, codes, conflicts)
    top = program.answering(day)
    return Decision(verdict_of(overall), top.id, kind, day, top, findings, inferences, facts, hashed, facts.get("id"),
                    program.layers_on(day), [c.to_dict() for c in conflicts], answers)


def conflicts_of(program: Program, kind: str, live: set[int] | Any, outcome: dict[int, int] | Any) -> list[Conflict]:
    """The program's conflicting pairs that hold on this act: both in force, and their outcomes say so
    (a refining rule met while the rule it refines is violated; a displacing rule not violated while the
    displaced one is; a lower permission used while a higher ban it shares facts with is violated)."""
    kp = program.kinds.get(kind)
    out: list[Conflict] = []
    for link in kp.links if kp else ():
        if link.lower in live and link.higher in live and outcome[link.higher] == VIO and (
                outcome[link.lower] != VIO if link.kind == "displaces" else outcome[link.lower] == SAT):
            lo, hi = kp.entries[link.lower], kp.entries[link.higher]  # type: ignore[union-attr]
            out.append(Conflict(link.kind, lo.rule.id, hi.rule.id, lo.part.layer, hi.part.layer))
    return out


def answer(program: Program, kind: str, day: dt.date, slots_on: tuple[bool, ...], codes: dict[int, int],
           conflicts: list[Conflict]) -> tuple[int, list[Answer]]:
    """The decision code and the answer to each question, from the outcome codes of the findings that
    count (entry -> code). One place for both executors: the columnar one calls it row by row."""
    kp = program.kinds.get(kind)
    if kp is None:
        return NA, [_silent(program, day, MAIN_QUESTION.get(kind) or "other", [])]
    bumped = {kp.entries[i].question for c in conflicts if c.kind == "displaces"
              for i in range(len(kp.entries)) if kp.entries[i].rule.id == c.lower} if conflicts else set()
    answers: list[Answer] = []
    qcodes: list[int] = []
    for q in kp.questions:
        slot_codes: dict[int, int] = {}
        for i, s in kp.slot_pairs[q]:
            c = codes.get(i)
            if c is not None and c > slot_codes.get(s, NA):
                slot_codes[s] = c
        slots = kp.slots_of[q]
        code = question_code([slot_codes.get(s, NA) for s in slots if slots_on[s]],
                             not all(slots_on[s] for s in slots))
        if q in bumped and code in (NA, SAT):
            code = REV
        qcodes.append(code)
        verdict = verdict_of(code)
        wanted = CODE.get(DECIDED_BY.get(verdict, ""), -2)
        deciding = [kp.entries[i].rule.id for i, _ in kp.slot_pairs[q] if codes.get(i) == wanted]
        layers = [{"layer": program.instruments[s].layer, "pack": program.instruments[s].versions.id,
                   "in_force": slots_on[s],
                   "verdict": verdict_of(slot_codes.get(s, NA)) if slots_on[s] else "not_in_force"} for s in slots]
        answers.append(Answer(q, verdict, deciding, layers) if code != NA else _silent(program, day, q, layers))
    return overall_code(qcodes, bool(bumped)), answers


def _silent(program: Program, day: dt.date, question: str, layers: list[dict]) -> Answer:
    return Answer(question, "not_addressed", [], layers, silence(program.silent_on(day), question))


def evaluate(pack: Pack, act: dict[str, Any] | Any, checklist: Any = None) -> Decision:
    """Evaluate one validated act (a model or its dict) under ``pack`` alone (no other layer)."""
    return run(compile_stack(pack, with_national=False), act, checklist)


def evaluate_stack(top: Any, act: Any, checklist: Any = None, with_national: bool = True) -> Decision:
    """One act under a stack of packs (engine/layers.Versions): national → city → county, by date."""
    return run(compile_stack(top, with_national), act, checklist)
