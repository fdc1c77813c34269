"""The structures table (engine/structures.py): one encoding per legal structure.

Three parts. (1) The semantics of each structure on small synthetic rules, through the
scalar path and the columnar twin, which must agree. (2) The loader refuses a rule that
deviates from its structure, saying file:line and field. (3) Behavioural consistency of the
shipped packs: every rule that names a structure is probed (nothing known; a held case; a
breach; its trigger unknown; its exempt body acting) and all rules of one structure must
behave alike and as the table says — and the check fails when one rule is made to behave
differently. tests/test_structures_complete.py requires every rule to name a structure and a
question (it passes once the pack branches of issue 8 are merged).
"""
from __future__ import annotations

import copy
import datetime as dt
import itertools
import random
import shutil
from typing import Any

import pytest

from gridlaw.batch import OUTCOME_CODES, columns_from_facts, evaluate_columns
from gridlaw.conditions import compares_in
from gridlaw.errors import PackError
from gridlaw.evaluate import outcome_of
from gridlaw.loader import _compile_rule, available_packs, compile_pack, load_pack, pack_root
from gridlaw.packspec import Rule
from gridlaw.structures import STRUCTURES, known_guards, outcomes_of

DATE = dt.date(2024, 5, 1)
BASE = {"kind": "hire", "date": DATE}


def rule(structure: str | None, modality: str, effect: str, rid: str = "yancheng.art1.t", **extra: Any):
    spec = Rule.model_validate({"id": rid, "act": "hire", "cite": {"article": 1}, "quote": "xx",
                                "structure": structure, "modality": modality, "effect": effect,
                                "message": {"zh": "x"}, **extra})
    return _compile_rule(spec, "t.yaml", 1, "T", None)


def both(r, facts_list: list[dict]) -> list[str]:
    """Outcomes of ``r`` on each facts dict, scalar and columnar; they must agree."""
    scalar = [outcome_of(r, {**BASE, **f}) for f in facts_list]
    pack = copy.copy(load_pack("yancheng"))
    pack.rules, pack.by_kind = [r], {"hire": [r]}
    res = evaluate_columns(pack, "hire", columns_from_facts([{**BASE, **f} for f in facts_list]))
    columnar = [res.outcome(0, i) for i in range(len(facts_list))]
    assert scalar == columnar, (scalar, columnar)
    return scalar


A_TRUE = {"fact": "a", "eq": True}
# facts: a is the rule's condition; t its trigger; x its exempt body
HELD, BREACH, UNKNOWN = {"a": True}, {"a": False}, {}


@pytest.mark.parametrize("structure, modality, effect, extra, held, breach, unknown", [
    ("prohibition", "prohibition", "prohibited", {}, "satisfied", "violated", "unknown"),
    ("duty", "duty", "duty_unmet", {}, "satisfied", "violated", "unknown"),
    ("eligibility", "prohibition", "disqualified", {}, "satisfied", "violated", "unknown"),
    ("exit_ground", "duty", "must_exit", {}, "satisfied", "violated", "unknown"),
    ("permission", "permission", "review", {}, "satisfied", "not_applicable", "not_applicable"),
    ("right_to_refuse", "right", "may_be_refused", {}, "satisfied", "review", "unknown"),
    ("definition", "scope", "review", {}, "not_applicable", "not_applicable", "not_applicable"),
    ("definition", "scope", "review", {"judgment": {"zh": "另设准入制度"}}, "not_applicable", "review", "not_applicable"),
    ("support_duty", "duty", "review", {"judgment": "可以作退出处理"}, "satisfied", "review", "not_applicable"),
    ("default_norm", "default_norm", "review", {"judgment": "一般"}, "satisfied", "review", "unknown"),
    ("catch_all", "prohibition", "prohibited", {"judgment": "其他"}, "satisfied", "review", "not_applicable"),
    ("catch_all", "scope", "review", {"judgment": "其他交办事项"}, "not_applicable", "review", "not_applicable"),
    ("encouragement", "encouragement", "review", {}, "not_applicable", "not_applicable", "not_applicable"),
])
def test_outcomes_by_structure(structure, modality, effect, extra, held, breach, unknown):
    r = rule(structure, modality, effect, require=A_TRUE, **extra)
    assert both(r, [HELD, BREACH, UNKNOWN]) == [held, breach, unknown]
    assert outcomes_of(r.spec) == (held, breach, unknown)


