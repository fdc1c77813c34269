"""The recurring legal structures of the five texts, each with one encoding.

A rule names its ``structure``; this table says which modality and effect that
structure allows, which fields it needs or refuses, which questions it may answer
in ``packs --matrix``, and — the semantics — what the rule's outcome is when its
condition holds, when it is breached, and when it hangs on an unknown fact.
``evaluate.outcome_of`` and the columnar ``batch`` read the three outcomes from
:func:`outcomes_of`, so both paths get them from one place. docs/structures.md
is the catalogue with the words that signal each structure and a real instance.
"""
from __future__ import annotations

from dataclasses import dataclass

from .conditions import KnownTrue, known_true_guards
from .packspec import All, Compare, Condition, Not, Rule

NA, SAT, REV, UNK, VIO = "not_applicable", "satisfied", "review", "unknown", "violated"


@dataclass(frozen=True, slots=True)
class Structure:
    modalities: frozenset[str]
    effects: frozenset[str]
    on_satisfied: str            # outcome when the requirement holds / the forbidden thing is absent
    on_breach: str               # outcome when it does not
    on_unknown: str              # outcome when the rule hangs on an unknown fact
    needs: frozenset[str] = frozenset()       # fields the rule must have
    refuses: frozenset[str] = frozenset()     # fields the rule must not have
    not_questions: frozenset[str] = frozenset()  # questions it never answers (matrix)
    zh: str = ""


def _s(modalities: str, effects: str, sat: str, breach: str, unknown: str, *, needs: str = "", refuses: str = "",
       not_questions: str = "", zh: str = "") -> Structure:
    return Structure(frozenset(modalities.split()), frozenset(effects.split()), sat, breach, unknown,
                     frozenset(needs.split()), frozenset(refuses.split()), frozenset(not_questions.split()), zh)


# Structures whose breach is violated never carry `judgment`: an ambiguity that needs a human is
# encoded as the structure that says so (catch_all, default_norm), so one structure behaves one way.
_STRICT = "judgment exempt"
STRUCTURES: dict[str, Structure] = {
    "prohibition": _s("prohibition", "prohibited not_admissible", SAT, VIO, UNK, refuses=_STRICT, zh="禁止性规范（不得）"),
    "duty": _s("duty", "duty_unmet not_admissible", SAT, VIO, UNK, refuses=_STRICT, zh="义务性规范（应当）"),
    "event_duty": _s("duty", "duty_unmet", SAT, VIO, UNK, needs="trigger", refuses=_STRICT,
                     zh="事件触发的义务（…的，应当…）"),
    "eligibility": _s("prohibition duty", "disqualified", SAT, VIO, UNK, refuses=_STRICT, zh="任职条件（不得担任 / 应当具备）"),
    "exit_ground": _s("duty prohibition", "must_exit", SAT, VIO, UNK, refuses=_STRICT, zh="退出情形（应当退出 / 予以解聘）"),
    "permission": _s("permission", "review", SAT, NA, NA, refuses=_STRICT, not_questions="hiring",
                     zh="授权性规范（可以）"),
    "right_to_refuse": _s("right", "may_be_refused", SAT, REV, UNK, refuses="exempt", not_questions="forbidden_tasks",
                          zh="拒绝权（有权拒绝）"),
    "definition": _s("scope", "review", NA, NA, NA, refuses="exempt", not_questions="forbidden_tasks",
                     zh="定义或范围条款（是指 / 包括 / 由…组成）"),
    "ban_on_other_units": _s("prohibition duty", "prohibited duty_unmet", SAT, VIO, UNK, needs="exempt",
                             refuses="judgment", zh="针对“其他单位”的禁止（其他单位不得另行划分）"),
    "support_duty": _s("duty", "review", SAT, REV, NA, needs="judgment", refuses="exempt",
                       zh="部门支持义务（应当提供…等帮助）"),
    "default_norm": _s("default_norm", "review", SAT, REV, UNK, needs="judgment", refuses="exempt",
                       zh="原则性规范（一般 / 原则上）"),
    "catch_all": _s("prohibition duty right scope", "review prohibited not_admissible may_be_refused must_exit disqualified",
                    SAT, REV, NA, needs="judgment", refuses="exempt", zh="兜底条款（其他…）"),
    "encouragement": _s("encouragement", "review", NA, NA, NA, refuses=_STRICT, not_questions="hiring",
                        zh="鼓励性规范（鼓励 / 支持）"),
}


