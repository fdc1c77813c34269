"""Read YAML keeping the line of every key and list item, so errors can say where.

Every YAML a user or a pack author hands us (acts, checklists, packs, header maps)
is read here, and read defensively: before anything is built, one pass over the
parser's events (no recursion, constant memory) refuses explicit tags (``!!int``,
``!!python/...``), nesting deeper than MAX_DEPTH, and documents whose aliases would
expand past MAX_NODES nodes (the "billion laughs" bomb); text past MAX_BYTES is
refused before parsing. A date the YAML resolver would turn into an impossible
date (2024-02-30) stays a string, so the schema reports it with its line.
"""
from __future__ import annotations

from typing import Any

import yaml

from .errors import Problem

_Base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
Lines = dict[tuple, int]

MAX_BYTES = 16 << 20      # a pack file or an act list is far smaller
MAX_DEPTH = 64            # the deepest real structure (a pack condition) is under 15
MAX_NODES = 1_000_000     # nodes after alias expansion


class _NoDuplicates:
    """A key written twice in one mapping is an input error, not "the last one wins":
    ``criminal_record: true`` then ``false`` must not be read as either."""
    _file = "<yaml>"

    def construct_mapping(self, node: Any, deep: bool = False) -> Any:
        if isinstance(node, yaml.MappingNode):
            seen: dict[Any, int] = {}
            for key_node, _ in node.value:
                if key_node.tag == "tag:yaml.org,2002:merge":
                    continue
                key = self.construct_object(key_node, deep=True)  # type: ignore[attr-defined]
                try:
                    if key in seen:
                        raise duplicate_key(self._file, key, key_node.start_mark.line + 1, seen[key])
                    seen[key] = key_node.start_mark.line + 1
                except TypeError:        # an unhashable key: the constructor reports it
                    continue
        return super().construct_mapping(node, deep=deep)  # type: ignore[misc]


def duplicate_key(file: str, key: Any, line: int | None, first: int | None) -> "_SyntaxProblem":
    where = f"（第 {first} 行已写过）" if first else ""
    return _SyntaxProblem(Problem(file, f"键“{key}”重复出现{where}；同一层里每个键只能写一次，请删去多余的一个",
                                  line, code="duplicate_key",
                                  en=f"key {key!r} appears twice" + (f" (first on line {first})" if first else "")
                                  + "; write each key once"))


class _Loader(_NoDuplicates, _Base):  # type: ignore[misc, valid-type]
    pass


def _timestamp(loader: Any, node: yaml.Node) -> Any:
    try:
        return yaml.SafeLoader.construct_yaml_timestamp(loader, node)
    except (ValueError, OverflowError):
        return loader.construct_scalar(node)     # 2024-02-30: left as text for the schema to reject


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp)


class _Plain(_NoDuplicates, getattr(yaml, "CBaseLoader", yaml.BaseLoader)):  # type: ignore[misc]
    """Every scalar a string (header maps), with the same guards."""


def _too(file: str, zh: str, en: str, code: str, mark: Any = None) -> "_SyntaxProblem":
    return _SyntaxProblem(Problem(file, zh, mark.line + 1 if mark is not None else None, code=code, en=en))