def test_event_duty_applies_only_when_its_trigger_is_known_true():
    r = rule("event_duty", "duty", "duty_unmet", trigger={"fact": "t", "eq": True}, require=A_TRUE)
    got = both(r, [{"t": True, "a": True}, {"t": True, "a": False}, {"t": True}, {"t": False, "a": False},
                   {"a": False}])
    assert got == ["satisfied", "violated", "unknown", "not_applicable", "not_applicable"]


def test_trigger_with_an_open_any_is_not_known_true():
    r = rule("event_duty", "duty", "duty_unmet", require=A_TRUE,
             trigger={"any": [{"fact": "t", "eq": True}, {"fact": "u", "eq": True}]})
    assert both(r, [{"t": False, "a": False}, {"u": True, "a": False}]) == ["not_applicable", "violated"]


def test_a_triggered_rule_asks_only_for_what_it_requires_not_for_the_other_triggers():
    from gridlaw.acts import ACT_MODELS, facts_of
    from gridlaw.evaluate import evaluate

    spec = Rule.model_validate({
        "id": "binzhou.art6.probe", "act": "notice", "cite": {"article": 6, "paragraph": 2}, "quote": "内容变更的",
        "structure": "event_duty", "modality": "duty", "effect": "duty_unmet", "message": {"zh": "x"},
        "trigger": {"any": [{"fact": "content_changed", "eq": True}, {"fact": "staff_or_area_changed", "eq": True}]},
        "require": {"fact": "updated_after_change", "eq": True}})
    r = _compile_rule(spec, "t.yaml", 1, "T", None)
    assert r.asks == ("updated_after_change",)
    pack = copy.copy(load_pack("binzhou"))
    pack.rules, pack.by_kind = [r], {"notice": [r]}
    act = ACT_MODELS["notice"].model_validate({"kind": "notice", "city": "binzhou", "date": "2024-05-01",
                                               "publisher": "township", "fields": ["grid_name"], "content_changed": True})
    d = evaluate(pack, act)
    assert d.decision == "insufficient_facts" and [m.fact for m in d.missing] == ["updated_after_change"]
    res = evaluate_columns(pack, "notice", columns_from_facts([facts_of(act.model_dump(exclude_none=True))]))
    assert res.decision(0) == "insufficient_facts" and res.missing_facts(0) == ["updated_after_change"]
    assert evaluate(pack, act.model_copy(update={"content_changed": False})).decision == "not_addressed"


def test_ban_on_other_units_spares_the_empowered_body():
    r = rule("ban_on_other_units", "prohibition", "prohibited", exempt={"fact": "x", "eq": True},
             forbid={"fact": "a", "eq": False})
    # the township divides (exempt) → not applicable; another unit → violated; who divided unknown → unknown
    got = both(r, [{"x": True, "a": False}, {"x": False, "a": False}, {"a": False}, {"a": True}, {"x": False, "a": True}])
    assert got == ["not_applicable", "violated", "unknown", "satisfied", "satisfied"]


def test_roles_trigger_exempt_and_when_combine():
    r = rule("ban_on_other_units", "prohibition", "prohibited", roles=["full_time"],
             trigger={"fact": "t", "eq": True}, exempt={"fact": "x", "eq": True},
             when={"fact": "w", "eq": True}, require=A_TRUE)
    rows = [{"role": r_, "t": t, "x": x, "w": w, "a": a}
            for r_, t, x, w, a in itertools.product(["full_time", "part_time", None], [True, False, None],
                                                     [True, False, None], [True, False, None], [True, False, None])]
    rows = [{k: v for k, v in row.items() if v is not None} for row in rows]
    got = both(r, rows)
    for row, outcome in zip(rows, got):
        if row.get("role") == "part_time" or row.get("t") is not True or row.get("x") is True or row.get("w") is False:
            assert outcome == "not_applicable", row
        elif row.get("a") is True:
            assert outcome == "satisfied", row
        elif "a" in row and all(k in row for k in ("role", "x", "w")):
            assert outcome == "violated", row
        else:
            assert outcome == "unknown", row


def test_unstructured_rules_keep_the_transitional_semantics():
    assert both(rule(None, "duty", "duty_unmet", require=A_TRUE), [BREACH, UNKNOWN]) == ["violated", "unknown"]
    assert both(rule(None, "permission", "review", require=A_TRUE), [HELD, BREACH]) == ["satisfied", "not_applicable"]
    assert both(rule(None, "duty", "duty_unmet", judgment="x", require=A_TRUE), [BREACH]) == ["review"]


