"""durable-rules as an independent oracle for every rule of every pack.

The translation is generic: each compiled rule's conditions (roles, when, and any
trigger / exempt a rule carries, require or forbid) become a durable-rules
expression for "this rule is violated", written in durable's own language and
evaluated by its Rete engine, never by gridlaw's evaluator. Acts are generated
with every fact the pack reads known (two-valued logic, which durable has), with
values taken from the facts' vocabularies and around every constant the rules
compare with, so each comparison is exercised on both sides of its boundary.

Negation is pushed down to the comparisons (De Morgan; exact for known facts),
list facts become one flag per vocabulary value, dates become day numbers.

N_ACTS acts per pack in CI (GRIDLAW_ORACLE_ACTS overrides).
"""
from __future__ import annotations

import datetime as dt
import multiprocessing
import os
import queue
import random
from typing import Any

import pytest

from gridlaw.loader import available_packs, load_pack

N_ACTS = int(os.environ.get("GRIDLAW_ORACLE_ACTS", "10000"))
VIOLABLE = ("duty", "prohibition")       # a permission, encouragement or default norm is never "violated"


def _key(fact: str) -> str:
    return fact.replace(".", "__")


def _val(v: Any) -> Any:
    return v.toordinal() if isinstance(v, dt.date) else v


def _atoms(cond: Any) -> list[tuple[str, str, Any]]:
    """(fact, op, value) of every comparison in a condition."""
    if cond is None:
        return []
    for attr in ("all", "any"):
        if isinstance(getattr(cond, attr, None), list):
            return [a for c in getattr(cond, attr) for a in _atoms(c)]
    if hasattr(cond, "not_"):
        return _atoms(cond.not_)
    op, value = cond.op
    return [(cond.fact, op, value)]


def _conds(rule: Any) -> list[Any]:
    s = rule.spec
    return [c for c in (s.when, getattr(s, "trigger", None), getattr(s, "exempt", None), s.require, s.forbid)
            if c is not None and not isinstance(c, (str, bool, int))]


class Translate:
    """Compiled rule conditions -> durable-rules expressions."""

    def __init__(self, m: Any, lists: dict[str, list[str]]):
        self.m = m
        self.lists = lists

    def true(self, yes: bool = True) -> Any:
        return self.m.one == (1 if yes else 0)

    def __call__(self, cond: Any, neg: bool = False) -> Any:
        for attr, conj in (("all", True), ("any", False)):
            parts = getattr(cond, attr, None)
            if isinstance(parts, list):
                if not parts:
                    return self.true(conj != neg)
                exprs = [self(c, neg) for c in parts]
                return _fold(exprs, conj != neg)
        if hasattr(cond, "not_"):
            return self(cond.not_, not neg)
        return self.atom(cond.fact, *cond.op, neg)

    def atom(self, fact: str, op: str, value: Any, neg: bool) -> Any:
        f = getattr(self.m, _key(fact))
        if op == "known":
            return self.true(bool(value) != neg)
        if op in ("eq", "ne", "lt", "le", "gt", "ge"):
            flip = {"eq": "ne", "ne": "eq", "lt": "ge", "ge": "lt", "le": "gt", "gt": "le"}
            op = flip[op] if neg else op
            v = _val(value)
            return {"eq": lambda: f == v, "ne": lambda: f != v, "lt": lambda: f < v, "le": lambda: f <= v,
                    "gt": lambda: f > v, "ge": lambda: f >= v}[op]()
        if op in ("in", "not_in"):
            inside = (op == "in") != neg
            exprs = [(f == _val(x)) if inside else (f != _val(x)) for x in value]
            return _fold(exprs, not inside) if exprs else self.true(not inside)
        flags = [value] if op == "includes" else list(value)
        conj = op in ("includes", "includes_all")
        exprs = [getattr(self.m, _key(fact) + "__" + str(x)) == (not neg) for x in flags]
        return _fold(exprs, conj != neg) if exprs else self.true(conj != neg)


def _fold(exprs: list[Any], conj: bool) -> Any:
    out = exprs[0]
    for e in exprs[1:]:
        out = (out & e) if conj else (out | e)
    return out


def violations(rule: Any, tr: Translate) -> list[Any]:
    """durable expressions whose union is the rule's violation. A requirement ``all: [a, b, …]`` is
    broken when any one part is: one expression per part keeps each within durable-rules' expression
    limit (one negated conjunction of many disjunctions exceeds it: error code 113)."""
    s = rule.spec
    if s.require is not None and hasattr(s.require, "all") and len(s.require.all) > 1:
        return [violation(rule, tr, part) for part in s.require.all]
    return [violation(rule, tr)]


def violation(rule: Any, tr: Translate, require: Any = None) -> Any:
    """durable expression: the act is of the rule's kind, the rule applies, and it is not met."""
    s = rule.spec
    parts = [tr.m.kind == s.act]
    if rule.roles is not None:
        parts.append(_fold([tr.m.role == r for r in sorted(rule.roles)], False))
    for name in ("when", "trigger"):
        c = getattr(s, name, None)
        if c is not None and not isinstance(c, (str, bool, int)):
            parts.append(tr(c))
    exempt = getattr(s, "exempt", None)
    if exempt is not None and not isinstance(exempt, (str, bool, int)):
        parts.append(tr(exempt, neg=True))
    require = require if require is not None else s.require
    parts.append(tr(require, neg=True) if require is not None else tr(s.forbid))
    return _fold(parts, True)


# --------------------------------------------------------------------------- generated acts


