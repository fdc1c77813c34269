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


def run_pack_tests(target: str, lang: str = "en") -> PackTestReport:
    """Run the cases of a pack: a city, a national law (every version), or a folder path.

    A city's cases test its own text: they run without the national layer unless the case file
    (``national: true``) or the case says otherwise; a county pack's always run over its base city.
    ``lang="zh"`` words each failure in Chinese, naming provisions by citation instead of rule ids
    (``gridlaw test``'s default); a case file of your own pack that does not load is your input (exit 4)."""
    from .errors import PackError
    from .evaluate import evaluate_stack
    from .layers import load_target

    law = load_target(target)
    report = PackTestReport(target)
    for pack in law.packs:
        one = law if len(law.packs) == 1 else type(law)(law.id, [pack])
        seen: dict[str, set[str]] = {r.id: set() for r in pack.rules}
        try:
            cases = pack.cases()
        except PackError as exc:
            from .layers import national
            from .loader import available_packs
            from .userpack import user_pack_error

            if target in available_packs() or any(target == n.id for n in national()):
                raise                     # a shipped pack's cases: a broken installation (exit 5)
            raise user_pack_error(target, exc.problems) from None
        for file, case, line, national in cases:
            act = {"city": pack.meta.extends or pack.id, **case.act}
            try:
                from .api import parse_act
                from .checklist import Checklist

                cl = Checklist.model_validate(case.checklist) if case.checklist else None
                d = evaluate_stack(one, parse_act(act, file), cl, national if case.national is None else case.national)
            except GridlawError as exc:
                report.results.append(CaseResult(file, line, case.name, False,
                                                 "输入有误：" + "；".join(p.message for p in exc.problems) if lang == "zh" else f"input error: {exc}"))
                continue
            for f in d.findings:
                if f.rule_id in seen:
                    seen[f.rule_id].add(f.outcome)
            problems = []
            zh = lang == "zh"
            if d.decision != case.expect.decision:
                problems.append(f"结论为{label(d.decision)}，预期{label(case.expect.decision)}" if zh else
                                f"decision {d.decision}, expected {case.expect.decision}")
            if sorted(d.deciding_rules) != sorted(case.expect.rules):
                problems.append(f"决定性条款为{_cited(d.deciding_rules, d, law)}，预期{_cited(case.expect.rules, d, law)}"
                                if zh else f"deciding rules {sorted(d.deciding_rules)}, expected {sorted(case.expect.rules)}")
            if case.expect.missing is not None and sorted(m.fact for m in d.missing) != sorted(case.expect.missing):
                problems.append(f"待查明事实为{_facts(sorted(m.fact for m in d.missing), d.kind)}，"
                                f"预期{_facts(sorted(case.expect.missing), d.kind)}" if zh else
                                f"missing {sorted(m.fact for m in d.missing)}, expected {sorted(case.expect.missing)}")
            report.results.append(CaseResult(file, line, case.name, not problems, ("；" if zh else "; ").join(problems)))
        report.uncovered.update(_uncovered(pack, seen, lang))
    return report


def label(code: str) -> str:
    from .labels import label as _label

    return _label(code, "zh")


def _cited(ids: list[str], decision, law) -> str:
    """Rule ids as the provisions they encode (a Chinese screen shows no ids); an id no rule has is said so."""
    if not ids:
        return "（无）"
    cites = {f.rule_id: f.rule.citation for f in decision.findings}
    for p in law.packs:
        cites.update({r.id: r.citation for r in p.rules if r.id not in cites})
    known = list(dict.fromkeys(cites[i] for i in sorted(ids) if i in cites))
    unknown = sum(1 for i in ids if i not in cites)
    return "、".join(known + ([f"{unknown} 个未知的规则编号（见测试文件）"] if unknown else []))


def _facts(facts: list[str], kind: str) -> str:
    from .facts import fact_vocabulary

    vocab = fact_vocabulary().get(kind, {})
    return "、".join(vocab.get(f, {}).get("label", "未知的事实名") for f in facts) or "（无）"


_CASE_FOR = {"satisfied": "a satisfying case", "violated": "a violating case", "review": "a case sent to review",
             "not_applicable": "a case where it does not apply"}
_CASE_FOR_ZH = {"a satisfying case": "符合的用例", "a violating case": "违反的用例", "a case sent to review": "需审查的用例",
                "a case where it does not apply": "不适用的用例", "a case where it applies": "适用的用例",
                "a case where it does not": "不适用的用例", "a violating (or review) case": "违反（或需审查）的用例"}


def _uncovered(pack: Pack, seen: dict[str, set[str]], lang: str = "en") -> dict[str, str]:
    out = {}
    for rule in pack.rules:
        got = seen[rule.id]
        if rule.spec.structure is not None:  # a case for each outcome the structure can give when in force
            on_satisfied, on_breach, _ = rule.outcomes
            wanted = (on_satisfied, on_breach)
            if rule.trigger is not None and rule.spec.trigger == rule.spec.require:
                wanted = (on_satisfied, "not_applicable")  # speaks only when met (a listed matter): met, and out of force
            elif rule.trigger is not None:  # a trigger may be the breach itself (speaks only on a recorded breach):
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
            out[rule.id] = (" and ".join(lacking) if lang != "zh" else
                            f"{rule.citation} 还缺" + "和".join(_CASE_FOR_ZH.get(x, x) for x in lacking))
    return out