def _guard(loader: Any, file: str) -> None:
    """Walk the events once: refuse tags, deep nesting and alias bombs before composing."""
    sizes: dict[str, int] = {}        # anchor -> expanded node count
    stack: list[list] = []            # open collections: [anchor, count]
    total = 0
    while True:
        ev = loader.get_event()
        if isinstance(ev, (yaml.StreamEndEvent, yaml.DocumentEndEvent)):
            if isinstance(ev, yaml.StreamEndEvent):
                return
            continue
        if isinstance(ev, (yaml.StreamStartEvent, yaml.DocumentStartEvent)):
            continue
        tag = getattr(ev, "tag", None)
        if tag is not None and tag != "!" and not (isinstance(ev, yaml.ScalarEvent) and ev.implicit[0]):
            raise _too(file, f"不接受 YAML 标签（{tag}）；请直接写值", f"YAML tags are not accepted ({tag}); write the plain value",
                       "yaml_tag", ev.start_mark)
        if isinstance(ev, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            stack.append([ev.anchor, 1])
            if len(stack) > MAX_DEPTH:
                raise _too(file, f"嵌套超过 {MAX_DEPTH} 层，不予读取", f"nested deeper than {MAX_DEPTH} levels", "too_deep",
                           ev.start_mark)
            continue
        if isinstance(ev, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            anchor, n = stack.pop()
            if anchor:
                sizes[anchor] = n
        elif isinstance(ev, yaml.AliasEvent):
            n = sizes.get(ev.anchor, 1)
        else:  # scalar
            n = 1
            if ev.anchor:
                sizes[ev.anchor] = 1
        if stack:
            stack[-1][1] += n
        else:
            total += n
        if total > MAX_NODES or (stack and stack[-1][1] > MAX_NODES):
            raise _too(file, f"别名（alias）展开超过 {MAX_NODES:,} 个节点，不予读取；请直接写出数据",
                       f"aliases expand past {MAX_NODES:,} nodes (an alias bomb?); write the data out", "alias_bomb",
                       ev.start_mark)


_MALFORMED = "YAML 格式错误：请检查这一行及上一行的缩进、冒号后的空格、括号和引号是否成对"


def _check_size(text: str, file: str) -> None:
    if len(text) > MAX_BYTES:
        raise _SyntaxProblem(Problem(file, f"文件超过 {MAX_BYTES >> 20} MB，不予读取", code="too_large",
                                     en=f"larger than {MAX_BYTES >> 20} MB; not read"))


def _parse(loader_cls: type, text: str, file: str, keep_lines: bool, guarded: bool = True) -> tuple[Any, Lines]:
    _check_size(text, file)
    guard = loader_cls(text)
    loader = loader_cls(text)
    loader._file = file
    try:
        if guarded:
            _guard(guard, file)
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        raise _SyntaxProblem(Problem(file, _MALFORMED, line, en=f"malformed YAML: {exc.problem or exc}")) from None
    except yaml.YAMLError as exc:
        raise _SyntaxProblem(Problem(file, _MALFORMED, en=f"malformed YAML: {exc}")) from None
    except (ValueError, TypeError, OverflowError, RecursionError) as exc:   # a constructor on a bad scalar
        raise _SyntaxProblem(Problem(file, "YAML 中有无法读取的值", en=f"malformed YAML: {exc}")) from None
    finally:
        guard.dispose()
        loader.dispose()
    lines: Lines = {}
    if node is not None and keep_lines:
        _walk(node, lines)
    return data, lines


def load_yaml(text: str, file: str, guarded: bool = True) -> tuple[Any, Lines]:
    """Parse one YAML document; raise a one-problem list on a syntax error or a refused construct.
    ``guarded=False`` skips the event pass, only for bytes that already passed it (a validated pack)."""
    return _parse(_Loader, text, file, True, guarded)


def load_plain(text: str, file: str) -> Any:
    """A YAML document with every scalar left a string (header maps), guarded the same way."""
    return _parse(_Plain, text, file, False)[0]


class _SyntaxProblem(Exception):
    def __init__(self, problem: Problem):
        self.problem = problem


YAMLSyntaxError = _SyntaxProblem


def _walk(root: yaml.Node, lines: Lines) -> None:
    """Lines of keys and items; iterative, and an aliased node is walked once (no expansion)."""
    seen: set[int] = set()
    todo: list[tuple[yaml.Node, tuple]] = [(root, ())]
    while todo:
        node, path = todo.pop()
        lines.setdefault(path, node.start_mark.line + 1)
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                sub = path + (key.value,)
                lines[sub] = key.start_mark.line + 1
                todo.append((value, sub))
        elif isinstance(node, yaml.SequenceNode):
            for i, item in enumerate(node.value):
                todo.append((item, path + (i,)))


def line_of(lines: Lines, loc: tuple) -> int | None:
    """The line of the deepest known prefix of a location."""
    for n in range(len(loc), -1, -1):
        if loc[:n] in lines:
            return lines[loc[:n]]
    return None


def dotted(loc: tuple) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def json_depth_ok(text: str, limit: int = MAX_DEPTH) -> bool:
    """Cheap guard before json.loads: brackets never nest deeper than ``limit``
    (counted outside strings only when the text has that many brackets at all)."""
    if text.count("{") + text.count("[") <= limit:
        return True
    depth = 0
    in_str = esc = False
    for ch in text:
        if in_str:
            if esc:
                esc = False
            elif ch == "\\":
                esc = True
            elif ch == '"':
                in_str = False
        elif ch == '"':
            in_str = True
        elif ch in "[{":
            depth += 1
            if depth > limit:
                return False
        elif ch in "]}":
            depth -= 1
    return True



def load_json(text: str, file: str) -> Any:
    """JSON read as defensively as YAML: nesting past MAX_DEPTH and a key written twice in one
    object are refused with the place; a syntax error names its line and column."""
    import json

    _check_size(text, file)
    if not json_depth_ok(text):
        raise _SyntaxProblem(Problem(file, f"嵌套超过 {MAX_DEPTH} 层，不予读取", code="too_deep",
                                     en=f"nested deeper than {MAX_DEPTH} levels"))

    def pairs(items: list[tuple[str, Any]]) -> dict:
        out: dict = {}
        for k, v in items:
            if k in out:
                raise _Duplicate(k)
            out[k] = v
        return out

    try:
        return json.loads(text, object_pairs_hook=pairs)
    except _Duplicate as dup:
        line = _json_key_line(text, dup.key)
        raise duplicate_key(file, dup.key, line, None) from None
    except json.JSONDecodeError as exc:
        raise _SyntaxProblem(Problem(file, f"JSON 格式错误（第 {exc.lineno} 行第 {exc.colno} 列）", exc.lineno,
                                     code="malformed_json", en=f"malformed JSON: {exc.msg}")) from None
    except (RecursionError, ValueError) as exc:     # ValueError: a number too long to convert
        raise _SyntaxProblem(Problem(file, "JSON 中有无法读取的值（如位数过多的数字）", code="malformed_json",
                                     en=f"malformed JSON: {exc}")) from None


class _Duplicate(Exception):
    def __init__(self, key: str):
        self.key = key


def _json_key_line(text: str, key: str) -> int | None:
    """The line of the second occurrence of ``"key":`` (a hint; None when it cannot be told)."""
    import json
    import re

    hits = [m.start() for m in re.finditer(re.escape(json.dumps(key, ensure_ascii=False)) + r"\s*:", text)]
    if len(hits) < 2:
        hits = [m.start() for m in re.finditer(re.escape(json.dumps(key)) + r"\s*:", text)]
    return text.count("\n", 0, hits[1]) + 1 if len(hits) >= 2 else None
