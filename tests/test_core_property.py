"""Property (issue 15 §7): any act evaluated alone (``gridlaw.check``, the scalar executor) and inside a
batch of 10,000 others (the columnar executor over the same compiled program, as the audit runs it)
gets the identical answer: the decision, the verdict on every question (layer by layer), the
findings, the deciding rules and the missing facts.

The acts come from test_batch's generator (random unknowns, ages around the 18th birthday, task texts
with and without a stated nature), with any of the five cities and a date from 2019 to 2026, so that
cities before their regulation, both versions of the penalty law and the checklist switch are all
crossed, with or without a checklist file. The batch is built from the raw fields, so the columnar path derives ages, the appraisal
run and the reading of task texts itself."""
from __future__ import annotations

import datetime as dt
import functools
import random

from hypothesis import HealthCheck, given, settings, strategies as st

import gridlaw
from gridlaw.acts import ACT_MODELS
from gridlaw.batch import OUTCOME_CODES, columns_from_facts, evaluate_columns
from gridlaw.checklist import Checklist
from gridlaw.layers import load_target
from gridlaw.loader import CITIES
from gridlaw.program import compile_stack
from test_batch import KINDS, Gen, raw_facts

OTHERS = 10_000
FIRST, LAST = dt.date(2019, 1, 1), dt.date(2026, 12, 31)
# the days on which some law in the stack starts: the penalty law's revision and each city's regulation
EDGES = [dt.date(2021, 7, 15), dt.date(2020, 1, 1), dt.date(2021, 10, 1), dt.date(2021, 12, 8), dt.date(2024, 2, 1),
         dt.date(2024, 4, 1)]
# a county checklist published mid-2024 (acts before it see a list not yet in force), holding two of the texts
CHECKLIST = Checklist(county="某县", published=dt.date(2024, 6, 1), matters=["采集實有人口信息", "排查安全隐患", "走访独居老人"])
DAYS = st.one_of(st.dates(FIRST, LAST),
                 st.builds(lambda d, k: d + dt.timedelta(days=k), st.sampled_from(EDGES), st.integers(-2, 1)))


def _act(kind: str, city: str, seed: int, day: dt.date):
    a = getattr(Gen(seed), kind)()
    a["city"], a["date"] = city, day
    for who in ("candidate", "worker"):   # a stated age must agree with the birth date on the new day
        p = a.get(who)
        if p and p.get("birth_date") and p.get("age") is not None:
            p.pop("age")
    return ACT_MODELS[kind].model_validate(a)


@functools.lru_cache(maxsize=None)
def _others(kind: str) -> list[dict]:
    r = random.Random(kind)
    span = (LAST - FIRST).days
    return [raw_facts(_act(kind, r.choice(CITIES), r.randrange(10**9), FIRST + dt.timedelta(days=r.randrange(span))))
            for _ in range(OTHERS)]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(kind=st.sampled_from(KINDS), city=st.sampled_from(CITIES), seed=st.integers(0, 10**9), day=DAYS,
       where=st.integers(0, OTHERS), checklist=st.sampled_from([None, CHECKLIST]))
def test_an_act_alone_and_in_a_batch_of_ten_thousand_gets_the_same_answer(kind, city, seed, day, where, checklist):
    act = _act(kind, city, seed, day)
    alone = gridlaw.check(act, checklist)
    rows = list(_others(kind))
    rows.insert(where, raw_facts(act))
    res = evaluate_columns(compile_stack(load_target(city)), kind, columns_from_facts(rows), checklist)
    i = where
    assert res.decision(i) == alone.decision
    assert [a.to_dict() for a in res.questions(i)] == alone.to_dict()["questions"]
    assert {r: OUTCOME_CODES[c] for r, c in zip(res.rule_ids, res.outcomes[:, i].tolist()) if c} == \
        {f.rule_id: f.outcome for f in alone.findings if f.outcome != "not_applicable" and not f.displaced_by}
    assert res.deciding_rules(i) == alone.deciding_rules
    assert res.missing_facts(i) == [m.fact for m in alone.missing]
    assert [c.to_dict() for c in res.conflicts(i)] == alone.conflicts
