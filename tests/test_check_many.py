"""``gridlaw.check_many`` answers every act exactly as ``gridlaw.check`` answers it alone (issue 15 §6a).

The oracle is ``gridlaw.check`` itself, act by act: the decision and the ids of the counted violated,
unknown and review findings, or, for bad input, the very problems ``check`` raises. Batches mix
plain dicts (dates as dates and as ISO strings, nulls for unknown facts), written forms (盐城, 是,
2024/5/1), near misses of every field type (the act models' own generator in test_acts_compiled),
dates numpy reads but the models refuse, ID numbers and phones, models, and every kind and city.
"""
from __future__ import annotations

import copy
import datetime as dt
import random

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

import gridlaw
from gridlaw.errors import InputError
from test_acts_compiled import ACTS
from test_batch import KINDS, Gen

CITIES = ["yancheng", "binzhou", "quzhou", "zigong", "jiaxing"]


def alone(act, checklist=None):
    try:
        d = gridlaw.check(copy.deepcopy(act), checklist)
    except InputError as exc:
        return None, tuple(exc.problems)

    def ids(outcome):
        return tuple(f.rule_id for f in d.findings if f.outcome == outcome and not f.displaced_by)

    return d.decision, ids("violated"), ids("unknown"), ids("review")


def seen(c):
    return (None, c.problems) if c.decision is None else (c.decision, c.violated, c.unknown, c.review)


def plain(act: dict, r: random.Random, iso: float = 0.7) -> dict:
    """The generator's act as a platform passes it: dates as ISO strings (share ``iso``) or dates, city any of five."""
    act = copy.deepcopy(act)
    act["city"] = r.choice(CITIES)
    for node in (act, act.get("candidate"), act.get("worker")):
        if isinstance(node, dict):
            for k, v in node.items():
                if isinstance(v, dt.date) and r.random() < iso:
                    node[k] = v.isoformat()
    return act


def batch(n: int, seed: int, kinds=KINDS, iso: float = 0.7) -> list[dict]:
    r = random.Random(seed)
    gens = {k: Gen(seed + i) for i, k in enumerate(KINDS)}
    return [plain(getattr(gens[k], k)(), r, iso) for k in (r.choice(kinds) for _ in range(n))]


# Written forms and near misses the column check must not vouch for: each goes through act_data alone.
ODD = [
    ("date", "2024-02-30"), ("date", "2024-5-1"), ("date", " 2024-05-01"), ("date", "2024-05"), ("date", "NaT"),
    ("date", "0000-01-01"), ("date", "２０２４-05-01"), ("date", "2024-05-01T00"), ("date", "20240501"),
    ("date", "2024/5/1"), ("date", "2024年5月1日"), ("date", None), ("date", dt.datetime(2024, 5, 1)),
    ("city", "盐城"), ("city", "nowhere"), ("kind", "人员聘用"), ("role", "专职网格员"), ("role", None),
    ("candidate.citizen", "是"), ("candidate.citizen", 1), ("candidate.citizen", "否"), ("candidate.health_ok", None),
    ("candidate.birth_date", "1990/2/3"), ("candidate.birth_date", "2030-01-01"), ("candidate.age", 17),
    ("candidate.age", -1), ("candidate.id_number", "32092119900101001X"), ("candidate.id_number", "320921199001010011"),
    ("candidate.id_number", "12345"), ("candidate.phone", "13812345678"), ("candidate.phone", "123"),
    ("candidate.name", " 张三"), ("candidate.name", "张三"), ("candidate.posts", ["volunteer"]), ("candidate.posts", "x"),
    ("candidate.unknown_field", True), ("unknown_field", 1), ("recruited_by", "统一招聘"), ("recruited_by", "nobody"),
    ("id", 5), ("candidate", None), ("candidate", "x"),
]


def _set(act: dict, path: str, value):
    node = act
    *head, last = path.split(".")
    for k in head:
        if not isinstance(node.get(k), dict):
            return
        node = node[k]
    node[last] = value


