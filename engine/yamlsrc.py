"""Read YAML keeping the line of every key and list item, so errors can say where."""
from __future__ import annotations

from typing import Any

import yaml

from .errors import Problem

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
Lines = dict[tuple, int]


def load_yaml(text: str, file: str) -> tuple[Any, Lines]:
    """Parse one YAML document; raise a one-problem list on a syntax error."""
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        raise _SyntaxProblem(Problem(file, f"malformed YAML: {exc.problem or exc}", line)) from None
    except yaml.YAMLError as exc:
        raise _SyntaxProblem(Problem(file, f"malformed YAML: {exc}")) from None
    finally:
        loader.dispose()
    lines: Lines = {}
    if node is not None:
        _walk(node, (), lines)
    return data, lines


class _SyntaxProblem(Exception):
    def __init__(self, problem: Problem):
        self.problem = problem


YAMLSyntaxError = _SyntaxProblem


def _walk(node: yaml.Node, path: tuple, lines: Lines) -> None:
    lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            sub = path + (key.value,)
            _walk(value, sub, lines)
            lines[sub] = key.start_mark.line + 1
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _walk(item, path + (i,), lines)


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
