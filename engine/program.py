"""A pack stack compiled once into one program, which both executors run.

The stack, bottom first: the national laws (policies/national/, each in its versions), the city
pack a county pack ``extends``, and the pack asked about (in its versions). Every version of every
instrument becomes a :class:`Part` confined to its dates: from its ``effective`` to the next
version's. Every rule of every part becomes an :class:`Entry`, grouped by act kind, with

- its question (the rule's ``question``) and its layer's slot, for verdicts by question and layer;
- the entries that ``displace`` it (a county rule whose text says so): while one of them is in
  force, this entry's finding stays in the report but out of the count;
- :class:`Link`s, the pairs that can conflict (``refines``, ``displaces``, and a lower permission
  reading the facts of a higher ban), found here once so that ``check``, ``audit`` and the web app
  report the same conflicts.

The scalar executor (engine/evaluate.py) and the columnar one (engine/batch.py) differ only in how
they compute a rule's outcome: closures over one dict, or numpy over columns. Which entries are in
force on a day, which findings count, which pairs conflict and how the verdicts fold
(engine/verdicts.py) are read from here by both.

A Program also shows the face of a Pack (``meta``, ``rules``, ``by_kind``, ``id`` …: the latest
version of the pack asked about, with every rule of the stack), so the audit's outputs can list
rules and articles as they did for one pack.
"""
from __future__ import annotations

import bisect
import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from .layers import RANK, Versions, base_of, national
from .loader import CompiledRule, Pack
from .verdicts import MAIN_QUESTION


@dataclass(frozen=True, slots=True, eq=False)
class Part:
    """One version of one instrument, in force from ``start`` until ``end`` (exclusive; None: open)."""
    slot: int
    layer: str
    pack: Pack
    start: dt.date
    end: dt.date | None

    def on(self, day: dt.date) -> bool:
        return self.start <= day and (self.end is None or day < self.end)


@dataclass(slots=True, eq=False)
class Entry:
    rule: CompiledRule
    part: Part
    question: str
    displacers: tuple[int, ...] = ()   # entries of the same kind that displace this one while in force


@dataclass(frozen=True, slots=True)
class Link:
    """A pair of entries that conflicts when both are in force and their outcomes say so (engine/layers.Conflict)."""
    kind: str      # refines | displaces | permission
    lower: int
    higher: int


@dataclass(slots=True)
class Instrument:
    slot: int
    layer: str
    versions: Versions


@dataclass(slots=True)
class KindProgram:
    entries: list[Entry]
    links: list[Link]
    questions: tuple[str, ...]                    # the questions acts of this kind raise, the main one first
    slots_of: dict[str, tuple[int, ...]]          # question -> instruments holding rules on it
    index_of: dict[str, tuple[int, ...]] = field(default_factory=dict)   # question -> entries on it
    slot_pairs: dict[str, tuple[tuple[int, int], ...]] = field(default_factory=dict)  # question -> (entry, slot)


