"""The columnar evaluator agrees with the scalar one, row by row and rule by rule.

The scalar ``gridlaw.evaluate.evaluate`` is the oracle: thousands of random
acts of every kind (random unknowns, ages around the 18th birthday, dates on
both sides of the effective date, hedged and unhedged task texts) are checked
both ways under the Yancheng pack.
"""
from __future__ import annotations

import datetime as dt
import random

import numpy as np
import pytest

from gridlaw.acts import age_on, ACT_MODELS, _flatten, facts_of
from gridlaw.batch import OUTCOME_CODES, Columns, columns_from_facts, evaluate_columns
from gridlaw.checklist import Checklist
from gridlaw.evaluate import DECISIONS, evaluate
from gridlaw.loader import load_pack

SEED = 20240501
N = 3000
PACK = load_pack("yancheng")
ROLES = ["grid_leader", "full_time", "part_time", "grid_instructor", "micro_grid_leader"]
POSTS = ["party_org_member", "committee_member", "principal_leader", "full_time_worker", "township_cadre",
         "state_organ_cadre", "public_servant", "deputy_or_member", "mediator", "resident_representative",
         "volunteer", "party_member", "police_officer", "other"]
FIELDS = ["grid_name", "grid_area", "grid_leader_name", "grid_leader_phone", "full_time_names", "full_time_phones",
          "part_time_names", "part_time_phones", "instructor_name", "instructor_phone", "micro_grid_leader_names",
          "micro_grid_leader_phones", "police_officer_name", "service_matters", "duties", "supervision_phone"]
PLACES = ["main_activity_place", "prominent_place", "online", "service_center", "other"]
CONDUCT = ["leak_secrets", "private_gain", "falsification", "shirking", "rude_or_obstructive", "other_misconduct"]
NATURES = ["licensing", "penalty", "coercion", "other_administrative", "service"]
TEXTS = ["对焚烧秸秆当事人当场罚款", "协助查封违章建筑", "采集实有人口信息", "核发营业执照", "代履行拆除违法建筑",
         "走访独居老人", "宣传防诈骗知识", "扣押车辆并处罚款", "行政許可審批", "排查安全隐患", "没收违法所得",
         "告知当事人将被行政拘留", "调解邻里纠纷", "强制拆除"]
EFFECTIVE = PACK.meta.effective


