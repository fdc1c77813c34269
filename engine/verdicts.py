"""The decision algebra, written once: outcomes → verdict of a question in a layer → verdict of a
question over the layers in force → the overall decision (DESIGN.md, "Answers").

Outcomes are coded so that precedence is the numeric order, and every fold is a maximum:
violated(4) > unknown(3) > review(2) > satisfied(1) > not_applicable(0), i.e. non_compliant >
insufficient_facts > needs_review > compliant > not_addressed. The scalar executor
(engine/evaluate.py) folds Python ints, the columnar one (engine/batch.py) folds numpy arrays of
the same codes; both call the functions here for everything above the fold.

``not_in_force`` is not a code: a question is ``not_in_force`` when the layers in force that day
say nothing on it and a layer that would is not yet (or no longer) in force; the act is
``not_in_force`` when no layer in force addresses it and one of its questions is ``not_in_force``.
"""
from __future__ import annotations

from typing import Any, Iterable, Literal

DecisionValue = Literal["not_in_force", "non_compliant", "insufficient_facts", "needs_review", "compliant",
                        "not_addressed"]
Outcome = Literal["violated", "review", "unknown", "satisfied", "not_applicable"]

# Index order of decisions in batch results (kept: audit outputs and tests index into it).
DECISIONS: tuple[DecisionValue, ...] = ("not_in_force", "non_compliant", "insufficient_facts", "needs_review",
                                         "compliant", "not_addressed")
OUTCOME_CODES: tuple[Outcome, ...] = ("not_applicable", "satisfied", "review", "unknown", "violated")
NA, SAT, REV, UNK, VIO = range(5)
CODE: dict[str, int] = {name: code for code, name in enumerate(OUTCOME_CODES)}
# the verdict of a fold, by its maximum outcome code
VERDICT_OF_CODE: tuple[DecisionValue, ...] = ("not_addressed", "compliant", "needs_review", "insufficient_facts",
                                              "non_compliant")
# the outcome that decides a verdict (its deciding findings)
DECIDED_BY: dict[str, str] = {"non_compliant": "violated", "insufficient_facts": "unknown", "needs_review": "review",
                              "compliant": "satisfied"}
NOT_IN_FORCE = -1   # a question code: no layer in force addresses it, one not in force would

# The question each act kind is asked for (issue 16): a report never reads 合规 alone when it is not addressed.
MAIN_QUESTION: dict[str, str] = {"hire": "hiring", "exit": "exit", "assignment": "forbidden_tasks",
                                 "notice": "disclosure", "admission": "admission", "grid": "grid"}
# When no layer in force says anything on a question and the pack names no place that does.
GENERIC_SILENCE = {"zh": "本市规定未涉及", "en": "no text on it"}


def fold(codes: Iterable[int]) -> int:
    """The fold of outcome codes (or of verdict codes): their maximum, NA when there are none."""
    return max(codes, default=NA)


def decide(outcomes: Iterable[str]) -> DecisionValue:
    """The verdict of a set of outcomes."""
    return VERDICT_OF_CODE[fold(CODE[o] for o in outcomes)]


def question_code(in_force_codes: Iterable[int], any_out_of_force: bool) -> int:
    """A question's code from its layers: the fold over layers in force; NOT_IN_FORCE when those say
    nothing and a layer holding rules on it is not in force that day."""
    code = fold(in_force_codes)
    return NOT_IN_FORCE if code == NA and any_out_of_force else code


def verdict_of(code: int) -> DecisionValue:
    return "not_in_force" if code == NOT_IN_FORCE else VERDICT_OF_CODE[code]


def overall_code(question_codes: Iterable[int], displaced_conflict: bool) -> int:
    """The act's decision from its questions: the fold of what layers in force say; NOT_IN_FORCE only
    when they say nothing and a question is answered by a layer not in force that day. A lower text
    that lets through what the higher one forbade (a ``displaces`` conflict) is at least needs_review."""
    codes = list(question_codes)
    code = fold(c for c in codes if c != NOT_IN_FORCE)
    if code == NA and NOT_IN_FORCE in codes:
        return NOT_IN_FORCE
    if displaced_conflict and code <= SAT:
        return REV
    return code


# ---- the same folds over columns (engine/batch.py): one row per act, codes as int8 arrays

# DECISIONS index of a code (NOT_IN_FORCE first): DECISION_INDEX[code + 1]
DECISION_INDEX = tuple(DECISIONS.index(d) for d in ("not_in_force", *VERDICT_OF_CODE))


def question_codes_array(in_force_max: Any, any_out_of_force: Any) -> Any:
    """:func:`question_code` row by row: ``in_force_max`` the fold over the layers in force (NA where none)."""
    import numpy as np

    return np.where((in_force_max == NA) & any_out_of_force, np.int8(NOT_IN_FORCE), in_force_max).astype(np.int8)


def overall_codes_array(counted_max: Any, any_out_of_force: Any, displaced_conflict: Any | None) -> Any:
    """:func:`overall_code` row by row. ``counted_max`` is the fold of every counted finding in force (the
    fold of the questions' folds); a question is not_in_force only where that is NA and a layer holding
    rules of the act's kind is out of force."""
    import numpy as np

    code = np.where((counted_max == NA) & any_out_of_force, np.int8(NOT_IN_FORCE), counted_max).astype(np.int8)
    if displaced_conflict is not None:
        code[displaced_conflict & (code >= NA) & (code <= SAT)] = REV
    return code


def silence(silent_on: dict | None, question: str) -> dict:
    """Where the law leaves an unaddressed question: the pack's ``silent_on`` entry, else the generic words."""
    entry = (silent_on or {}).get(question)
    if entry is None:
        return dict(GENERIC_SILENCE)
    if hasattr(entry, "model_dump"):
        entry = entry.model_dump(mode="json", exclude_none=True)
    if isinstance(entry, str):
        return {"zh": entry, "en": entry}
    return {k: v for k, v in dict(entry).items() if v is not None}


__all__ = ["DecisionValue", "Outcome", "DECISIONS", "OUTCOME_CODES", "CODE", "VERDICT_OF_CODE", "DECIDED_BY",
           "NOT_IN_FORCE", "MAIN_QUESTION", "DECISION_INDEX", "fold", "decide", "question_code", "verdict_of", "overall_code",
           "question_codes_array", "overall_codes_array", "silence"]
