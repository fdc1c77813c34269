"""durable-rules as an independent oracle for the Yancheng full-time hiring rules.

The conditions of art. 15(1), art. 16 (items of both paragraphs) and art. 43
are written a second time, by hand, as durable-rules rules — one rule per
check, each naming the gridlaw rule id it mirrors. Candidates are *asserted*
as facts and retracted after (a plain ``post`` fires one action per event, so
a record breaking two rules at once would report only one), so every rule a
candidate breaks fires. durable raises ``MessageNotHandledException`` when no
rule matches a fact: that is a clean candidate, not an error.

durable-rules keeps its rulesets in process-global state and once hung on a
catch-all rule, so it runs in a child process with a timeout, and no rule
here is a catch-all. The benchmark (benchmarks/bench.py) reuses
:func:`define_hire_ruleset` and :func:`durable_run`, so the rules it times are
the ones checked here.

If durable-rules is not installed the test fails (it is in the ``test`` extra).
"""
from __future__ import annotations

import datetime as dt
import multiprocessing
import queue
import random
import time
from typing import Any, Callable, Iterable

FULL_TIME_RULES = (
    "yancheng.art15.unified-recruitment",
    "yancheng.art16.political-integrity",
    "yancheng.art16.adult-citizen",
    "yancheng.art16.education-and-ability",
    "yancheng.art16.physical-fitness",
    "yancheng.art16.no-criminal-record",
    "yancheng.art16.no-detention",
    "yancheng.art16.not-dismissed",
    "yancheng.art16.not-dishonest",
    "yancheng.art43.pre-job-training",
)
EFFECTIVE = dt.date(2021, 12, 8)
TIMEOUT_S = 120


def define_hire_ruleset(name: str, sink: Callable[[Any, str], None]) -> None:
    """The full-time hiring checks as a durable ruleset; each firing calls sink(record id, gridlaw rule id)."""
    from durable.lang import m, ruleset, when_all

    ft = m.role == "full_time"
    checks = {
        "yancheng.art15.unified-recruitment": ft & (m.recruited_by != "township_unified"),
        "yancheng.art16.political-integrity": ft & (m.political_integrity == False),  # noqa: E712
        "yancheng.art16.adult-citizen": ft & ((m.age < 18) | (m.citizen == False)),  # noqa: E712
        "yancheng.art16.education-and-ability": ft & (m.education_ok == False),  # noqa: E712
        "yancheng.art16.physical-fitness": ft & (m.health_ok == False),  # noqa: E712
        "yancheng.art16.no-criminal-record": ft & ((m.criminal_record == True) | (m.under_investigation == True)),  # noqa: E712
        "yancheng.art16.no-detention": ft & ((m.administrative_detention == True) | (m.judicial_detention == True)),  # noqa: E712
        "yancheng.art16.not-dismissed": ft & (m.dismissed_from_public_office == True),  # noqa: E712
        "yancheng.art16.not-dishonest": ft & (m.dishonest_person == True),  # noqa: E712
        "yancheng.art43.pre-job-training": ft & (m.pre_job_training == False),  # noqa: E712
    }
    assert tuple(checks) == FULL_TIME_RULES
    with ruleset(name):
        for rule_id, cond in checks.items():
            when_all(cond)(_action(rule_id, sink))


def _action(rule_id: str, sink: Callable[[Any, str], None]) -> Callable[[Any], None]:
    # Exactly one parameter: durable treats a two-parameter action as asynchronous (c, complete)
    # and waits for the callback — a default argument here once made every later fact hang.
    def action(c):
        sink(c.m.rid, rule_id)
    action.__name__ = "r_" + rule_id.replace(".", "_").replace("-", "_")
    return action


def durable_run(facts: Iterable[dict], name: str = "yancheng_hire", budget_s: float | None = None) -> dict:
    """Assert and retract each fact; {"violations": {rid: [rule ids]}, "done": n, "seconds": t}.

    Stops early (after whole facts) once ``budget_s`` seconds have passed."""
    from durable.engine import MessageNotHandledException
    from durable.lang import assert_fact, retract_fact

    found: dict[Any, list[str]] = {}
    define_hire_ruleset(name, lambda rid, rule_id: found.setdefault(rid, []).append(rule_id))
    done = 0
    start = time.perf_counter()
    for fact in facts:
        try:
            assert_fact(name, fact)
        except MessageNotHandledException:
            done += 1          # nothing matched: a clean candidate; durable keeps no fact then
        else:
            retract_fact(name, fact)
            done += 1
        if budget_s is not None and (done & 63) == 0 and time.perf_counter() - start > budget_s:
            break
    return {"violations": found, "done": done, "seconds": time.perf_counter() - start}


def _child(facts: Iterable[dict], name: str, budget_s: float | None, out: Any) -> None:
    try:
        out.put(("ok", durable_run(facts, name, budget_s)))
    except BaseException as exc:  # report, don't hang the parent
        out.put(("error", f"{type(exc).__name__}: {exc}"))