def test_pack_tests_must_show_each_outcome_the_structure_can_give():
    from gridlaw.packtest import _uncovered

    enc = rule("encouragement", "encouragement", "review", rid="yancheng.art1.enc", require=A_TRUE)
    perm = rule("permission", "permission", "review", rid="yancheng.art1.perm", require=A_TRUE)
    ban = rule("prohibition", "prohibition", "prohibited", rid="yancheng.art1.ban", require=A_TRUE)
    pack = copy.copy(load_pack("yancheng"))
    pack.rules = [enc, perm, ban]
    seen = {"yancheng.art1.enc": {"not_applicable"}, "yancheng.art1.perm": {"not_applicable"},
            "yancheng.art1.ban": {"satisfied", "review"}}
    assert _uncovered(pack, seen) == {"yancheng.art1.perm": "a satisfying case", "yancheng.art1.ban": "a violating case"}


def test_judgment_is_bilingual_and_accepts_a_plain_string():
    assert rule("catch_all", "scope", "review", judgment="其他交办事项", require=A_TRUE).spec.judgment.zh == "其他交办事项"
    r = rule("catch_all", "scope", "review", judgment={"zh": "其他", "en": "other"}, require=A_TRUE)
    assert (r.spec.judgment.zh, r.spec.judgment.en) == ("其他", "other")


# --------------------------------------------------------------------------- the loader


PROBE = """rules:
  - id: yancheng.art16.probe
    act: hire
    roles: [full_time]
    cite: {article: 16, paragraph: 2, item: 1}
    quote: 受過刑事處罰或者涉嫌犯罪尚未結案的
    modality: prohibition
    effect: disqualified
    forbid: {fact: candidate.criminal_record, eq: true}
    message: {zh: 探针}
"""


MIGRATED = "structure: eligibility\nquestion: hiring"


def _pack_with(tmp_path, extra: str, base: str = PROBE):
    """A copy of the Yancheng pack plus one probe rule (its own file: the shipped rules stay as they are)."""
    dst = tmp_path / "yancheng"
    shutil.copytree(pack_root("yancheng"), dst)
    (dst / "rules" / "zz_probe.yaml").write_text(base + "".join(f"    {line}\n" for line in extra.splitlines()), "utf-8")
    return dst


def _problems(root) -> list[str]:
    with pytest.raises(PackError) as exc:
        compile_pack(root, "yancheng", use_cache=False)
    return [str(p) for p in exc.value.problems]


def test_the_probe_rule_loads_as_it_is(tmp_path):
    pack = compile_pack(_pack_with(tmp_path, MIGRATED), "yancheng", use_cache=False)
    assert pack.rule("yancheng.art16.probe").outcomes == ("satisfied", "violated", "unknown")


@pytest.mark.parametrize("inserted, expected", [
    ("structure: permission", "a permission (授权性规范（可以）) has modality permission, not 'prohibition'"),
    ("structure: event_duty", "needs 'trigger'"),
    ("structure: ban_on_other_units", "needs 'exempt'"),
    ("structure: catch_all", "needs 'judgment'"),
    ("structure: eligibility\nquestion: benefits\njudgment: x", "takes no 'judgment'"),
    ("structure: encouragement", "has effect review, not 'disqualified'"),
    ("structure: eligibility\ntrigger: {fact: candidate.criminal_recrod, known: true}", "unknown fact 'candidate.criminal_recrod'"),
])
def test_loader_refuses_a_rule_off_its_structure_with_file_and_line(tmp_path, inserted, expected):
    problems = _problems(_pack_with(tmp_path, inserted))
    hits = [p for p in problems if expected in p]
    assert hits, problems
    assert all(p.startswith("yancheng/rules/zz_probe.yaml:") and "rules[0]" in p for p in hits)


def test_loader_refuses_a_permission_answering_hiring(tmp_path):
    base = PROBE.replace("modality: prohibition\n    effect: disqualified", "modality: permission\n    effect: review")
    problems = _problems(_pack_with(tmp_path, "structure: permission\nquestion: hiring", base))
    assert any("never answers the question 'hiring'" in p for p in problems), problems


# --------------------------------------------------------------------------- consistency of the packs