class Gen:
    def __init__(self, seed: int, p_none: float = 0.25):
        self.r = random.Random(seed)
        self.p_none = p_none

    def maybe(self, value):
        return None if self.r.random() < self.p_none else value

    def b(self):
        return self.maybe(self.r.random() < 0.5)

    def pick(self, options):
        return self.maybe(self.r.choice(options))

    def subset(self, options, k=4):
        return self.maybe(self.r.sample(options, self.r.randint(0, k)))

    def date(self):
        return EFFECTIVE + dt.timedelta(days=self.r.randint(-120, 1500))

    def base(self, kind):
        return {"kind": kind, "city": "yancheng", "date": self.date(), "id": f"r{self.r.randint(0, 10**6)}"}

    def person(self, day):
        r = self.r
        p = {name: self.b() for name in (
            "citizen", "political_integrity", "education_ok", "health_ok", "criminal_record", "under_investigation",
            "administrative_detention", "judicial_detention", "dismissed_from_public_office", "dishonest_person",
            "pre_job_training", "resident")}
        # mostly clean candidates, so that the interesting outcomes are not always "violated"
        for name in ("criminal_record", "under_investigation", "administrative_detention", "judicial_detention",
                     "dismissed_from_public_office", "dishonest_person"):
            if p[name] is not None and r.random() < 0.6:
                p[name] = False
        for name in ("citizen", "political_integrity", "education_ok", "health_ok", "pre_job_training"):
            if p[name] is not None and r.random() < 0.6:
                p[name] = True
        how = r.random()
        if how < 0.45:  # birth date near the 18th birthday
            try:
                eighteenth = day.replace(year=day.year - 18)
            except ValueError:
                eighteenth = day.replace(year=day.year - 18, day=28)
            p["birth_date"] = eighteenth + dt.timedelta(days=r.randint(-3, 3) if r.random() < 0.5 else r.randint(-15000, 400))
        elif how < 0.65:
            p["age"] = r.randint(14, 70)
        elif how < 0.75:  # both given: they must agree (acts.Hire/Exit reject a mismatch)
            p["birth_date"] = day - dt.timedelta(days=r.randint(5000, 20000))
            p["age"] = age_on(p["birth_date"], day)
        p["posts"] = self.subset(POSTS)
        return p

    def hire(self):
        a = self.base("hire")
        a["role"] = self.r.choice(ROLES + ["full_time"] * 3)
        a["recruited_by"] = self.pick(["township_unified", "township_unified", "other"])
        for name in ("determined_jointly", "community_worker_terms", "social_insurance"):
            a[name] = self.b()
        a["candidate"] = self.person(a["date"])
        return a

    def exit(self):
        a = self.base("exit")
        a["role"] = self.r.choice(ROLES + ["full_time"] * 3)
        if self.r.random() < 0.8:
            a["still_serving"] = self.r.random() < 0.8
        w = self.person(a["date"])
        w["serious_harm"] = self.b()
        w["incompetent_after_training"] = self.b()
        w["other_exit_ground"] = self.b()
        w["conduct"] = self.subset(CONDUCT, 2)
        a["transferred_to_other_department"] = self.b()
        a["transfer_arbitrary"] = self.b()
        if self.r.random() < 0.6:
            years = self.r.sample(range(2015, 2025), self.r.randint(0, 5))
            w["appraisals"] = [{"year": y, "passed": self.r.random() < 0.6} for y in years]
        if self.r.random() < 0.15:
            w["consecutive_failed_years"] = self.r.randint(0, 3)
        a["worker"] = w
        return a

    def task(self):
        t = {"text": self.r.choice(TEXTS)}
        t["nature"] = self.pick(NATURES) if self.r.random() < 0.4 else None
        for name in ("on_checklist", "checklist_published", "catch_all", "unlawful", "administrative_staff_only",
                     "assists_power_act", "consent_of_agency", "with_staff_and_funds"):
            t[name] = self.b()
        return t

    def assignment(self):
        a = self.base("assignment")
        a["role"] = self.pick(ROLES)
        a["task"] = self.task()
        return a

    def notice(self):
        a = self.base("notice")
        a["publisher"] = self.r.choice(["township", "township", "grid_agency", "village_committee", "department", "other"])
        a["fields"] = self.r.sample(FIELDS, self.r.randint(0, len(FIELDS))) if self.r.random() < 0.5 else \
            FIELDS[:6] + self.r.sample(FIELDS[6:], self.r.randint(0, 3))
        a["places"] = self.subset(PLACES, 3)
        a["staff_or_area_changed"] = self.b()
        a["updated_after_change"] = self.b()
        a["full_time_workers"] = self.maybe(self.r.randint(0, 2))
        return a

    def admission(self):
        a = self.base("admission")
        a["matter"] = self.task()
        a["target"] = self.pick(["comprehensive_grid", "exclusive_grid"])
        a["provides"] = {name: (self.b() if self.r.random() < 0.5 else True) for name in
                         ("grid_division", "staffing", "funding", "data_fusion", "training", "venue", "guidance")}
        a["approved_by"] = self.pick(["city_agency", "county_agency", "township", "none"])
        a["published"] = self.b()
        return a

    def grid(self):
        a = self.base("grid")
        a["grid_type"] = self.pick(["comprehensive", "exclusive", "micro"])
        a["area"] = self.pick(["urban", "rural"])
        a["households"] = self.maybe(self.r.randint(50, 700))
        a["unit"] = self.pick(["village_group", "residential_compound", "building", "street", "new_village_cluster", "other"])
        a["divided_by"] = self.pick(["township", "county_agency", "city_agency", "other_department"])
        a["overlaps_comprehensive_grid"] = self.b()
        a["full_time_workers"] = self.maybe(self.r.randint(0, 3))
        a["township_population"] = self.maybe(self.r.randint(20000, 200000))
        a["township_seat_operators"] = self.maybe(self.r.randint(0, 4))
        a["village_seat_operators"] = self.maybe(self.r.randint(0, 2))
        return a