def test_a_mixed_batch_gets_what_each_act_gets_alone():
    acts = batch(1500, 7)
    r = random.Random(11)
    hires = [a for a in acts if a["kind"] == "hire"]
    for path, value in ODD:                     # each near miss on a few hire acts, in place
        for a in r.sample(hires, 3):
            _set(a, path, copy.deepcopy(value))
    acts.append(gridlaw.parse_act({**batch(1, 3, ["hire"])[0], "city": "yancheng"}))   # a model
    acts += [None, [], "hire", {"kind": ["hire"], "city": "yancheng"}, {"city": {"x": 1}, "kind": "hire"}]
    got = gridlaw.check_many(acts)
    assert len(got) == len(acts)
    assert [seen(g) for g in got] == [alone(a) for a in acts]
    decided = {g.decision for g in got}
    assert {None, "compliant", "non_compliant", "insufficient_facts", "not_in_force"} <= decided, decided


@pytest.mark.parametrize("iso", [1.0, 0.7, 0.0])
@pytest.mark.parametrize("path,value", ODD)
def test_each_near_miss_inside_a_clean_batch(path, value, iso):
    # iso 1.0: every date an ISO string, so numpy reads the date columns (the shape check decides)
    acts = batch(60, 5, ["hire"], iso)
    _set(acts[17], path, copy.deepcopy(value))
    assert [seen(g) for g in gridlaw.check_many(acts)] == [alone(a) for a in acts]


def test_one_act_alone_and_among_ten_thousand_others():
    others = batch(10_000, 21)
    r = random.Random(4)
    probes = batch(40, 99)
    for probe in probes:
        where = r.randrange(len(others) + 1)
        acts = others[:where] + [probe] + others[where:]
        got = gridlaw.check_many(acts)
        assert seen(got[where]) == alone(probe)
    # and every one of the ten thousand, against check alone (the first 2,000, for time)
    got = gridlaw.check_many(others)
    assert [seen(g) for g in got[:2000]] == [alone(a) for a in others[:2000]]


def test_equal_answers_share_one_tuple_and_the_checklist_decides_as_in_check():
    from test_core_property import CHECKLIST

    acts = batch(400, 8, ["assignment", "admission"])
    got = gridlaw.check_many(acts, CHECKLIST)
    assert [seen(g) for g in got] == [alone(a, CHECKLIST) for a in acts]
    same = [g for g in got if seen(g) == seen(got[0])]
    assert len(same) > 1 and all(g is same[0] for g in same)


@settings(max_examples=60, deadline=None, derandomize=True, database=None, suppress_health_check=list(HealthCheck))
@given(st.lists(ACTS, min_size=1, max_size=12), st.randoms(use_true_random=False))
def test_generated_acts_of_every_kind_near_misses_included(acts, r):
    for a in acts:
        a.setdefault("city", r.choice(CITIES)) if isinstance(a, dict) else None
    assert [seen(g) for g in gridlaw.check_many(acts)] == [alone(a) for a in acts]


def test_an_empty_batch():
    assert gridlaw.check_many([]) == []


def alone_under(act, **over):
    try:
        d = gridlaw.check(copy.deepcopy(act), **over)
    except InputError as exc:
        return None, tuple(exc.problems)

    def ids(outcome):
        return tuple(f.rule_id for f in d.findings if f.outcome == outcome and not f.displaced_by)

    return d.decision, ids("violated"), ids("unknown"), ids("review")


@pytest.mark.parametrize("over", [{"city": "binzhou"}, {"city": "zigong", "national": False}, {"pack": "quzhou"},
                                  {"pack": "penaltylaw"}, {"city": "quzhou", "pack": "quzhou"}])
def test_city_and_pack_overrides_answer_as_check_does(over):
    acts = batch(300, 11)
    for i in range(0, 300, 37):       # bad acts among them keep their own problems
        _set(acts[i], "date", "2024-02-30")
    got = [seen(c) for c in gridlaw.check_many(copy.deepcopy(acts), **over)]
    want = [alone_under(a, **over) for a in acts]
    assert got == want
    assert sum(g[0] is None for g in got) >= 8 and len({g[0] for g in got}) >= 3


def test_a_county_pack_answers_for_its_own_city_only():
    from pathlib import Path

    county = str(Path(__file__).resolve().parents[1] / "examples" / "examplecounty")
    acts = batch(120, 12)
    for i in range(0, 120, 3):
        acts[i]["city"] = "yancheng"
    acts[5]["date"] = "2024-13-01"
    got = [seen(c) for c in gridlaw.check_many(copy.deepcopy(acts), pack=county)]
    want = [alone_under(a, pack=county) for a in acts]
    assert got == want
    foreign = [g for g, a in zip(got, acts) if a["city"] != "yancheng" and g[0] is None]
    assert foreign and all(p.path == "city" for g in foreign for p in g[1] if "pack" in p.message)