class Program:
    def __init__(self, top: Versions, with_national: bool = True):
        self.top = top
        self.with_national = with_national
        latest = top.latest
        stack: list[tuple[str, Versions]] = []
        if with_national and latest.meta.layer != "national":
            stack += [("national", law) for law in national()]
        base = base_of(latest)
        if base is not None:
            stack.append((base.meta.layer, Versions(base.id, [base])))
        stack.append((latest.meta.layer, top))
        self.instruments = [Instrument(i, layer, v) for i, (layer, v) in enumerate(stack)]
        self.parts: list[Part] = []
        for ins in self.instruments:
            packs = ins.versions.packs
            for i, pack in enumerate(packs):
                end = packs[i + 1].meta.effective if i + 1 < len(packs) else None
                self.parts.append(Part(ins.slot, ins.layer, pack, pack.meta.effective, end))
        self.boundaries = sorted({d for p in self.parts for d in (p.start, p.end) if d is not None})
        self.kinds: dict[str, KindProgram] = {}
        for kind in dict.fromkeys(r.spec.act for p in self.parts for r in p.pack.rules):
            self.kinds[kind] = self._compile_kind(kind)
        self._on: dict[tuple[str, int], tuple[tuple[int, ...], tuple[bool, ...]]] = {}
        self._memo: dict[tuple[str, int], Any] = {}
        # the Pack face (audit outputs): the pack asked about, with every rule of the stack
        self.meta = latest.meta
        self.source = latest.source
        self.root = latest.root
        self.hash = latest.hash
        self.by_kind: dict[str, list[CompiledRule]] = {k: [e.rule for e in kp.entries] for k, kp in self.kinds.items()}
        self.rules: list[CompiledRule] = [e.rule for kp in self.kinds.values() for e in kp.entries]

    @property
    def id(self) -> str:
        return self.meta.id

    def rule(self, rule_id: str) -> CompiledRule | None:
        return next((r for r in self.rules if r.id == rule_id), None)

    def _compile_kind(self, kind: str) -> KindProgram:
        entries = [Entry(r, part, r.spec.question or "other") for part in self.parts for r in part.pack.rules
                   if r.spec.act == kind]
        by_id: dict[str, list[int]] = {}
        for i, e in enumerate(entries):
            by_id.setdefault(e.rule.id, []).append(i)
        links: list[Link] = []
        displacers: dict[int, list[int]] = {}
        for i, e in enumerate(entries):
            spec = e.rule.spec
            for key in ("refines", "displaces"):
                link = getattr(spec, key)
                for j in by_id.get(link.rule, ()) if link else ():
                    if entries[j].part.slot != e.part.slot:
                        links.append(Link(key, i, j))
                        if key == "displaces":
                            displacers.setdefault(j, []).append(i)
            if spec.modality == "permission" and not (spec.refines or spec.displaces):
                mine = set(e.rule.facts) - {"role"}
                for j, hi in enumerate(entries):
                    if RANK[hi.part.layer] < RANK[e.part.layer] and mine & set(hi.rule.facts):
                        links.append(Link("permission", i, j))
        for j, ds in displacers.items():
            entries[j].displacers = tuple(ds)
        main = MAIN_QUESTION.get(kind)
        questions = tuple(dict.fromkeys([*([main] if main else []), *(e.question for e in entries)]))
        slots_of = {q: tuple(dict.fromkeys(e.part.slot for e in entries if e.question == q)) for q in questions}
        index_of = {q: tuple(i for i, e in enumerate(entries) if e.question == q) for q in questions}
        pairs = {q: tuple((i, entries[i].part.slot) for i in index_of[q]) for q in questions}
        return KindProgram(entries, links, questions, slots_of, index_of, pairs)

    def on(self, kind: str, day: dt.date) -> tuple[tuple[int, ...], tuple[bool, ...]]:
        """(the entries of ``kind`` in force on ``day``, whether each instrument is in force), cached per
        stretch of days between two dates on which some version starts or ends."""
        key = (kind, bisect.bisect_right(self.boundaries, day))
        hit = self._on.get(key)
        if hit is None:
            kp = self.kinds.get(kind)
            active = tuple(i for i, e in enumerate(kp.entries) if e.part.on(day)) if kp else ()
            slots = tuple(any(p.on(day) for p in self.parts if p.slot == ins.slot) for ins in self.instruments)
            hit = self._on[key] = (active, slots)
        return hit

    def answering(self, day: dt.date) -> Pack:
        """The version of the pack asked about that answers on ``day`` (the earliest, before any is in force)."""
        return self.top.answering(day)

    def layers_on(self, day: dt.date) -> list[dict]:
        """Every instrument of the stack, bottom first: the version in force on ``day``, or (not in force) its
        first. A fresh list of fresh dicts each call (callers may edit theirs), built from a cached stretch."""
        key = ("layers", bisect.bisect_right(self.boundaries, day))
        hit = self._memo.get(key)
        if hit is None:
            hit = self._memo[key] = self._layers_on(day)
        return [dict(x) for x in hit]

    def _layers_on(self, day: dt.date) -> list[dict]:
        out = []
        for ins in self.instruments:
            pack = ins.versions.in_force(day)
            shown = pack or ins.versions.answering(day)
            out.append({"layer": ins.layer, "pack": ins.versions.id, "title": shown.meta.title,
                        "version": shown.meta.version, "effective": shown.meta.effective.isoformat(),
                        "hash": shown.hash, "in_force": pack is not None})
        return out

    def silent_on(self, day: dt.date) -> dict:
        """Where the pack asked about (or the city it builds on) says a question is left to others."""
        key = ("silent", bisect.bisect_right(self.boundaries, day))
        hit = self._memo.get(key)
        if hit is not None:
            return hit
        out: dict = {}
        self._memo[key] = out
        for ins in self.instruments:
            if ins.layer != "national":
                pack = ins.versions.answering(day)
                out.update(getattr(pack.meta, "silent_on", None) or {})
        return out


_PROGRAMS: dict[tuple, Program] = {}


def compile_stack(top: Versions | Pack, with_national: bool = True) -> Program:
    """The program of a stack, compiled once per set of pack objects (packs are cached by the loader)."""
    if isinstance(top, Pack):
        top = Versions(top.id, [top])
    key = (tuple(id(p) for p in top.packs), with_national, tuple(id(law) for law in national()) if with_national else ())
    prog = _PROGRAMS.get(key)
    if prog is None or [id(p) for p in prog.top.packs] != list(key[0]):
        if len(_PROGRAMS) >= 64:          # packs from paths are compiled anew each time: keep a few
            _PROGRAMS.pop(next(iter(_PROGRAMS)))
        prog = _PROGRAMS[key] = Program(top, with_national)
    return prog


def audit_pack(top: Pack | Versions, with_national: bool = True) -> Program:
    """The program the audit runs for a city (or a county over its city): the same one ``check`` runs."""
    return compile_stack(top, with_national)


__all__ = ["Program", "Part", "Entry", "Link", "KindProgram", "compile_stack", "audit_pack"]