def _values(cmp) -> list[Any]:
    """Values a probe may give a fact, read off one comparison: a hit and a miss."""
    op, v = cmp.op
    if op == "known":
        return ["probe"]
    if isinstance(v, list):
        if op in ("includes_all", "includes_any", "includes"):
            return [list(v), []]
        return [v[0], "__other__"]
    if op in ("includes",):
        return [[v], []]
    if isinstance(v, bool):
        return [v, not v]
    if isinstance(v, (int, float)):
        return [v - 1, v, v + 1]
    if isinstance(v, dt.date):
        return [v - dt.timedelta(days=1), v, v + dt.timedelta(days=1)]
    return [v, "__other__"]




def _probe_space(r) -> dict[str, list[Any]]:
    s = r.spec
    space: dict[str, list[Any]] = {}
    for key in ("trigger", "exempt", "when", "require", "forbid"):
        for cmp in compares_in(getattr(s, key)):
            for v in _values(cmp):
                if v not in space.setdefault(cmp.fact, [None]):
                    space[cmp.fact].append(v)
    # a {known: true} placeholder is needed only for a fact no other comparison gives typed values to
    return {f: [v for v in vs if v != "probe"] if len(vs) > 2 and "probe" in vs else vs for f, vs in space.items()}


def _probes(r, limit: int = 3000) -> list[dict]:
    space = _probe_space(r)
    names = list(space)
    total = 1
    for n in names:
        total *= len(space[n])
    rng = random.Random(r.id)
    if total <= limit:
        combos = itertools.product(*(space[n] for n in names))
    else:
        combos = (tuple(rng.choice(space[n]) for n in names) for _ in range(limit))
    roles = sorted(r.roles) if r.roles else [None]
    out = []
    for combo in combos:
        facts = {n: v for n, v in zip(names, combo) if v is not None}
        if roles[0] is not None:
            facts["role"] = roles[0]
        out.append({"kind": r.spec.act, "date": DATE, **facts})
    return out


def _state(fn, facts, absent: bool | None) -> bool | None:
    return absent if fn is None else fn(facts)


def signature(r) -> dict[str, set[str]]:
    """What a rule does, by situation: nothing known; trigger not known true; exempt body acting;
    in force and held; in force and breached; in force and its condition unknown."""
    sig: dict[str, set[str]] = {}
    nothing = {"kind": r.spec.act, "date": DATE, **({"role": sorted(r.roles)[0]} if r.roles else {})}
    sig["nothing known"] = {outcome_of(r, nothing)}
    for facts in _probes(r):
        t, e, w = _state(r.trigger, facts, True), _state(r.exempt, facts, False), _state(r.when, facts, True)
        ok = r.ok(facts)
        out = outcome_of(r, facts)
        if r.trigger is not None and t is not True:
            sig.setdefault("trigger not known true", set()).add(out)
        elif e is True:
            sig.setdefault("exempt body acts", set()).add(out)
        elif w is False:
            continue
        elif ok is True:
            sig.setdefault("held", set()).add(out)
        elif ok is False and w is not None and e is not None and (r.roles is None or "role" in facts):
            sig.setdefault("breached", set()).add(out)
        elif ok is None:
            sig.setdefault("condition unknown", set()).add(out)
    return sig


def expected_signature(r) -> dict[str, set[str]]:
    on_sat, on_breach, on_unknown = outcomes_of(r.spec)
    exp = {"trigger not known true": {"not_applicable"}, "exempt body acts": {"not_applicable"},
           "held": {on_sat}, "breached": {on_breach}, "condition unknown": {on_unknown}}
    # nothing known: a trigger keeps the rule out; otherwise it hangs on the unknown facts
    exp["nothing known"] = {"not_applicable"} if r.trigger is not None else {on_unknown}
    return exp


def inconsistencies(rules) -> list[str]:
    """Every way a structured rule behaves unlike its structure (and so unlike the others of it)."""
    out = []
    by_structure: dict[str, list] = {}
    for r in rules:
        if r.spec.structure is not None:
            by_structure.setdefault(r.spec.structure, []).append(r)
    for name, members in sorted(by_structure.items()):
        s = STRUCTURES[name]
        for r in members:
            if r.spec.modality not in s.modalities or r.spec.effect not in s.effects:
                out.append(f"{r.id}: {name} with modality {r.spec.modality}, effect {r.spec.effect}")
            exp = expected_signature(r)
            for situation, seen in signature(r).items():
                if not seen <= exp[situation]:
                    out.append(f"{r.id} ({name}): {situation} → {sorted(seen)}, expected {sorted(exp[situation])}")
    return out


