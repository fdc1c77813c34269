"""What a breached duty lacks, by name: the listed items a notice did not post,
the yes/no facts that had to be true. Read from the rule's ``require`` condition,
so a report can say 缺少：专职网格员联系电话 instead of repeating the whole duty."""
from __future__ import annotations

import functools
from typing import Any


def lacking(rule: Any, facts: dict[str, Any], lang: str = "zh") -> list[str]:
    """Names of what the act lacks under ``rule`` (empty when the condition says nothing itemised)."""
    cond = getattr(rule.spec, "require", None)
    return _walk(cond, facts, lang) if cond is not None else []


def _walk(cond: Any, facts: dict[str, Any], lang: str) -> list[str]:
    if hasattr(cond, "all"):
        return [x for c in cond.all for x in _walk(c, facts, lang)]
    if hasattr(cond, "any"):
        # every way of meeting it failed: name what the first (the ordinary) way lacks,
        # e.g. full-time workers' phones where the grid may also lawfully have none
        for alt in cond.any:
            named = _walk(alt, facts, lang)
            if named:
                return named
        return []
    if not hasattr(cond, "fact"):
        return []                       # not: no single item to name
    op, want = cond.op
    have = facts.get(cond.fact)
    if op == "includes_all" and isinstance(have, (list, tuple)):
        return [_value_label(cond.fact, v, lang) for v in want if v not in have]
    if op == "includes" and isinstance(have, (list, tuple)) and want not in have:
        return [_value_label(cond.fact, want, lang)]
    if op == "eq" and want is True and have is False:
        return [_fact_label(cond.fact, facts.get("kind"), lang)]
    return []


def _value_label(fact: str, code: Any, lang: str) -> str:
    if lang != "zh":
        return str(code).replace("_", " ")
    words = _first_words().get(fact.rsplit(".", 1)[-1], {}).get(str(code))
    return words or str(code)


@functools.lru_cache(maxsize=1)
def _first_words() -> dict[str, dict[str, str]]:
    """value set -> code -> its first Chinese word in the audit header map (专职网格员联系电话).
    Read straight from headers.yaml's ``values``: building the whole header map (every word
    normalised) would cost a report a few hundred ms."""
    from importlib import resources

    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    data = yaml.load(resources.files("gridlaw.audit").joinpath("headers.yaml").read_text("utf-8"), Loader=loader)
    out: dict[str, dict[str, str]] = {}
    for name, table in (data.get("values") or {}).items():
        if isinstance(table, dict):
            out[name] = {str(code): words[0] for code, words in table.items() if words}
    for name, table in (data.get("values") or {}).items():
        if isinstance(table, str):      # an alias of another value set
            out[name] = out.get(table, {})
    return out


def _fact_label(fact: str, kind: Any, lang: str) -> str:
    if lang != "zh":
        return fact
    from .facts import fact_vocabulary

    return fact_vocabulary().get(str(kind), {}).get(fact, {}).get("label", fact)
