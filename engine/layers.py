"""Layers of law: national law under every city, county measures on top, packs from a path,
and versions of one instrument chosen by the act's date.

A *stack* is evaluated bottom to top: the national laws in force on the act's date (policies/national/),
the city pack, and, for a pack that ``extends`` a city (a county measure), the county pack. Every
finding says its layer. The decision keeps DESIGN.md's precedence over all counted findings; a
county rule that ``displaces`` a city rule (its text says so) takes the city rule out of the count but
the city finding stays in the report, marked. Where a lower norm contradicts a higher one the
decision carries a ``conflict`` naming both — never silently:

- ``refines``: the lower rule applies beside the higher one and may not be looser; when the higher
  rule is violated while the lower one is satisfied, the higher one prevails and the conflict is listed.
- ``displaces``: when the displaced rule would be violated but the displacing rule is not, the
  conflict is listed and the decision is at least needs_review (whether the lower text stays within
  what the higher text leaves to it is for a human).
- an undeclared lower-layer permission used on an act that a higher layer's rule forbids, reading the
  same facts: the higher rule prevails, the conflict is listed.

Versions: a folder without ``pack.yaml`` whose sub-folders each hold one (same id, own ``effective``
and ``version``) is one instrument in several versions; the latest version in force on the act's
date answers, and the stamp names it. Packs are data: loading a pack from a path runs the same
loader and checks as a shipped pack and never executes anything from it.
"""
from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

from .errors import PackError, Problem
from .loader import CITIES, CompiledRule, Pack, _assemble, compile_pack, load_pack
from .yamlsrc import dotted, line_of

RANK = {"national": 0, "city": 1, "county": 2}
LABELS = {"zh": {"national": "国家法律", "city": "市级规定", "county": "县级规定"},
          "en": {"national": "national law", "city": "city", "county": "county"}}


def layer_label(layer: str, lang: str = "zh") -> str:
    return LABELS.get(lang, LABELS["zh"]).get(layer, layer)


@dataclass
class Versions:
    """One instrument in one or more versions, oldest first."""
    id: str
    packs: list[Pack]

    def in_force(self, day: dt.date) -> Pack | None:
        live = [p for p in self.packs if p.meta.effective <= day]
        return live[-1] if live else None

    def answering(self, day: dt.date) -> Pack:
        """The version in force, or the earliest (which then says not_in_force)."""
        return self.in_force(day) or self.packs[0]

    @property
    def latest(self) -> Pack:
        return self.packs[-1]


def _floor(pack: Pack) -> Pack:
    """National law is a floor of bans under every city: a ban that is met clears nothing (it is
    not_applicable, never `satisfied`), so a city that says nothing still gets not_addressed and a
    national rule never makes an act compliant. Breach and unknown keep their structure's outcome."""
    if pack.meta.layer == "national":
        for r in pack.rules:
            r.outcomes = ("not_applicable", *r.outcomes[1:])
    return pack


def load_versions(root: Traversable, pack_id: str, where: str, use_cache: bool = True) -> Versions:
    """A pack folder, or a folder of version folders; PackError lists every problem of every version."""
    if (root / "pack.yaml").is_file():
        return Versions(pack_id, [_floor(compile_pack(root, pack_id, use_cache, where))])
    subs = sorted((e for e in root.iterdir() if e.is_dir() and (e / "pack.yaml").is_file()), key=lambda e: e.name) \
        if root.is_dir() else []
    if not subs:
        raise PackError([Problem(where, "no pack.yaml here, nor in any version folder below it")])
    packs: list[Pack] = []
    problems: list[Problem] = []
    for sub in subs:
        try:
            pack = _floor(compile_pack(sub, pack_id, use_cache, f"{where}/{sub.name}"))
        except PackError as exc:
            problems.extend(exc.problems)
            continue
        if not pack.meta.version:
            problems.append(Problem(f"{where}/{sub.name}/pack.yaml",
                                    "one of several versions needs `version:` (e.g. 2021年修订), which the stamp names"))
        packs.append(pack)
    packs.sort(key=lambda p: p.meta.effective)
    for a, b in zip(packs, packs[1:]):
        if a.meta.effective == b.meta.effective:
            problems.append(Problem(where, f"two versions take effect on {a.meta.effective}"))
    if problems:
        raise PackError(problems)
    return Versions(pack_id, packs)


