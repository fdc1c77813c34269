"""Load, validate and compile a city pack.

Every problem is collected, with file and line, before the pack is refused:
schema errors, unknown fact names (with a "did you mean"), values outside a
fact's vocabulary, quotes not found in the cited article/paragraph/item of
``source.md``, citations to articles that do not exist, duplicate rule ids,
and articles neither used by a rule nor listed as not modelled.
"""
from __future__ import annotations

import difflib
import functools
import hashlib
from dataclasses import dataclass, field
from importlib import resources
from importlib.resources.abc import Traversable
from typing import Any

from pydantic import BaseModel, ValidationError

from .facts import fact_vocabulary
from .conditions import Fn, compile_condition, facts_in, guarded_in
from .errors import PackError, Problem
from .packlinks import extends_problems, rule_link_problems
from .packspec import CONDITION_TAGS, Case, CaseFile, PackMeta, Rule
from .source import Source, parse_source
from .structures import applicability, known_guards, outcomes_of, problems_of, requirement
from .textnorm import int_to_cn, to_simplified
from .yamlsrc import YAMLSyntaxError, dotted, line_of, load_yaml
from . import packcache as _cache
from .packfiles import pack_files as _pack_files

CITIES = ("binzhou", "yancheng", "quzhou", "zigong", "jiaxing")
# The issue-8 format, during the transition: a rule that names its structure is held to it, and a
# `{known: true}` guard in its `when` (applicability that belongs in `trigger`) is an error; in a rule
# that does not yet, the guard is a warning (`gridlaw validate`). Set True once every pack has migrated:
# then every rule must name its structure and question, and every such guard is an error.
ALL_PACKS_MIGRATED = True


@dataclass(slots=True)
class CompiledRule:
    spec: Rule
    when: Fn | None
    ok: Fn
    facts: tuple[str, ...]
    roles: frozenset[str] | None
    file: str
    line: int | None
    citation: str  # rendered in Chinese
    trigger: Fn | None = None    # applies only when known true
    exempt: Fn | None = None     # does not apply when known true; unknown → applicability unknown
    outcomes: tuple[str, str, str] = ("satisfied", "violated", "unknown")  # on satisfied / breach / unknown
    asks: tuple[str, ...] = ()   # the facts an unknown finding can be missing: not the trigger's (a rule
                                 # in force had its trigger known true; its unstated alternatives are not needed)
    applies: Fn | None = None    # structures.applicability compiled: roles, trigger, exempt and when in one

    @property
    def id(self) -> str:
        return self.spec.id


@dataclass
class Pack:
    meta: PackMeta
    source: Source
    rules: list[CompiledRule]
    hash: str
    root: Traversable
    by_kind: dict[str, list[CompiledRule]] = field(default_factory=dict)
    review: list[str] | None = None   # files changed since review (policies/reviewed.json); None: no reviewed state

    @property
    def id(self) -> str:
        return self.meta.id

    def rule(self, rule_id: str) -> CompiledRule | None:
        return next((r for r in self.rules if r.id == rule_id), None)

    def coverage(self) -> dict[int, tuple[str, list[str] | str]]:
        """article -> ("rules", [ids]) | ("not_modelled", reason) | ("missing", "")."""
        used: dict[int, list[str]] = {}
        for r in self.rules:
            used.setdefault(r.spec.cite.article, []).append(r.id)
        if self.meta.effective_cite:
            used.setdefault(self.meta.effective_cite.article, []).append("(effective date → not_in_force)")
        skipped = {n.article: n.reason for n in self.meta.not_modelled}
        out: dict[int, tuple[str, list[str] | str]] = {}
        for n in self.meta.excerpt or range(1, self.meta.articles + 1):  # an excerpt accounts for what it holds
            out[n] = ("rules", used[n]) if n in used else ("not_modelled", skipped[n]) if n in skipped else ("missing", "")
        return out

    def warnings(self) -> list[Problem]:
        """Located warnings that do not refuse the pack: applicability hidden in `when` (transition to
        the issue-8 format) and quotes that match source.md only after normalisation."""
        out = [Problem(r.file, _guard_message(r.spec), r.line, "when") for r in self.rules if known_guards(r.spec)]
        for r in self.rules:
            c = r.spec.cite
            if not self.source.verbatim(r.spec.quote, c.article, c.paragraph, c.item):
                text = to_simplified(self.source.articles[c.article].locate(c.paragraph, c.item) or "")
                odd = "".join(dict.fromkeys(ch for ch in to_simplified(r.spec.quote) if ch not in text))
                out.append(Problem(r.file, f"{r.id}: quote matches {cite_text_en(c.article, c.paragraph, c.item)} only "
                                   f"after normalising punctuation, width or spacing; quote it as the source reads"
                                   + (f"; not in the source: {odd!r}" if odd else ""), r.line, "quote"))
        return out

    def cases(self) -> list[tuple[str, Case, int | None, bool]]:
        """The pack's YAML test cases: (file, case, line, the file's national-layer switch)."""
        out: list[tuple[str, Case, int | None, bool]] = []
        problems: list[Problem] = []
        tests = self.root / "tests"
        for entry in sorted(tests.iterdir(), key=lambda e: e.name) if tests.is_dir() else []:
            if not entry.name.endswith(".yaml"):
                continue
            name = f"{_where(self)}/tests/{entry.name}"
            parsed = _validate(entry.read_text("utf-8"), name, CaseFile, problems)
            if parsed is not None:
                model, lines = parsed
                out.extend((name, c, line_of(lines, ("cases", i)), model.national) for i, c in enumerate(model.cases))
        if problems:
            raise PackError(problems)
        return out


