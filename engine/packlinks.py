"""Links between layers, checked when a pack is loaded: ``extends`` names a pack of a lower rank, and
each ``refines`` / ``displaces`` names a rule of that base pack and quotes the words that say so.

The loader loads the base pack and passes it in, so this module needs nothing above it.
"""
from __future__ import annotations

from typing import Any

from .errors import Problem
from .yamlsrc import dotted, line_of

RANK = {"national": 0, "city": 1, "county": 2}


def extends_problems(meta: Any, meta_lines: dict, where: str, base: Any, cities: tuple[str, ...]) -> list[Problem]:
    """``extends`` names a shipped city pack (``base``, loaded by the caller), of a lower rank than this pack's layer."""
    at = (f"{where}/pack.yaml", line_of(meta_lines, ("extends",)), "extends")
    if base is None:
        return [Problem(at[0], f"{meta.extends!r} 不是随程序提供的城市规定包（可选：{'、'.join(cities)}）", at[1],
                        at[2], "bad_extends", f"{meta.extends!r} is not a shipped city pack ({', '.join(cities)})")]
    if RANK[meta.layer] <= RANK[base.meta.layer]:
        return [Problem(f"{where}/pack.yaml", f"a {meta.layer} pack cannot extend a {base.meta.layer} pack",
                        line_of(meta_lines, ("layer",)), "layer")]
    return []


def rule_link_problems(rule: Any, meta: Any, source: Any, name: str, lines: dict, loc: tuple, base: Any) -> list[Problem]:
    """Each refines/displaces names a rule of the base pack governing the same act kind, and quotes
    words of this pack's own text that say so; every problem with its file, line and field."""
    out: list[Problem] = []

    def add(message: str, *sub: str) -> None:
        out.append(Problem(name, message, line_of(lines, loc + sub), dotted(loc + sub)))

    for key in ("refines", "displaces"):
        link = getattr(rule, key)
        if link is None:
            continue
        if meta is not None and not meta.extends:
            add(f"{key} needs `extends:` in pack.yaml (the pack this one builds on)", key)
            continue
        target = base.rule(link.rule) if base else None
        if base is not None and target is None:
            import difflib

            near = difflib.get_close_matches(link.rule, [x.id for x in base.rules], n=1)
            add(f"no rule {link.rule!r} in {base.id}" + (f" (did you mean {near[0]!r}?)" if near else ""), key, "rule")
        elif target is not None and target.spec.act != rule.act:
            add(f"{link.rule} governs {target.spec.act} acts, this rule {rule.act}", key, "rule")
        if source is not None and not source.contains(link.quote, link.article):
            add(f"quote not found in Art. {link.article} of this pack's source.md: {link.quote!r}", key, "quote")
    return out