@functools.lru_cache(maxsize=None)
def national() -> tuple[Versions, ...]:
    """The national laws shipped under policies/national/, each in its versions."""
    base = resources.files("gridlaw.policies") / "national"
    if not base.is_dir():
        return ()
    return tuple(load_versions(e, e.name, f"national/{e.name}")
                 for e in sorted(base.iterdir(), key=lambda e: e.name) if e.is_dir() and not e.name.startswith("_"))


def load_target(target: str, use_cache: bool = True) -> Versions:
    """A shipped city pack by name, a national law by id, or a pack folder given as a path."""
    if target in CITIES:
        return Versions(target, [load_pack(target)] if use_cache else [compile_pack(_root(target), target, False)])
    law = next((v for v in national() if v.id == target), None)
    if law is not None:
        return law if use_cache else load_versions(resources.files("gridlaw.policies") / "national" / target,
                                                  target, f"national/{target}", False)
    path = Path(target)
    if not path.exists():
        import difflib

        near = difflib.get_close_matches(target, [*CITIES, *(v.id for v in national())], n=1)
        hint = f" (did you mean {near[0]}?)" if near else ""
        raise PackError([Problem(target, f"no such pack or folder{hint}; a pack is a city "
                                         f"({', '.join(CITIES)}), a national law, or a folder holding pack.yaml")])
    if not path.is_dir():
        raise PackError([Problem(target, "not a folder: give the folder that holds pack.yaml")])
    path = path.resolve()
    return load_versions(path, path.name, target.rstrip("/"), use_cache)


def _root(city: str) -> Traversable:
    return resources.files("gridlaw.policies") / city


def base_of(pack: Pack) -> Pack | None:
    return load_pack(pack.meta.extends) if pack.meta.extends else None


# ---------------------------------------------------------------- validation of links (loader hook)

def extends_problems(meta: Any, meta_lines: dict, where: str) -> list[Problem]:
    """``extends`` names a shipped city pack, of a lower rank than this pack's layer."""
    at = (f"{where}/pack.yaml", line_of(meta_lines, ("extends",)), "extends")
    if meta.extends not in CITIES:
        return [Problem(at[0], f"{meta.extends!r} 不是随程序提供的城市规定包（可选：{'、'.join(CITIES)}）", at[1],
                        at[2], "bad_extends", f"{meta.extends!r} is not a shipped city pack ({', '.join(CITIES)})")]
    base = load_pack(meta.extends)
    if RANK[meta.layer] <= RANK[base.meta.layer]:
        return [Problem(f"{where}/pack.yaml", f"a {meta.layer} pack cannot extend a {base.meta.layer} pack",
                        line_of(meta_lines, ("layer",)), "layer")]
    return []


def rule_link_problems(rule: Any, meta: Any, source: Any, name: str, lines: dict, loc: tuple) -> list[Problem]:
    """Each refines/displaces names a rule of the base pack governing the same act kind, and quotes
    words of this pack's own text that say so; every problem with its file, line and field."""
    out: list[Problem] = []

    def add(message: str, *sub: str) -> None:
        out.append(Problem(name, message, line_of(lines, loc + sub), dotted(loc + sub)))

    base = load_pack(meta.extends) if meta is not None and meta.extends in CITIES else None
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


def static_conflicts(pack: Pack) -> list[str]:
    """Contradictions visible without an act: a permission that refines or displaces a prohibition/duty."""
    base = base_of(pack)
    out = []
    for r in pack.rules:
        for key in ("refines", "displaces"):
            link = getattr(r.spec, key)
            target = base.rule(link.rule) if base and link else None
            if target and r.spec.modality == "permission" and target.spec.modality in ("prohibition", "duty"):
                out.append(f"{r.id} ({r.spec.modality}) {key} {target.id} ({target.spec.modality}): "
                           f"下位规定不得放宽上位规定的{'禁止性' if target.spec.modality == 'prohibition' else '义务性'}规范，"
                           f"适用时以上位规定为准")
    return out