def _where(pack: "Pack") -> str:
    """How problems name a pack's folder: its id, or the folder its rule files were read from."""
    return pack.rules[0].file.rsplit("/rules/", 1)[0] if pack.rules else pack.id


def cite_text(title: str, article: int, paragraph: int | None = None, item: int | None = None) -> str:
    text = f"《{title}》第{int_to_cn(article)}条"
    if paragraph:
        text += f"第{int_to_cn(paragraph)}款"
    if item:
        text += f"第（{int_to_cn(item)}）项"
    return text


def cite_text_en(article: int, paragraph: int | None = None, item: int | None = None) -> str:
    text = f"Art. {article}"
    if paragraph:
        text += f"({paragraph})"
    if item:
        text += f"({item})"
    return text


def pack_root(city: str) -> Traversable:
    return resources.files("gridlaw.policies") / city


def available_packs() -> list[str]:
    base = resources.files("gridlaw.policies")
    return [c for c in CITIES if (base / c / "pack.yaml").is_file()]


@functools.lru_cache(maxsize=None)
def load_pack(city: str) -> Pack:
    """The compiled pack of a city; raises PackError listing every problem."""
    if city not in CITIES:
        near = difflib.get_close_matches(city, CITIES, n=1)
        hint = f" (did you mean {near[0]}?)" if near else ""
        raise PackError([Problem(city, f"unknown city{hint}; known: {', '.join(CITIES)}")])
    return compile_pack(pack_root(city), city)


def _digest(files: dict[str, bytes]) -> str:
    digest = hashlib.sha256()
    for rel, data in files.items():
        digest.update(rel.encode() + b"\0" + data + b"\0")
    return digest.hexdigest()


def compile_pack(root: Traversable, city: str, use_cache: bool = True, where: str | None = None) -> Pack:
    """Validate and compile a pack. The pack is always built from the bytes read here, whose hash
    is the stamp's pack hash; when the cache says these exact bytes passed full validation under
    this engine, the validation (quote matching, coverage, vocabulary) is skipped — the parsing is
    not, so the cache can make an answer faster but never different (engine/packcache.py)."""
    files = _pack_files(root)
    pack_hash = _digest(files)
    pack = None
    if use_cache and _cache.validated(city, pack_hash):
        pack = _rebuild(root, city, files, pack_hash, where or city)
    if pack is None:
        pack = _compile_uncached(root, city, files, pack_hash, where or city)
        if use_cache:
            _cache.store(city, pack_hash)
    from .packreview import note

    pack.review = note(city, pack_hash, files, pack.meta.title, root)
    return pack


def _rebuild(root: Traversable, city: str, files: dict[str, bytes], pack_hash: str, where: str) -> Pack | None:
    """The pack from bytes known to be valid: parsed and compiled, not re-checked; None on any surprise."""
    problems: list[Problem] = []
    try:
        # the event guard (tags, depth, alias bombs) ran on these bytes when they were validated
        parsed = _validate(files["pack.yaml"].decode("utf-8"), f"{where}/pack.yaml", PackMeta, problems, False)
        source = parse_source(files["source.md"].decode("utf-8"))
        if parsed is None:
            return None
        meta = parsed[0]
        rules: list[CompiledRule] = []
        for rel in (r for r in files if r.startswith("rules/")):
            name = f"{where}/{rel}"
            got = _validate_rules(files[rel].decode("utf-8"), name, problems, False)
            if got is None:
                return None
            valid, lines = got
            rules += [_compile_rule(rule, name, line_of(lines, ("rules", i)), meta.title, source) for i, rule in valid]
    except (KeyError, UnicodeDecodeError, ValueError):
        return None
    return None if problems else _assemble(meta, source, rules, pack_hash, root)