KINDS = ["hire", "exit", "notice", "admission", "assignment", "grid"]


def generate(kind: str, n: int, seed: int = SEED):
    gen = Gen(seed + KINDS.index(kind))
    model = ACT_MODELS[kind]
    return [model.model_validate(getattr(gen, kind)()) for _ in range(n)]


def raw_facts(act) -> dict:
    """The act flattened *without* derived facts, so that evaluate_columns must derive them."""
    flat: dict = {}
    _flatten(act.model_dump(exclude_none=True), "", flat)
    return flat


def as_object_columns(cols: Columns) -> Columns:
    """Every column as an object array (the slow, generic paths)."""
    data = {}
    for name, arr in cols.data.items():
        obj = np.empty(cols.n, dtype=object)
        vals = arr.tolist() if arr.dtype.kind != "M" else [None if np.isnat(v) else v.astype(object) for v in arr]
        obj[:] = [v if k else None for v, k in zip(vals, cols.known[name].tolist())]
        data[name] = obj
    return Columns(cols.n, data, {})


def assert_same(acts, result, checklist=None, scalar=None):
    ids = [r.id for r in result.rules]
    assert ids == [r.id for r in PACK.by_kind.get(acts[0].kind, [])]
    bad = []
    for i, act in enumerate(acts):
        d = scalar[i] if scalar is not None else evaluate(PACK, act, checklist)
        got = result.decision(i)
        if got != d.decision:
            bad.append((i, "decision", d.decision, got))
            continue
        if d.decision != "not_in_force":
            want = [f.outcome for f in d.findings]
            have = [OUTCOME_CODES[c] for c in result.outcomes[:, i]]
            if want != have:
                bad.append((i, "outcomes", list(zip(ids, want, have))))
        if result.deciding_rules(i) != d.deciding_rules:
            bad.append((i, "deciding", d.deciding_rules, result.deciding_rules(i)))
        if result.missing_facts(i) != [m.fact for m in d.missing]:
            bad.append((i, "missing", [m.fact for m in d.missing], result.missing_facts(i)))
        if [x.to_dict() for x in result.inferences(i)] != \
                [x.to_dict() for x in d.inferences if x.fact.endswith(".nature")]:
            bad.append((i, "inferences", d.inferences, result.inferences(i)))
    assert not bad, f"{len(bad)} rows differ, first: {bad[:3]}"


@pytest.mark.parametrize("kind", KINDS)
def test_batch_matches_scalar(kind):
    acts = generate(kind, N)
    # from facts_of (derived facts already there) …
    scalar = [evaluate(PACK, a) for a in acts]
    res = evaluate_columns(PACK, kind, columns_from_facts([facts_of(a) for a in acts]))
    assert_same(acts, res, scalar=scalar)
    # … and from raw fields, so that age / consecutive failed years / nature are derived in batch
    raw = columns_from_facts([raw_facts(a) for a in acts])
    res2 = evaluate_columns(PACK, kind, raw)
    assert_same(acts, res2, scalar=scalar)
    assert (res2.outcomes == res.outcomes).all() and (res2.decisions == res.decisions).all()
    # every column as an object array takes the generic paths and must agree too
    res3 = evaluate_columns(PACK, kind, as_object_columns(raw))
    assert (res3.outcomes == res.outcomes).all() and (res3.decisions == res.decisions).all()
    counts = res.decision_counts()
    assert sum(counts.values()) == N
    if kind != "grid":  # a spread of decisions, or the oracle proves little
        assert len(counts) >= 3, counts