# ---------------------------------------------------------------- evaluation

@dataclass
class Conflict:
    kind: str          # refines | displaces | permission
    lower: str
    higher: str
    lower_layer: str
    higher_layer: str

    def to_dict(self) -> dict:
        return {"kind": self.kind, "lower": self.lower, "higher": self.higher,
                "lower_layer": self.lower_layer, "higher_layer": self.higher_layer,
                "text": {"zh": self.text("zh"), "en": self.text("en")}}

    def text(self, lang: str = "zh") -> str:
        lo, hi = layer_label(self.lower_layer, lang), layer_label(self.higher_layer, lang)
        if lang == "zh":
            what = {"refines": "细化规定比上位规定宽松", "displaces": "替代规定与被替代的上位规定结论不同",
                    "permission": "下位规定允许的行为为上位规定所禁止"}[self.kind]
            after = ("需人工审查下位规定是否在上位规定授权范围内" if self.kind == "displaces" else "以上位规定为准")
            return f"规范冲突：{what}（{lo} {self.lower} ↔ {hi} {self.higher}），{after}。"
        what = {"refines": "a refining rule is looser than the rule it refines",
                "displaces": "a displacing rule disagrees with the rule it displaces",
                "permission": "a lower norm permits what a higher norm forbids"}[self.kind]
        after = "review whether the lower text stays within its delegation" if self.kind == "displaces" else "the higher norm prevails"
        return f"Conflict of norms: {what} ({lo} {self.lower} vs {hi} {self.higher}); {after}."


def stack(top: Versions, day: dt.date, with_national: bool = True) -> list[tuple[str, Pack | None, Versions]]:
    """(layer, pack answering on ``day`` or None when no version is in force, instrument), bottom first."""
    out: list[tuple[str, Pack | None, Versions]] = []
    top_pack = top.answering(day)
    if with_national and top_pack.meta.layer != "national":
        out += [("national", law.in_force(day), law) for law in national()]
    base = base_of(top_pack)
    if base is not None:
        out.append((base.meta.layer, base, Versions(base.id, [base])))
    out.append((top_pack.meta.layer, top_pack, top))
    return out


def evaluate_stack(top: Versions, act: Any, checklist: Any = None, with_national: bool = True) -> Any:
    """One act under a stack of packs: every layer's findings, one decision, conflicts stated."""
    from .evaluate import Decision, Finding, decide, evaluate

    data = act.model_dump(mode="python", exclude_none=True) if hasattr(act, "model_dump") else act
    day = data["date"] if isinstance(data["date"], dt.date) else dt.date.fromisoformat(str(data["date"]))
    layers = stack(top, day, with_national)
    top_pack = layers[-1][1]
    findings: list[Finding] = []
    parts = []
    not_in_force = False
    ref = None  # the evaluation whose facts and inferences the decision reports (the highest layer in force)
    for layer, pack, law in layers:
        if pack is None:
            parts.append({"layer": layer, "pack": law.id, "title": law.packs[0].meta.title, "version": None,
                          "effective": law.packs[0].meta.effective.isoformat(), "hash": None, "in_force": False})
            continue
        d = evaluate(pack, data, checklist)
        in_force = d.decision != "not_in_force"
        if in_force or ref is None:
            ref = d
        # The instrument asked about (the top) or any layer it builds on not yet in force: not_in_force.
        # A national law not yet in force under a city is simply absent (its layer entry says so).
        not_in_force = not_in_force or (not in_force and (layer != "national" or pack is top_pack))
        parts.append({"layer": layer, "pack": pack.id, "title": pack.meta.title, "version": pack.meta.version,
                      "effective": pack.meta.effective.isoformat(), "hash": pack.hash, "in_force": in_force})
        for f in d.findings:
            f.layer = layer
        findings.extend(d.findings)
    # Displacement: the base finding stays in the report, out of the count.
    by_id = {f.rule_id: f for f in findings}
    for f in findings:
        link = f.rule.spec.displaces
        if link and link.rule in by_id:
            by_id[link.rule].displaced_by = f.rule_id
    conflicts = _conflicts(findings, by_id)
    counted = [f for f in findings if not f.displaced_by]
    decision = "not_in_force" if not_in_force else decide({f.outcome for f in counted})
    if not not_in_force and any(c.kind == "displaces" for c in conflicts) and decision in ("compliant", "not_addressed"):
        decision = "needs_review"
    facts, inferences, digest = ref.facts, ref.inferences, ref.input_hash
    out = Decision(decision, top_pack.id, facts["kind"], day, top_pack, findings, inferences, facts,
                   digest, facts.get("id"))
    out.layers = parts
    out.conflicts = [c.to_dict() for c in conflicts]
    return out