def generate(pack: Any, n: int, seed: int) -> list[dict]:
    """Acts with every fact the pack's rules read known, as flat fact dicts."""
    from gridlaw.acts import fact_vocabulary

    vocab = fact_vocabulary()
    r = random.Random(seed)
    kinds = sorted(pack.by_kind)
    plan: dict[str, dict[str, list[Any]]] = {}
    for kind in kinds:
        consts: dict[str, list[Any]] = {}
        for rule in pack.by_kind[kind]:
            for c in _conds(rule):
                for fact, op, value in _atoms(c):
                    consts.setdefault(fact, []).extend(value if isinstance(value, list) else [value])
        facts = {f for rule in pack.by_kind[kind] for f in rule.facts} | {"role"}
        choices = {}
        for fact in sorted(facts):
            meta = vocab[kind].get(fact, {})
            t, values = meta.get("type"), meta.get("values")
            cs = [c for c in consts.get(fact, []) if not isinstance(c, bool)]
            if t == "bool":
                opts = [True, False]
            elif t in ("enum", "list"):
                opts = list(values or cs or ["x"])
            elif t == "int":
                base = [int(c) for c in cs if isinstance(c, int)] or [0, 5]
                opts = sorted({b + d for b in base for d in (-1, 0, 1)} | {0, 3, 30})
            elif t == "date":
                base = [c for c in cs if isinstance(c, dt.date)] or [pack.meta.effective]
                opts = sorted({b + dt.timedelta(days=d) for b in base for d in (-1, 0, 1, 400)})
            else:
                opts = [str(c) for c in cs] + ["任意文本"]
            choices[fact] = (t, opts)
        plan[kind] = choices
    acts = []
    for i in range(n):
        kind = kinds[i % len(kinds)]
        facts: dict[str, Any] = {"kind": kind, "city": pack.id,
                                 "date": pack.meta.effective + dt.timedelta(days=r.randint(0, 2000))}
        for fact, (t, opts) in plan[kind].items():
            if t == "list":
                facts[fact] = tuple(r.sample(opts, r.randint(0, min(3, len(opts)))))
            else:
                facts[fact] = r.choice(opts)
        acts.append(facts)
    return acts


def as_durable(facts: dict, rid: int, lists: dict[str, list[str]]) -> dict:
    out: dict[str, Any] = {"rid": rid, "one": 1}
    for k, v in facts.items():
        if isinstance(v, tuple):
            for x in lists.get(k, []):
                out[_key(k) + "__" + str(x)] = x in v
        else:
            out[_key(k)] = _val(v)
    return out


# --------------------------------------------------------------------------- durable, isolated


def _run(city: str, facts: list[dict], lists: dict[str, list[str]], out: Any) -> None:
    try:
        from durable.engine import MessageNotHandledException
        from durable.lang import assert_fact, m, retract_fact, ruleset, when_all

        found: dict[int, set[str]] = {}
        tr = Translate(m, lists)
        name = f"oracle_{city}"
        pack = load_pack(city)
        with ruleset(name):
            for rule in pack.rules:
                if rule.spec.modality not in VIOLABLE or rule.spec.judgment:
                    continue
                for k, expr in enumerate(violations(rule, tr)):
                    when_all(expr)(_action(rule.id, found, k))
        for fact in facts:
            try:
                assert_fact(name, fact)
            except MessageNotHandledException:
                continue
            retract_fact(name, fact)
        out.put(("ok", found))
    except BaseException as exc:  # report, never hang the parent
        out.put(("error", f"{type(exc).__name__}: {exc}"))


def _action(rule_id: str, found: dict, k: int = 0) -> Any:
    # exactly one parameter: durable treats a two-parameter action as asynchronous and waits
    def action(c):
        found.setdefault(c.m.rid, set()).add(rule_id)
    action.__name__ = "r_" + rule_id.replace(".", "_").replace("-", "_") + f"_{k}"
    return action


def durable_violations(city: str, facts: list[dict], lists: dict[str, list[str]], timeout: float = 300) -> dict:
    ctx = multiprocessing.get_context("fork")
    q = ctx.Queue()
    proc = ctx.Process(target=_run, args=(city, facts, lists, q), daemon=True)
    proc.start()
    try:
        status, payload = q.get(timeout=timeout)
    except queue.Empty:
        proc.kill()
        proc.join()
        raise TimeoutError(f"durable-rules did not finish in {timeout} s") from None
    proc.join(timeout=10)
    assert status == "ok", payload
    return payload


@pytest.mark.parametrize("city", available_packs())
def test_durable_rules_agrees_on_every_rule_of_the_pack(city):
    import durable.lang  # noqa: F401  — a missing durable-rules is a failure, not a skip

    from gridlaw.acts import fact_vocabulary
    from gridlaw.evaluate import outcome_of

    pack = load_pack(city)
    acts = generate(pack, N_ACTS, seed=sum(map(ord, city)))
    lists = {f: list(meta.get("values") or []) for v in fact_vocabulary().values() for f, meta in v.items()
             if meta.get("type") == "list"}
    theirs = durable_violations(city, [as_durable(a, i, lists) for i, a in enumerate(acts)], lists)
    disagree, fired = [], set()
    for i, facts in enumerate(acts):
        mine = {r.id for r in pack.by_kind[facts["kind"]] if outcome_of(r, facts) == "violated"}
        fired |= mine
        if mine != theirs.get(i, set()):
            disagree.append((i, facts, sorted(mine), sorted(theirs.get(i, set()))))
    assert not disagree, f"{len(disagree)} of {len(acts)} acts differ; first: {disagree[:2]}"
    assert len(acts) == N_ACTS and sum(map(bool, theirs.values())) > N_ACTS // 20   # durable did fire
    violable = {r.id for r in pack.rules if r.spec.modality in VIOLABLE and not r.spec.judgment}
    # the generated acts reach (nearly) every rule that can be violated
    assert len(fired) >= 0.8 * len(violable), sorted(violable - fired)
