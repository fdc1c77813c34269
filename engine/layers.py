"""Layers of law: national law under every city, county measures on top, packs from a path,
and versions of one instrument chosen by the act's date.

A *stack* is, bottom to top: the national laws (policies/national/), the city pack, and, for a pack
that ``extends`` a city (a county measure), the county pack. engine/program.py compiles it once, each
version confined to its dates; every finding says its layer, and a layer answers only on the dates
it is in force (engine/verdicts.py folds the verdicts). A
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

from .errors import InputError, PackError, Problem
from .loader import CITIES, Pack, compile_pack, load_pack
from .packlinks import RANK

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
        # a mistyped name is the user's input, not a broken pack: InputError (exit 4), never PackError (5)
        raise InputError([Problem(
            target, "没有这个规则包或文件夹" + (f"（是否指 {near[0]}？）" if near else "") + "；规则包可以是城市（"
            + "、".join(CITIES) + "）、国家法律的编号，或含有 pack.yaml 的文件夹", code="no_such_pack",
            en=f"no such pack or folder{hint}; a pack is a city ({', '.join(CITIES)}), a national law, or a folder "
               "holding pack.yaml")])
    if not path.is_dir():
        raise InputError([Problem(target, "不是文件夹：请给出含有 pack.yaml 的文件夹", code="not_a_folder",
                                  en="not a folder: give the folder that holds pack.yaml")])
    path = path.resolve()
    try:
        return load_versions(path, path.name, target.rstrip("/"), use_cache)
    except PackError as exc:          # your own pack: bad input (exit 4); 5 is for a shipped pack
        from .userpack import user_pack_error

        raise user_pack_error(target, exc.problems) from None


def _root(city: str) -> Traversable:
    return resources.files("gridlaw.policies") / city


def base_of(pack: Pack) -> Pack | None:
    return load_pack(pack.meta.extends) if pack.meta.extends else None


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


__all__ = ["Versions", "Conflict", "RANK", "national", "load_target", "base_of", "layer_label", "static_conflicts"]