def outcomes_of(rule: Rule) -> tuple[str, str, str]:
    """(on_satisfied, on_breach, on_unknown) of a rule.

    A rule without a structure keeps the transitional semantics of the modality
    (until every pack names its structures): permission/encouragement never
    breached, default_norm or `judgment` → review, otherwise violated; unknown stays unknown.
    A definition never clears (held → not_applicable); with `judgment` (the text sets up a further
    system, e.g. admission) a case outside its scope goes to review, without it is not_applicable."""
    if rule.structure is None:
        if rule.modality in ("permission", "encouragement"):
            return SAT, NA, UNK
        if rule.modality == "default_norm" or rule.judgment:
            return SAT, REV, UNK
        return SAT, VIO, UNK
    s = STRUCTURES[rule.structure]
    breach = REV if rule.structure == "definition" and rule.judgment else s.on_breach
    # A catch-all item of a scope list (其他交办事项) is part of a definition: like it, it never clears
    # (every task is 交办; "within the catch-all" is no answer to whether it may be assigned).
    held = NA if rule.structure == "catch_all" and rule.modality == "scope" else s.on_satisfied
    return held, breach, s.on_unknown


def problems_of(rule: Rule) -> list[tuple[str, tuple[str, ...]]]:
    """(message, field path) for each way a rule deviates from its structure's encoding."""
    if rule.structure is None:
        return []
    s = STRUCTURES[rule.structure]
    out: list[tuple[str, tuple[str, ...]]] = []
    name = f"a {rule.structure} ({s.zh})"
    if rule.modality not in s.modalities:
        out.append((f"{name} has modality {' or '.join(sorted(s.modalities))}, not {rule.modality!r}", ("modality",)))
    if rule.effect not in s.effects:
        out.append((f"{name} has effect {' or '.join(sorted(s.effects))}, not {rule.effect!r}", ("effect",)))
    for f in sorted(s.needs):
        if getattr(rule, f) is None:
            why = {"trigger": "the event that brings the duty into force (unknown → not_applicable)",
                   "exempt": "the body the text empowers, to which the ban does not apply",
                   "judgment": "why the case goes to a human, in the text's terms"}[f]
            out.append((f"{name} needs '{f}': {why}", (f,)))
    for f in sorted(s.refuses):
        if getattr(rule, f) is not None:
            why = {"judgment": "its breach is decided, not reviewed; an ambiguous case is a catch_all or default_norm",
                   "exempt": "only a ban_on_other_units names an exempt body"}[f]
            out.append((f"{name} takes no '{f}': {why}", (f,)))
    if rule.question is not None and rule.question in s.not_questions:
        out.append((f"{name} never answers the question {rule.question!r}", ("question",)))
    return out


def known_guards(rule: Rule) -> list[str]:
    """Facts that `when` requires to be stated (``{fact: x, known: true}``): applicability that belongs in `trigger`."""
    return list(known_true_guards(rule.when))


def applicability(rule: Rule) -> Condition | KnownTrue | None:
    """When a rule applies, as one three-valued condition both executors compile: the act's role is one
    of the rule's roles, its ``trigger`` is known true (an event unknown does not bring the rule into force),
    no ``exempt`` body acts (unknown makes applicability unknown), and ``when`` holds. None: always applies.

    A rule's outcome is then, in both executors: not_applicable where this is false; ``on_satisfied`` where
    the requirement is true; ``on_unknown`` where the requirement or this is unknown; ``on_breach`` else."""
    parts: list = []
    if rule.roles:
        parts.append(Compare.model_construct(fact="role", in_=sorted(rule.roles)))
    if rule.trigger is not None:
        parts.append(KnownTrue(rule.trigger))
    if rule.exempt is not None:
        parts.append(Not.model_construct(not_=rule.exempt))
    if rule.when is not None:
        parts.append(rule.when)
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else All.model_construct(all=parts)


def requirement(rule: Rule) -> Condition:
    """What the rule requires: ``require``, or the absence of what it ``forbid``s."""
    return rule.require if rule.require is not None else Not.model_construct(not_=rule.forbid)
