"""Compile structured conditions into Python callables, once, at load time.

Logic is three-valued: a callable returns True, False or None (unknown). A
fact absent from the act is unknown; ``any(True, None)`` is True,
``all(True, None)`` is None, ``not None`` is None. No ``eval``: each node
becomes a closure.
"""
from __future__ import annotations

import operator
from dataclasses import dataclass
from typing import Any, Callable, Iterator

from .packspec import All, Any_, Compare, Condition, Not

Tri = bool | None
Fn = Callable[[dict[str, Any]], Tri]

_ORDER = {"eq": operator.eq, "ne": operator.ne, "lt": operator.lt, "le": operator.le, "gt": operator.gt, "ge": operator.ge}


@dataclass(frozen=True, slots=True)
class KnownTrue:
    """True where ``cond`` is known true, false elsewhere (never unknown): a rule's ``trigger``. Built by
    the engine (structures.applicability), never written in a pack."""
    cond: Any


def compile_condition(cond: Condition | KnownTrue) -> Fn:
    if isinstance(cond, KnownTrue):
        inner_ = compile_condition(cond.cond)
        return lambda facts: inner_(facts) is True
    if isinstance(cond, All):
        parts = [compile_condition(c) for c in cond.all]
        return lambda facts: _all(parts, facts)
    if isinstance(cond, Any_):
        parts = [compile_condition(c) for c in cond.any]
        return lambda facts: _any(parts, facts)
    if isinstance(cond, Not):
        inner = compile_condition(cond.not_)
        return lambda facts: None if (v := inner(facts)) is None else not v
    return _compare(cond)


def _all(parts: list[Fn], facts: dict[str, Any]) -> Tri:
    unknown = False
    for part in parts:
        v = part(facts)
        if v is False:
            return False
        if v is None:
            unknown = True
    return None if unknown else True


def _any(parts: list[Fn], facts: dict[str, Any]) -> Tri:
    unknown = False
    for part in parts:
        v = part(facts)
        if v is True:
            return True
        if v is None:
            unknown = True
    return None if unknown else False


def _compare(cmp: Compare) -> Fn:
    name = cmp.fact
    op, value = cmp.op
    get = dict.get
    if op == "known":
        return lambda facts: (name in facts) == value
    if op in _ORDER:
        fn = _ORDER[op]
        return lambda facts: None if (v := get(facts, name)) is None else fn(v, value)
    if op == "in":
        options = frozenset(value)  # type: ignore[arg-type]
        return lambda facts: None if (v := get(facts, name)) is None else v in options
    if op == "not_in":
        options = frozenset(value)  # type: ignore[arg-type]
        return lambda facts: None if (v := get(facts, name)) is None else v not in options
    if op == "includes":
        return lambda facts: None if (v := get(facts, name)) is None else value in v
    if op == "includes_all":
        wanted = frozenset(value)  # type: ignore[arg-type]
        return lambda facts: None if (v := get(facts, name)) is None else wanted.issubset(v)
    if op == "includes_any":
        wanted = frozenset(value)  # type: ignore[arg-type]
        return lambda facts: None if (v := get(facts, name)) is None else not wanted.isdisjoint(v)
    raise AssertionError(op)


def compares_in(cond: Condition | None) -> Iterator[Compare]:
    """Every comparison of a condition, in order of appearance."""
    if cond is None:
        return
    if isinstance(cond, KnownTrue):
        yield from compares_in(cond.cond)
    elif isinstance(cond, All):
        for c in cond.all:
            yield from compares_in(c)
    elif isinstance(cond, Any_):
        for c in cond.any:
            yield from compares_in(c)
    elif isinstance(cond, Not):
        yield from compares_in(cond.not_)
    else:
        yield cond


def facts_in(cond: Condition | None) -> Iterator[str]:
    """Every fact name a condition reads, in order of appearance."""
    return (c.fact for c in compares_in(cond))


def known_true_guards(cond: Condition | None) -> Iterator[str]:
    """Facts a condition requires to be stated: ``{fact: x, known: true}`` as the condition or one of its
    top-level ``all`` parts. Such a guard is applicability, which belongs in a rule's ``trigger``."""
    if cond is None:
        return
    for part in cond.all if isinstance(cond, All) else [cond]:
        if isinstance(part, Compare) and part.op == ("known", True):
            yield part.fact