def _compile_uncached(root: Traversable, city: str, files: dict[str, bytes], pack_hash: str, where: str) -> Pack:
    """``city`` is the pack id (folder name); ``where`` prefixes file names in problems (a user's path)."""
    problems: list[Problem] = []

    def read(rel: str) -> str | None:
        if rel not in files:
            problems.append(Problem(f"{where}/{rel}", "file missing"))
            return None
        data = files[rel]
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError as exc:
            problems.append(Problem(f"{where}/{rel}", f"not UTF-8 ({exc.reason} at byte {exc.start})"))
            return None

    meta_text = read("pack.yaml")
    parsed = _validate(meta_text, f"{where}/pack.yaml", PackMeta, problems) if meta_text is not None else None
    meta, meta_lines = parsed if parsed else (None, {})
    src_text = read("source.md")
    source = parse_source(src_text) if src_text is not None else None

    if meta and meta.id != city:
        problems.append(Problem(f"{where}/pack.yaml", f"id {meta.id!r} does not match the folder {city!r}",
                                line_of(meta_lines, ("id",)), "id"))
    if meta and source and meta.effective_cite:
        ec = meta.effective_cite
        if not source.contains(ec.quote, ec.article):
            problems.append(Problem(f"{where}/pack.yaml", f"quote not found in Art. {ec.article} of source.md: {ec.quote!r}",
                                    line_of(meta_lines, ("effective_cite", "quote")), "effective_cite.quote"))
    if meta and source:  # where a pack leaves a question, quoted from its own text like a rule
        for q, silence in meta.silent_on.items():
            c = silence.cite
            if silence.quote and (c is None or not source.contains(silence.quote, c.article, c.paragraph, c.item)):
                problems.append(Problem(f"{where}/pack.yaml", f"silent_on.{q}: quote not found in "
                                        f"{'Art. ' + str(c.article) if c else 'an article (give cite)'} of source.md: "
                                        f"{silence.quote!r}", line_of(meta_lines, ("silent_on", q, "quote")),
                                        f"silent_on.{q}.quote"))
    if meta and source and meta.excerpt:
        if sorted(source.articles) != sorted(meta.excerpt):
            problems.append(Problem(f"{where}/source.md", f"the excerpt lists articles {meta.excerpt}; source.md holds "
                                    f"{sorted(source.articles)}", line_of(meta_lines, ("excerpt",)), "excerpt"))
    elif meta and source:
        found = sorted(source.articles)
        if found != list(range(1, meta.articles + 1)):
            problems.append(Problem(f"{where}/source.md",
                                    f"expected articles 1..{meta.articles} in order, found {len(found)} "
                                    f"({_gaps(found, meta.articles)})"))

    vocab = fact_vocabulary()
    rules: list[CompiledRule] = []
    seen: dict[str, str] = {}
    rule_files = [rel for rel in files if rel.startswith("rules/")]
    if not rule_files:
        problems.append(Problem(f"{where}/rules", "no rule files"))
    for rel in rule_files:
        name = f"{where}/{rel}"
        text = read(rel)
        parsed_rules = _validate_rules(text, name, problems) if text is not None else None
        if parsed_rules is None:
            continue
        valid, lines = parsed_rules
        for i, rule in valid:
            loc = ("rules", i)
            line = line_of(lines, loc)
            before = len(problems)
            _check_rule(rule, city, name, lines, loc, vocab, source, seen, problems)
            if rule.refines or rule.displaces:  # links to the base pack (engine/packlinks.py), located like the rest
                problems.extend(rule_link_problems(rule, meta, source, name, lines, loc, _base(meta)))
            seen.setdefault(rule.id, f"{name}:{line}")
            if len(problems) == before:
                rules.append(_compile_rule(rule, name, line, meta.title if meta else city, source))

    if meta:
        _check_coverage(meta, meta_lines, rules, problems, where)
    if meta and meta.extends:  # a pack built on another: the base must exist and rank below
        problems.extend(extends_problems(meta, meta_lines, where, _base(meta), CITIES))
    if problems or meta is None or source is None:
        raise PackError(problems)
    return _assemble(meta, source, rules, pack_hash, root)