def _shipped_rules():
    return [r for city in available_packs() for r in load_pack(city).rules]


def test_structured_rules_of_the_shipped_packs_behave_alike():
    assert inconsistencies(_shipped_rules()) == []


def _as_structure(r, structure: str, question: str):
    """A shipped rule recompiled as naming ``structure`` (whatever the pack says today)."""
    from gridlaw.structures import problems_of

    spec = r.spec.model_copy(update={"structure": structure, "question": question})
    assert problems_of(spec) == [], r.id
    return _compile_rule(spec, r.file, r.line, "T", None)


def test_consistency_check_passes_real_rules_and_fails_when_one_behaves_differently():
    # the real conditions of Yancheng's hiring bars (art. 16 and others), whatever structure the pack names today
    structured = [_as_structure(r, "eligibility", "hiring") for r in load_pack("yancheng").rules
                  if r.spec.effect == "disqualified" and r.spec.act == "hire" and r.trigger is None
                  and not known_guards(r.spec)]
    assert len(structured) >= 4
    assert inconsistencies(structured) == []
    assert all(signature(r)["breached"] == {"violated"} for r in structured)

    # one rule made to answer "not applicable" when its facts are unknown (a hand-added known-guard)
    # (compiled from the rule's text: applicability is compiled as one condition, structures.applicability)
    first = structured[0]
    fact = next(iter(_probe_space(first)))
    guarded = _compile_rule(Rule.model_validate({**first.spec.model_dump(by_alias=True, exclude_none=True),
                                                 "when": {"fact": fact, "known": True}}), first.file, first.line, "T", None)
    found = inconsistencies([*structured[1:], guarded])
    assert found and all(f.startswith(guarded.id) for f in found)
    assert any("nothing known → ['not_applicable']" in f for f in found)

    # one rule made to go to review instead of being violated
    soft = copy.copy(structured[1])
    soft.outcomes = ("satisfied", "review", "unknown")
    found = inconsistencies([structured[0], soft])
    assert any(f.startswith(soft.id) and "breached → ['review']" in f for f in found)


def test_outcome_codes_cover_the_table():
    for s in STRUCTURES.values():
        assert {s.on_satisfied, s.on_breach, s.on_unknown} <= set(OUTCOME_CODES)


# --------------------------------------------------------------------------- the catalogue (docs/structures.md)

DOC = (__import__("pathlib").Path(__file__).resolve().parents[1] / "docs" / "structures.md").read_text("utf-8")


def test_catalogue_table_states_the_engine_table():
    import re

    rows = {m.group(1): [c.strip() for c in m.group(2).split("|")]
            for m in re.finditer(r"^\| (\w+) \|(.*)\|$", DOC, re.M) if m.group(1) in STRUCTURES}
    assert set(rows) == set(STRUCTURES)
    for name, s in STRUCTURES.items():
        modality, effect, held, breach, unknown = rows[name][:5]
        assert set(re.findall(r"[a-z_]+", modality)) & {"prohibition", "duty", "permission", "right", "scope",
                                                       "default_norm", "encouragement"} == set(s.modalities), name
        assert set(re.findall(r"[a-z_]+", effect)) == set(s.effects), name
        assert held.split(" (")[0] == s.on_satisfied and unknown == s.on_unknown, name
        assert breach == s.on_breach or (name == "definition" and breach.startswith("review with judgment")), name


def test_every_structure_has_one_catalogue_entry_whose_example_obeys_the_table():
    import re

    import yaml

    from gridlaw.acts import fact_vocabulary
    from gridlaw.structures import problems_of

    vocab = fact_vocabulary()
    seen = set()
    for heading, body in re.findall(r"^### (\w+) — .*?\n(.*?)(?=^### |^## |\Z)", DOC, re.M | re.S):
        examples = re.findall(r"```yaml\n(.*?)```", body, re.S)
        assert len(examples) == 1, heading
        data = yaml.safe_load(examples[0])
        data = data[0] if isinstance(data, list) else data
        assert data["structure"] == heading
        spec = Rule.model_validate({"id": "yancheng.art1.doc", "cite": {"article": 1}, "quote": "xx",
                                    "message": {"zh": "x"}, **{k: v for k, v in data.items() if k not in ("id", "cite", "quote")}})
        assert problems_of(spec) == [], heading
        for key in ("trigger", "exempt", "when", "require", "forbid"):
            for cmp in compares_in(getattr(spec, key)):
                assert cmp.fact in vocab[spec.act], (heading, cmp.fact)
                values = vocab[spec.act][cmp.fact].get("values")
                op, v = cmp.op
                if values and op != "known":
                    assert set(v if isinstance(v, list) else [v]) <= set(values), (heading, cmp.fact, v)
        seen.add(heading)
    assert seen == set(STRUCTURES)