def _conflicts(findings: list[Any], by_id: dict[str, Any]) -> list[Conflict]:
    out: list[Conflict] = []
    used = lambda f: f.outcome == "satisfied"  # noqa: E731  (a permission used, a rule met)
    for f in findings:
        spec = f.rule.spec
        if spec.refines and spec.refines.rule in by_id:
            hi = by_id[spec.refines.rule]
            if hi.outcome == "violated" and used(f):
                out.append(Conflict("refines", f.rule_id, hi.rule_id, f.layer, hi.layer))
        if spec.displaces and spec.displaces.rule in by_id:
            hi = by_id[spec.displaces.rule]
            if hi.outcome == "violated" and f.outcome != "violated":  # the lower text lets through what the higher forbade
                out.append(Conflict("displaces", f.rule_id, hi.rule_id, f.layer, hi.layer))
        if spec.modality == "permission" and used(f) and not (spec.refines or spec.displaces):
            for hi in findings:
                if RANK[hi.layer] < RANK[f.layer] and hi.outcome == "violated" and set(hi.rule.facts) & set(f.rule.facts) - {"role"}:
                    out.append(Conflict("permission", f.rule_id, hi.rule_id, f.layer, hi.layer))
    return out


def flatten(top: Pack) -> Pack:
    """A county pack with its base city's rules (displaced ones left out), for the columnar audit."""
    base = base_of(top)
    if base is None:
        return top
    displaced = {r.spec.displaces.rule for r in top.rules if r.spec.displaces}
    rules = [r for r in base.rules if r.id not in displaced] + list(top.rules)
    return _assemble(top.meta, top.source, rules, top.hash, top.root)


def audit_pack(top: Pack, with_national: bool = True) -> Pack:
    """One pack for the columnar audit with the same decisions as ``evaluate_stack``: the national
    rules, each version confined to its own dates (a ``date`` window added to its ``when``), then
    the city's (or the county's, over its city's) rules. Conflicts are reported only by ``check``."""
    from .loader import _compile_rule
    from .packspec import All, Compare

    pack = flatten(top)
    if not with_national or top.meta.layer == "national":
        return pack
    rules: list[CompiledRule] = []
    for law in national():
        for i, version in enumerate(law.packs):
            window = [Compare(fact="date", ge=version.meta.effective)]
            if i + 1 < len(law.packs):
                window.append(Compare(fact="date", lt=law.packs[i + 1].meta.effective))
            for r in version.rules:
                spec = r.spec.model_copy(update={"when": All(all=[*window, *([r.spec.when] if r.spec.when else [])])})
                rule = _compile_rule(spec, r.file, r.line, version.meta.title, version.source)
                rule.outcomes = r.outcomes  # the floor: a met national ban clears nothing (_floor)
                rules.append(rule)
    return _assemble(pack.meta, pack.source, rules + list(pack.rules), pack.hash, pack.root)


__all__ = ["Versions", "national", "load_target", "evaluate_stack", "stack", "flatten", "layer_label",
           "static_conflicts", "extends_problems", "rule_link_problems"]