def _base(meta: PackMeta | None) -> Pack | None:
    """The shipped city pack a pack ``extends``, or None."""
    return load_pack(meta.extends) if meta is not None and meta.extends in CITIES else None


def _assemble(meta: PackMeta, source: Source, rules: list[CompiledRule], pack_hash: str, root: Traversable) -> Pack:
    pack = Pack(meta, source, rules, pack_hash, root)
    for r in rules:
        pack.by_kind.setdefault(r.spec.act, []).append(r)
    return pack


def _gaps(found: list[int], n: int) -> str:
    missing = sorted(set(range(1, n + 1)) - set(found))
    extra = sorted(set(found) - set(range(1, n + 1)))
    parts = []
    if missing:
        parts.append("missing " + ", ".join(map(str, missing[:10])))
    if extra:
        parts.append("unexpected " + ", ".join(map(str, extra[:10])))
    return "; ".join(parts) or "order differs"


def _load(text: str, name: str, problems: list[Problem], guarded: bool = True) -> tuple[Any, dict] | None:
    try:
        return load_yaml(text, name, guarded)
    except YAMLSyntaxError as exc:
        problems.append(exc.problem)
        return None


def _schema_problems(exc: ValidationError, name: str, lines: dict, prefix: tuple = ()) -> list[Problem]:
    """One located problem per pydantic error; union tags are not part of the YAML path."""
    out = []
    for err in exc.errors():
        loc = prefix + tuple(p for p in err["loc"] if p not in CONDITION_TAGS)
        out.append(Problem(name, _pydantic_message(err), line_of(lines, loc), dotted(loc) or None))
    return out


def _validate(text: str, name: str, model: type[BaseModel], problems: list[Problem], guarded: bool = True
              ) -> tuple[Any, dict] | None:
    loaded = _load(text, name, problems, guarded)
    if loaded is None:
        return None
    data, lines = loaded
    try:
        return model.model_validate(data), lines
    except ValidationError as exc:
        problems.extend(_schema_problems(exc, name, lines))
        return None


def _validate_rules(text: str, name: str, problems: list[Problem], guarded: bool = True
                    ) -> tuple[list[tuple[int, Rule]], dict] | None:
    """Validate each rule on its own, so one bad rule does not hide the others' problems."""
    loaded = _load(text, name, problems, guarded)
    if loaded is None:
        return None
    data, lines = loaded
    if not isinstance(data, dict) or not isinstance(data.get("rules"), list) or set(data) != {"rules"}:
        problems.append(Problem(name, "a rule file is a mapping with one key, 'rules', holding a list", 1))
        return None
    valid = []
    for i, item in enumerate(data["rules"]):
        try:
            valid.append((i, Rule.model_validate(item)))
        except ValidationError as exc:
            problems.extend(_schema_problems(exc, name, lines, ("rules", i)))
    return valid, lines


def _pydantic_message(err: dict) -> str:
    msg = err["msg"]
    if err["type"] == "extra_forbidden":
        return "unknown field"
    if err["type"] == "missing":
        return "required field missing"
    return msg.removeprefix("Value error, ")


def _check_rule(rule: Rule, city: str, name: str, lines: dict, loc: tuple, vocab: dict,
                source: Source | None, seen: dict[str, str], problems: list[Problem]) -> None:
    def add(message: str, *sub: Any) -> None:
        where = loc + sub
        problems.append(Problem(name, message, line_of(lines, where), dotted(where)))

    if rule.id in seen:
        add(f"duplicate rule id {rule.id!r} (first at {seen[rule.id]})", "id")
    if not rule.id.startswith(f"{city}.art{rule.cite.article}."):
        add(f"rule id must start with '{city}.art{rule.cite.article}.' to match its citation", "id")
    for message, sub in problems_of(rule):
        add(message, *sub)
    if known_guards(rule) and (rule.structure is not None or ALL_PACKS_MIGRATED):
        add(_guard_message(rule), "when")
    if ALL_PACKS_MIGRATED:
        for key, what in (("structure", "the legal structure it encodes (docs/structures.md)"),
                          ("question", "the question it answers in packs --matrix")):
            if getattr(rule, key) is None:
                add(f"{rule.id} names no {key}: every rule declares {what}", "id")
    known = vocab[rule.act]
    for key in ("trigger", "exempt", "when", "require", "forbid"):
        for path, cmp in _compares_with_path(getattr(rule, key), (key,)):
            if cmp.fact not in known:
                near = difflib.get_close_matches(cmp.fact, list(known), n=1, cutoff=0.6)
                hint = f"; did you mean {near[0]!r}?" if near else ""
                add(f"unknown fact {cmp.fact!r} for a {rule.act} act{hint}", *path, "fact")
                continue
            values = known[cmp.fact].get("values")
            op, value = cmp.op
            if values and op != "known":
                for v in value if isinstance(value, list) else [value]:
                    if v not in values:
                        add(f"{v!r} is not a value of {cmp.fact} (one of: {', '.join(map(str, values))})", *path, op)
    if source is not None:
        c = rule.cite
        art = source.articles.get(c.article)
        if art is None:
            add(f"article {c.article} is not in source.md", "cite")
        elif art.locate(c.paragraph, c.item) is None:
            add(f"{cite_text_en(c.article, c.paragraph, c.item)} does not exist in source.md "
                f"(article {c.article} has {len(art.paragraphs)} paragraph(s))", "cite")
        elif not source.contains(rule.quote, c.article, c.paragraph, c.item):
            add(f"quote not found in {cite_text_en(c.article, c.paragraph, c.item)} of source.md: {rule.quote!r}",
                "quote")


