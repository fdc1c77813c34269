"""Run a pack's YAML cases (``policies/<city>/tests/*.yaml``), for ``gridlaw test`` and pytest.

A case passes when the decision and the exact set of deciding rule ids (and,
if given, the missing facts) match. Rule coverage: each rule must be seen
satisfied in some case and breached (violated / review) in another; a
permission or encouragement must be seen both applying and not applying.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from .errors import GridlawError
from .loader import Pack


@dataclass
class CaseResult:
    file: str
    line: int | None
    name: str
    ok: bool
    detail: str = ""


@dataclass
class PackTestReport:
    pack: str
    results: list[CaseResult] = field(default_factory=list)
    uncovered: dict[str, str] = field(default_factory=dict)  # rule id -> what is missing

    @property
    def ok(self) -> bool:
        return all(r.ok for r in self.results) and not self.uncovered and bool(self.results)


def run_pack_tests(target: str) -> PackTestReport:
    """Run the cases of a pack: a city, a national law (every version), or a folder path.

    A city's cases test its own text: they run without the national layer unless the case file
    (``national: true``) or the case says otherwise; a county pack's always run over its base city."""
    from .evaluate import evaluate_stack
    from .layers import load_target

    law = load_target(target)
    report = PackTestReport(target)
    for pack in law.packs:
        one = law if len(law.packs) == 1 else type(law)(law.id, [pack])
        seen: dict[str, set[str]] = {r.id: set() for r in pack.rules}
        for file, case, line, national in pack.cases():
            act = {"city": pack.meta.extends or pack.id, **case.act}
            try:
                from .api import parse_act
                from .checklist import Checklist

                cl = Checklist.model_validate(case.checklist) if case.checklist else None
                d = evaluate_stack(one, parse_act(act, file), cl, national if case.national is None else case.national)
            except GridlawError as exc:
                report.results.append(CaseResult(file, line, case.name, False, f"input error: {exc}"))
                continue
            for f in d.findings:
                if f.rule_id in seen:
                    seen[f.rule_id].add(f.outcome)
            problems = []
            if d.decision != case.expect.decision:
                problems.append(f"decision {d.decision}, expected {case.expect.decision}")
            if sorted(d.deciding_rules) != sorted(case.expect.rules):
                problems.append(f"deciding rules {sorted(d.deciding_rules)}, expected {sorted(case.expect.rules)}")
            if case.expect.missing is not None and sorted(m.fact for m in d.missing) != sorted(case.expect.missing):
                problems.append(f"missing {sorted(m.fact for m in d.missing)}, expected {sorted(case.expect.missing)}")
            report.results.append(CaseResult(file, line, case.name, not problems, "; ".join(problems)))
        report.uncovered.update(_uncovered(pack, seen))
    return report


_CASE_FOR = {"satisfied": "a satisfying case", "violated": "a violating case", "review": "a case sent to review",
             "not_applicable": "a case where it does not apply"}


def _uncovered(pack: Pack, seen: dict[str, set[str]]) -> dict[str, str]:
    out = {}
    for rule in pack.rules:
        got = seen[rule.id]
        if rule.spec.structure is not None:  # a case for each outcome the structure can give when in force
            on_satisfied, on_breach, _ = rule.outcomes
            wanted = (on_satisfied, on_breach)
            if rule.trigger is not None:  # a trigger may be the breach itself (speaks only on a recorded breach):
                wanted = (on_breach, "not_applicable")  # then it is shown breached and shown out of force
            lacking = [_CASE_FOR[o] for o in dict.fromkeys(wanted) if o not in got]
        elif rule.spec.modality in ("permission", "encouragement"):
            need = {"satisfied": "a case where it applies", "not_applicable": "a case where it does not"}
            lacking = [text for outcome, text in need.items() if outcome not in got]
        else:
            lacking = []
            if "satisfied" not in got:
                lacking.append("a satisfying case")
            if not got & {"violated", "review"}:
                lacking.append("a violating (or review) case")
        if lacking:
            out[rule.id] = " and ".join(lacking)
    return out