def test_unicode_columns():
    """Enum columns given as numpy unicode arrays (not object) take the same semantics."""
    acts = generate("hire", 1000)
    cols = columns_from_facts([facts_of(a) for a in acts])
    want = evaluate_columns(PACK, "hire", cols)
    for name in ("role", "recruited_by", "city", "kind"):
        cols.data[name] = np.array([v if v is not None else "" for v in cols.data[name].tolist()], dtype=str)
    got = evaluate_columns(PACK, "hire", cols)
    assert (got.outcomes == want.outcomes).all() and (got.decisions == want.decisions).all()


def test_hire_covers_roles_and_outcomes():
    acts = generate("hire", N)
    res = evaluate_columns(PACK, "hire", columns_from_facts([facts_of(a) for a in acts]))
    seen = {(r.id, OUTCOME_CODES[c]) for j, r in enumerate(res.rules) for c in np.unique(res.outcomes[j])}
    for rule in res.rules:
        # a triggered rule, or one whose structure makes an unknown not_applicable, is never unknown
        assert (rule.id, "satisfied") in seen, rule.id
        assert (rule.id, "unknown") in seen or rule.trigger is not None or rule.outcomes[2] != "unknown", rule.id
        assert (rule.id, "violated") in seen or rule.spec.modality == "permission", rule.id


def test_assignment_with_checklist():
    acts = generate("assignment", 1500)
    cl = Checklist(county="亭湖区", published=EFFECTIVE + dt.timedelta(days=300), matters=["采集實有人口信息", "排查安全隐患"])
    res = evaluate_columns(PACK, "assignment", columns_from_facts([raw_facts(a) for a in acts]), checklist=cl)
    assert_same(acts, res, cl)


def test_hand_written_case():
    day = dt.date(2024, 5, 1)
    facts = [
        # 0: clean full-time candidate, 18 today
        {"kind": "hire", "city": "yancheng", "date": day, "role": "full_time", "recruited_by": "township_unified",
         "candidate.birth_date": dt.date(2006, 5, 1), "candidate.citizen": True,
         "candidate.political_integrity": True, "candidate.education_ok": True, "candidate.health_ok": True,
         "candidate.criminal_record": False, "candidate.under_investigation": False,
         "candidate.administrative_detention": False, "candidate.judicial_detention": False,
         "candidate.dismissed_from_public_office": False, "candidate.dishonest_person": False,
         "candidate.pre_job_training": True},
        # 1: same, one day short of 18, and a criminal record unknown
        {"kind": "hire", "city": "yancheng", "date": day, "role": "full_time", "recruited_by": "township_unified",
         "candidate.birth_date": dt.date(2006, 5, 2), "candidate.citizen": True},
        # 2: a principal leader as grid leader; any(true, unknown) on the other branch
        {"kind": "hire", "city": "yancheng", "date": day, "role": "grid_leader",
         "candidate.posts": ("committee_member", "principal_leader")},
        # 3: a full-time worker as grid leader: satisfied (how the leader is determined not stated: not checked)
        {"kind": "hire", "city": "yancheng", "date": day, "role": "grid_leader", "candidate.posts": ("full_time_worker",)},
        # 4: before the regulation took effect
        {"kind": "hire", "city": "yancheng", "date": dt.date(2021, 12, 7), "role": "full_time"},
        # 5: part-time, nothing known: a permission never restricts → not_addressed
        {"kind": "hire", "city": "yancheng", "date": day, "role": "part_time"},
    ]
    res = evaluate_columns(PACK, "hire", columns_from_facts(facts))
    assert [res.decision(i) for i in range(6)] == [
        "compliant", "non_compliant", "non_compliant", "compliant", "not_in_force", "not_addressed"]
    assert res.deciding_rules(1) == ["yancheng.art16.adult-citizen"]
    assert res.deciding_rules(2) == ["yancheng.art14.grid-leader-eligibility"]
    assert res.deciding_rules(5) == []
    assert res.missing_facts(5) == []
    assert res.decision_counts() == {"not_in_force": 1, "non_compliant": 2, "not_addressed": 1, "compliant": 2}
    # the same rows through the scalar path
    for i, f in enumerate(facts):
        act = _unflatten({k: list(v) if isinstance(v, tuple) else v for k, v in f.items()})
        act.setdefault("candidate", {})
        assert evaluate(PACK, ACT_MODELS["hire"].model_validate(act)).decision == res.decision(i)