def durable_isolated(facts: Iterable[dict], name: str = "yancheng_hire", budget_s: float | None = None,
                     timeout_s: float = TIMEOUT_S) -> dict:
    """durable_run in a child process, killed (that child only) if it exceeds timeout_s.

    The child is forked, so ``facts`` may be a lazy generator over the parent's data."""
    ctx = multiprocessing.get_context("fork")
    out = ctx.Queue()
    proc = ctx.Process(target=_child, args=(facts, name, budget_s, out), daemon=True)
    proc.start()
    try:
        status, payload = out.get(timeout=timeout_s)
    except queue.Empty:
        proc.kill()
        proc.join()
        raise TimeoutError(f"durable-rules did not finish in {timeout_s} s") from None
    proc.join(timeout=10)
    if status != "ok":
        raise RuntimeError(f"durable-rules failed: {payload}")
    return payload


# --------------------------------------------------------------------------- generated candidates


def age_independent(birth: dt.date, day: dt.date) -> int:
    """Completed years, computed differently from gridlaw.acts.age_on (birthday this year, 29 Feb → 1 Mar)."""
    try:
        birthday = birth.replace(year=day.year)
    except ValueError:
        birthday = dt.date(day.year, 3, 1)
    return day.year - birth.year - (1 if day < birthday else 0)


BOOLS = ("citizen", "political_integrity", "education_ok", "health_ok", "criminal_record", "under_investigation",
         "administrative_detention", "judicial_detention", "dismissed_from_public_office", "dishonest_person",
         "pre_job_training")
GOOD = {"citizen": True, "political_integrity": True, "education_ok": True, "health_ok": True,
        "criminal_record": False, "under_investigation": False, "administrative_detention": False,
        "judicial_detention": False, "dismissed_from_public_office": False, "dishonest_person": False,
        "pre_job_training": True}


def candidates(n: int, seed: int = 7) -> list[dict]:
    """Fully-known hire acts (as dicts gridlaw accepts); each fact is 'bad' with probability ~0.12."""
    r = random.Random(seed)
    acts = []
    for i in range(n):
        day = EFFECTIVE + dt.timedelta(days=r.randint(0, 1500))
        if r.random() < 0.3:  # around the 18th birthday, Feb 29 included
            birth = dt.date(day.year - 18, day.month, min(day.day, 28)) + dt.timedelta(days=r.randint(-2, 2))
            if r.random() < 0.1:
                birth = dt.date(2004, 2, 29)
                day = dt.date(2022, 2, r.choice([27, 28])) if r.random() < 0.5 else dt.date(2022, 3, 1)
        else:
            birth = day - dt.timedelta(days=r.randint(16 * 365, 60 * 365))
        cand = {k: (not v) if r.random() < 0.12 else v for k, v in GOOD.items()}
        cand["birth_date"] = birth
        cand["posts"] = r.sample(["committee_member", "full_time_worker", "volunteer", "principal_leader"], r.randint(0, 2))
        acts.append({"kind": "hire", "city": "yancheng", "date": day, "id": f"c{i}",
                     "role": r.choice(["full_time"] * 4 + ["part_time", "grid_leader"]),
                     "recruited_by": "township_unified" if r.random() < 0.85 else "other",
                     "candidate": cand})
    return acts


def as_durable_fact(act: dict, rid: int) -> dict:
    c = act["candidate"]
    fact = {"rid": rid, "role": act["role"], "recruited_by": act["recruited_by"],
            "age": age_independent(c["birth_date"], act["date"])}
    fact.update({k: c[k] for k in BOOLS})
    return fact


def test_durable_agrees_with_gridlaw():
    import durable.lang  # noqa: F401  — must be importable: a missing durable-rules is a failure, not a skip

    from gridlaw.acts import ACT_MODELS
    from gridlaw.evaluate import evaluate
    from gridlaw.loader import load_pack

    pack = load_pack("yancheng")
    assert {r.id for r in pack.by_kind["hire"]} >= set(FULL_TIME_RULES)
    acts = candidates(400)
    result = durable_isolated([as_durable_fact(a, i) for i, a in enumerate(acts)])
    assert result["done"] == len(acts)
    durable_found = result["violations"]

    disagree = []
    n_violating = n_multi = 0
    for i, act in enumerate(acts):
        d = evaluate(pack, ACT_MODELS["hire"].model_validate(act))
        if act["role"] == "full_time":
            assert d.decision in ("compliant", "non_compliant"), (act, d.decision)
        mine = {f.rule_id for f in d.findings if f.outcome == "violated" and f.rule_id in FULL_TIME_RULES}
        # A durable rule whose condition is an `|` fires once per true branch (both detentions → twice),
        # so durable's firings are compared as a set.
        theirs = set(durable_found.get(i, []))
        if mine != theirs:
            disagree.append((i, act, sorted(mine), sorted(theirs)))
        n_violating += bool(mine)
        n_multi += len(mine) > 1
    assert not disagree, f"{len(disagree)} candidates differ; first: {disagree[:3]}"
    # the sample exercises what matters: clean and failing candidates, several breaches at once
    assert 50 < n_violating < len(acts) and n_multi > 20, (n_violating, n_multi)