# --------------------------------------------------------------------------- applicability belongs in `trigger`

GUARD = "when: {fact: candidate.criminal_record, known: true}"


def test_a_known_guard_is_a_located_warning_in_an_unmigrated_rule(tmp_path, monkeypatch):
    import gridlaw.loader as loader

    monkeypatch.setattr(loader, "ALL_PACKS_MIGRATED", False)  # the transition: a rule without a structure
    pack = compile_pack(_pack_with(tmp_path, GUARD), "yancheng", use_cache=False)
    hit = [str(w) for w in pack.warnings() if "yancheng.art16.probe" in str(w)]
    assert len(hit) == 1 and hit[0].startswith("yancheng/rules/zz_probe.yaml:2:")
    assert "requires candidate.criminal_record to be stated" in hit[0] and "declare it as `trigger`" in hit[0]


def test_a_known_guard_is_an_error_in_a_rule_that_names_its_structure(tmp_path):
    problems = _problems(_pack_with(tmp_path, "structure: eligibility\n" + GUARD))
    assert any("yancheng.art16.probe" in p and "declare it as `trigger`" in p and "rules[0].when" in p
               for p in problems), problems


def test_once_all_packs_migrated_guards_are_errors_and_structure_and_question_are_required(tmp_path, monkeypatch):
    import gridlaw.loader as loader

    monkeypatch.setattr(loader, "ALL_PACKS_MIGRATED", True)
    problems = _problems(_pack_with(tmp_path / "a", GUARD))
    assert any("yancheng.art16.probe" in p and "declare it as `trigger`" in p for p in problems), problems
    assert any(p.startswith("yancheng/rules/zz_probe.yaml:2: rules[0].id: yancheng.art16.probe names no structure")
               for p in problems), problems
    assert any("yancheng.art16.probe names no question" in p for p in problems), problems
    problems = _problems(_pack_with(tmp_path / "b", "structure: eligibility"))
    assert [p for p in problems if "probe" in p] == [
        "yancheng/rules/zz_probe.yaml:2: rules[0].id: yancheng.art16.probe names no question: "
        "every rule declares the question it answers in packs --matrix"]


def test_a_quote_matching_only_after_normalisation_is_a_located_warning(tmp_path):
    # script conversion is allowed (the Yancheng text is traditional; a simplified quote is verbatim) …
    base = PROBE.replace("quote: 受過刑事處罰或者涉嫌犯罪尚未結案的", "quote: 受过刑事处罚或者涉嫌犯罪尚未结案的")
    simplified = compile_pack(_pack_with(tmp_path / "a", MIGRATED, base), "yancheng", use_cache=False)
    assert not [w for w in simplified.warnings() if "yancheng.art16.probe" in str(w)]
    # … punctuation and width are not: an ASCII comma and brackets where the source has full-width ones
    base = PROBE.replace("cite: {article: 16, paragraph: 2, item: 1}\n    quote: 受過刑事處罰或者涉嫌犯罪尚未結案的",
                         "cite: {article: 18}\n    quote: 兼職網格員協助網格長、專職網格員開展工作,可以由國家工作人員")
    base = base.replace("yancheng.art16.probe", "yancheng.art18.probe")
    verbatim = compile_pack(_pack_with(tmp_path / "b", MIGRATED, base), "yancheng", use_cache=False)
    assert not [w for w in verbatim.warnings() if "probe" in str(w)]
    ascii_ = base.replace("開展工作,可以", "開展工作，可以")
    assert ascii_ != base
    pack = compile_pack(_pack_with(tmp_path / "c", MIGRATED, ascii_), "yancheng", use_cache=False)
    hit = [str(w) for w in pack.warnings() if "yancheng.art18.probe" in str(w)]
    assert len(hit) == 1 and hit[0].startswith("yancheng/rules/zz_probe.yaml:2: quote:")
    assert "only after normalising punctuation" in hit[0] and "'，'" in hit[0]