def test_three_valued_nodes():
    """all(true, unknown) = unknown, any(true, unknown) = true, not unknown = unknown — on columns."""
    from gridlaw.batch import _Ctx, compile_cond
    from gridlaw.packspec import RuleFile

    cond = RuleFile.model_validate({"rules": [{
        "id": "yancheng.art1.x", "act": "hire", "cite": {"article": 1}, "quote": "xx", "modality": "duty",
        "effect": "disqualified", "message": {"zh": "x"},
        "require": {"all": [{"fact": "a", "eq": True}, {"any": [{"fact": "b", "eq": True}, {"not": {"fact": "c", "eq": True}}]}]},
    }]}).rules[0].require
    fn = compile_cond(cond)
    # rows: a, b, c  (None = unknown)
    rows = [(True, None, None), (True, True, None), (None, True, True), (False, None, None), (True, None, False),
            (True, False, True)]
    cols = columns_from_facts([{k: v for k, v in zip("abc", r) if v is not None} for r in rows])
    for name in "abc":
        cols.data.setdefault(name, np.zeros(len(rows), dtype=bool))
        cols.known.setdefault(name, np.zeros(len(rows), dtype=bool))
    t, f = fn(_Ctx(cols, cols.data, cols.known))
    got = [True if x else False if y else None for x, y in zip(t, f)]
    assert got == [None, True, None, False, True, False]


def _unflatten(flat: dict) -> dict:
    out: dict = {}
    for key, value in flat.items():
        *head, last = key.split(".")
        d = out
        for h in head:
            d = d.setdefault(h, {})
        d[last] = value
    return out


def test_decisions_index_evaluate_decisions():
    assert DECISIONS[0] == "not_in_force"


def test_missing_appraisal_year_is_unknown_on_both_paths():
    """A year missing inside the appraisal record is unknown, not passed (three-valued)."""
    from gridlaw.acts import _consecutive_failed
    f, p = False, True
    cases = [([(2021, f), (2023, f)], None),            # 2022 missing could join them
             ([(2021, f), (2022, p), (2023, f)], 1),    # stated pass breaks the run
             ([(2020, f), (2021, f), (2023, p)], 2),    # a run of two is established whatever 2022 was
             ([(2020, p), (2022, p)], 0),               # a gap between passes cannot make a run
             ([(2020, f), (2022, p)], None),            # a failure beside the gap could be two in a row
             ([(2019, f), (2020, p), (2022, p)], 1),    # the gap touches no failure
             ([], 0)]
    for rows, want in cases:
        assert _consecutive_failed([{"year": y, "passed": ok} for y, ok in rows]) == want, rows
    day = dt.date(2024, 3, 1)
    acts = [ACT_MODELS["exit"].model_validate(
        {"kind": "exit", "city": "yancheng", "date": day, "role": "full_time",
         "worker": {"appraisals": [{"year": y, "passed": ok} for y, ok in rows]}}) for rows, _ in cases]
    res = evaluate_columns(PACK, "exit", columns_from_facts([raw_facts(a) for a in acts]))
    for i, (a, (_, want)) in enumerate(zip(acts, cases)):
        assert facts_of(a).get("worker.consecutive_failed_years") == want
        assert res.decision(i) == evaluate(PACK, a).decision
    assert "worker.consecutive_failed_years" in res.missing_facts(0)