def _guard_message(rule: Rule) -> str:
    facts = ", ".join(known_guards(rule))
    return (f"{rule.id}: `when` requires {facts} to be stated ({{known: true}}); that is applicability: "
            f"declare it as `trigger` (applies only when known true)")


def _compares_with_path(cond: Any, path: tuple):
    """(path, Compare) for every comparison, with the YAML path of each."""
    if cond is None:
        return
    for attr, key in (("all", "all"), ("any", "any")):
        if hasattr(cond, attr) and isinstance(getattr(cond, attr), list):
            for i, sub in enumerate(getattr(cond, attr)):
                yield from _compares_with_path(sub, path + (key, i))
            return
    if hasattr(cond, "not_"):
        yield from _compares_with_path(cond.not_, path + ("not",))
        return
    yield path, cond


def _compile_rule(rule: Rule, file: str, line: int | None, title: str, source: Source | None) -> CompiledRule:
    ok = compile_condition(requirement(rule))
    applies = applicability(rule)
    guarded = guarded_in(rule.require) | guarded_in(rule.forbid)  # never unknown: not asked for
    asks = list(dict.fromkeys([*(["role"] if rule.roles else []), *facts_in(rule.exempt), *facts_in(rule.when),
                               *(f for f in [*facts_in(rule.require), *facts_in(rule.forbid)] if f not in guarded)]))
    names = list(dict.fromkeys([*asks, *facts_in(rule.trigger)]))
    c = rule.cite
    art = source.articles.get(c.article) if source else None
    # Citation practice: an article of one paragraph is cited without 第一款 (第十条第（一）项).
    paragraph = None if art is not None and len(art.paragraphs) == 1 and c.paragraph == 1 else c.paragraph
    return CompiledRule(rule, compile_condition(rule.when) if rule.when else None, ok, tuple(names),
                        frozenset(rule.roles) if rule.roles else None, file, line,
                        cite_text(title, c.article, paragraph, c.item),
                        compile_condition(rule.trigger) if rule.trigger else None,
                        compile_condition(rule.exempt) if rule.exempt else None, outcomes_of(rule), tuple(asks),
                        compile_condition(applies) if applies is not None else None)


def _check_coverage(meta: PackMeta, lines: dict, rules: list[CompiledRule], problems: list[Problem], city: str) -> None:
    used = {r.spec.cite.article for r in rules} | ({meta.effective_cite.article} if meta.effective_cite else set())
    listed: set[int] = set()
    for i, entry in enumerate(meta.not_modelled):
        where = ("not_modelled", i)
        if entry.article in used:
            problems.append(Problem(f"{city}/pack.yaml", f"article {entry.article} is listed as not modelled but rules use it",
                                    line_of(lines, where), dotted(where)))
        if entry.article > meta.articles or entry.article in listed or (meta.excerpt and entry.article not in meta.excerpt):
            problems.append(Problem(f"{city}/pack.yaml", f"article {entry.article} listed twice or out of range",
                                    line_of(lines, where), dotted(where)))
        listed.add(entry.article)
    missing = sorted(set(meta.excerpt or range(1, meta.articles + 1)) - used - listed)
    if missing:
        problems.append(Problem(f"{city}/pack.yaml", "articles neither used by a rule nor listed as not modelled: "
                                + ", ".join(map(str, missing)), line_of(lines, ("not_modelled",)), "not_modelled"))
