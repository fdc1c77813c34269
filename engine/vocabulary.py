"""Load and validate the task-reading vocabulary (``vocabulary.yaml``).

The file is data a lawyer reviews; this module only checks it and compiles it:
every term has a known class and ground, a literal guard contains its term (a
guard is a longer look-alike), every pattern compiles, nothing is listed twice.
All problems are reported at once, each with its line and field.
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import GridlawError, Problem

PATH = Path(__file__).with_name("vocabulary.yaml")
POWER_CLASS = {"penalty": "penalty", "coercion": "coercion", "licensing": "licensing", "other": "other_administrative"}
FRAME_KEYS = ("worker", "agencies", "agency_prefixes", "agency_nouns", "on_behalf", "negators", "referral", "referral_to_agency", "publicity", "passive",
              "passive_not", "before_status", "conditions", "applications", "topics", "after_status", "assist", "verb_negators",
              "persuasion", "conjunctions", "attributive_heads", "attributive_objects", "agency_for", "information",
              "wrongdoing", "helped", "consent", "permitted", "contact")


class VocabularyError(GridlawError):
    pass


_LEAD_GROUP = re.compile(r"\(\?:([^()\[\]\\?*+{}.^$|]+(?:\|[^()\[\]\\?*+{}.^$|]+)*)\)")


def expand_leading(rx: str) -> list[str]:
    """(?:收取|收缴)…费 -> [收取…费, 收缴…费]: every alternative then begins with a literal character."""
    m = _LEAD_GROUP.match(rx)
    return [alt + rx[m.end():] for alt in m.group(1).split("|")] if m else [rx]


def first_literal(rx: str) -> tuple[str, str] | None:
    """The literal first character of a regex and the rest, or None if it does not begin with one."""
    if rx[:1] == "\\" and len(rx) > 1 and not rx[1].isalnum():
        return rx[1], rx[2:]
    if rx and rx[0] not in "\\.^$*+?{}[]|()":
        return rx[0], rx[1:]
    return None


def _top_level_bar(rx: str) -> bool:
    depth, i = 0, 0
    while i < len(rx):
        c = rx[i]
        if c == "\\":
            i += 2
            continue
        if c == "[":  # a character class: skip to its end
            j = i + 1 + (rx[i + 1:i + 2] == "^")
            j = rx.index("]", j + 1) if rx[j:j + 1] == "]" else rx.index("]", j)
            i = j + 1
            continue
        depth += c == "("
        depth -= c == ")"
        if c == "|" and depth == 0:
            return True
        i += 1
    return False


@dataclass(frozen=True, slots=True)
class Ground:
    key: str
    law: str | None
    articles: tuple[int, ...]
    item: int | None
    words: str
    note: str | None

    @property
    def text(self) -> str:
        """《中华人民共和国行政处罚法》第九条第二项 — or the kind of act where no single article governs."""
        from .textnorm import int_to_cn

        if not self.law:
            return self.words
        arts = "、".join(f"第{int_to_cn(a)}条" for a in self.articles)
        return f"《{self.law}》{arts}" + (f"第{int_to_cn(self.item)}项" if self.item else "")


@dataclass(frozen=True, slots=True)
class Term:
    shown: str          # how the term is named in explanations
    cls: str
    ground: Ground
    regex: str         # the term, as a regex fragment
    guards: tuple[str, ...]  # regex fragments of its look-alikes
    note: str | None
    quiet: tuple[str, ...] = ()  # look-alikes matched but not shown (names of bodies: 执法局 beside 执法)
    strong: bool = False  # a residue entry a service verb standing on it does not explain (张贴…照片)
    anchor: int = 0  # a residue anchor (把…, 对违规者…): counts only when this many characters, none recognised, follow it in the clause
    power: tuple[str, "Ground"] | None = None  # a doubtful word done to a wrongdoer: the power class and ground it then is


@dataclass(frozen=True)
class Vocabulary:
    classes: tuple[str, ...]
    grounds: dict[str, Ground]
    terms: tuple[Term, ...]
    frames: dict[str, tuple[str, ...]]
    service: tuple[str, ...]
    residue: tuple[Term, ...] = ()  # doubtful residue: counted only where no term or service verb explains it


def _problem(lines: dict, file: str, loc: tuple, msg: str) -> Problem:
    from .yamlsrc import dotted, line_of

    return Problem(file, msg, line_of(lines, loc), dotted(loc))


def parse(data: Any, lines: dict, file: str) -> Vocabulary:
    probs: list[Problem] = []

    def bad(loc: tuple, msg: str) -> None:
        probs.append(_problem(lines, file, loc, msg))

    if not isinstance(data, dict):
        raise VocabularyError([Problem(file, "the vocabulary must be a mapping with classes, grounds, terms, frames, service")])
    for key in ("classes", "grounds", "terms", "frames", "service"):
        if key not in data:
            bad((key,), "missing")
    classes = tuple(data.get("classes") or ())
    grounds: dict[str, Ground] = {}
    for key, g in (data.get("grounds") or {}).items():
        if not isinstance(g, dict) or not isinstance(g.get("words"), str):
            bad(("grounds", key), "a ground needs words (and law, article or articles, item where exact)")
            continue
        extra = set(g) - {"law", "article", "articles", "item", "words", "note"}
        if extra:
            bad(("grounds", key), f"unknown field(s): {', '.join(sorted(extra))}")
        arts = g.get("articles") or ([g["article"]] if "article" in g else [])
        if g.get("law") and not arts:
            bad(("grounds", key), "a ground naming a law must name its article")
        if not all(isinstance(a, int) and a > 0 for a in arts) or (g.get("item") is not None and not isinstance(g["item"], int)):
            bad(("grounds", key), "articles and items are positive integers")
            continue
        grounds[key] = Ground(key, g.get("law"), tuple(arts), g.get("item"), g["words"], g.get("note"))
    seen: set[tuple[str, str]] = set()

    def read_terms(section: str, allowed_classes: tuple, fields: set) -> list[Term]:
        out: list[Term] = []
        for i, t in enumerate(data.get(section) or ()):
            loc = (section, i)
            if not isinstance(t, dict):
                bad(loc, "a term is a mapping")
                continue
            extra = set(t) - fields
            if extra:
                bad(loc, f"unknown field(s): {', '.join(sorted(extra))}")
            if ("term" in t) == ("pattern" in t):
                bad(loc, "give exactly one of term (a literal) or pattern (a regular expression)")
                continue
            if t.get("class") not in allowed_classes:
                bad(loc + ("class",), f"class {t.get('class')!r} is not one of {', '.join(allowed_classes)}")
            ground = grounds.get(t.get("ground"))
            if ground is None:
                bad(loc + ("ground",), f"unknown ground {t.get('ground')!r}")
            literal = t.get("term")
            if literal is not None:
                shown, regex = str(literal), re.escape(str(literal))
            else:
                shown, regex = t.get("shown"), str(t["pattern"])
                if not shown:
                    bad(loc + ("shown",), "a pattern needs `shown`, the name used in explanations")
            key = (section, regex)
            if key in seen:
                bad(loc, f"{shown!r} is listed twice")
            seen.add(key)
            guards: list[str] = []
            quiet: list[str] = []
            for field in ("guards", "quiet_guards"):
                for j, gd in enumerate(t.get(field) or ()):
                    if literal is None or str(literal) not in str(gd) or str(gd) == str(literal):
                        bad(loc + (field, j), f"guard {gd!r} must be a longer text containing the term {literal!r}")
                    (guards if field == "guards" else quiet).append(re.escape(str(gd)))
            guards += [str(p) for p in t.get("guard_patterns") or ()]
            patterns = ([regex] if literal is None else []) + [str(p) for p in t.get("guard_patterns") or ()]
            for j, frag in enumerate(patterns):  # literals are escaped: always valid, always literal-first
                where = loc + (("pattern",) if j == 0 and literal is None else ("guard_patterns",))
                try:
                    re.compile(frag)
                except re.error as exc:
                    bad(where, f"not a valid regular expression: {exc}")
                    continue
                if _top_level_bar(frag):
                    bad(where, "a pattern may not hold a top-level | (write each alternative as its own term, or group them: (?:a|b)…)")
                    continue
                if any(first_literal(alt) is None for alt in expand_leading(frag)):
                    # the reader groups alternatives by first character (speed): say so here, not at read time
                    bad(where, "a pattern must begin with a literal character or a group of literal alternatives (?:a|b)")
            if section == "residue" and not t.get("why"):
                bad(loc + ("why",), "a residue entry says why its words leave the nature in doubt")
            power = None
            if "power" in t:  # 扣…: done to a wrongdoer (对违规者, 乱停车的), a doubtful word is the power act it names
                pg = grounds.get(t["power"])
                pcls = POWER_CLASS.get(str(t["power"]).partition(".")[0])
                if t.get("class") != "doubtful" or pg is None or pcls is None:
                    bad(loc + ("power",), f"power {t['power']!r}: a doubtful word's power act names a ground of penalty, coercion, licensing or other")
                else:
                    power = (pcls, pg)
            if ground is not None and t.get("class") in allowed_classes:
                out.append(Term(shown or "", t["class"], ground, regex, tuple(guards), t.get("why") or t.get("note"),
                                tuple(quiet), bool(t.get("strong")), int(t.get("anchor") or 0), power))
        return out

    term_fields = {"term", "pattern", "shown", "class", "ground", "guards", "guard_patterns", "quiet_guards", "note", "power"}
    terms = read_terms("terms", classes, term_fields)
    # residue (issue 17): words that leave a worker's clause in doubt where no term or service verb explains them
    residue = read_terms("residue", ("doubtful",), term_fields - {"note"} | {"why", "anchor", "strong"})
    frames: dict[str, tuple[str, ...]] = {}
    raw_frames = data.get("frames") or {}
    for key in FRAME_KEYS:
        words = raw_frames.get(key)
        if not words or not all(isinstance(w, str) and w for w in words):
            bad(("frames", key), "a non-empty list of words")
            continue
        if len(set(words)) != len(words):
            bad(("frames", key), "a word is listed twice")
        frames[key] = tuple(words)
    for key in set(raw_frames) - set(FRAME_KEYS):
        bad(("frames", key), f"unknown frame; known: {', '.join(FRAME_KEYS)}")
    service = tuple(data.get("service") or ())
    if len(set(service)) != len(service):
        bad(("service",), "a verb is listed twice: " + "、".join(sorted({s for s in service if service.count(s) > 1})))
    if probs:
        raise VocabularyError(probs)
    return Vocabulary(classes, grounds, tuple(terms), frames, service, tuple(residue))


def load(path: str | Path = PATH) -> Vocabulary:
    from .yamlsrc import YAMLSyntaxError, load_yaml

    import yaml

    try:
        text = Path(path).read_text("utf-8")
    except OSError as exc:
        raise VocabularyError([Problem(str(path), f"cannot read the vocabulary: {exc}")]) from None
    try:  # the fast C parser first; lines are worked out only to report a problem
        return parse(yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)), {}, str(path))
    except (yaml.YAMLError, VocabularyError):
        pass
    try:
        data, lines = load_yaml(text, str(path))
    except YAMLSyntaxError as exc:
        raise VocabularyError([exc.problem]) from None
    return parse(data, lines, str(path))


@functools.lru_cache(maxsize=1)
def default() -> Vocabulary:
    return load(PATH)
