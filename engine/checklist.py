"""A local checklist: the grid matters a county published, and when.

File (YAML or JSON)::

    county: 亭湖区
    published: 2022-03-01
    matters: [采集实有人口信息, 排查安全隐患, ...]

A task whose ``task.on_checklist`` is not stated is looked up here. Matching
does not overclaim (issue 7): a task text equal to a listed matter (script,
width, spaces and punctuation ignored), or a one-clause task text that contains
a listed matter whole (入户采集登记实有人口信息 ⊇ 采集登记实有人口信息), is a
match; anything else is *unknown*, never "off the checklist", because a text
not written as the list writes it is no proof that the matter is not listed.
"""
from __future__ import annotations

import datetime as dt
import functools
import json
import re
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from .errors import InputError, Problem
from .textnorm import normalize, to_simplified

_CLAUSE = re.compile(r"[，,。；;！!？?：:\n]")
MIN_CONTAINED = 4  # a listed matter shorter than this is too general to match inside a longer text


class Checklist(BaseModel):
    model_config = ConfigDict(extra="forbid")
    county: str | None = None
    published: dt.date | None = Field(None, description="publication date; matters apply from then")
    matters: list[str] = Field(min_length=1)

    @functools.cached_property
    def _normalized(self) -> dict[str, str]:
        out: dict[str, str] = {}
        for m in self.matters:
            out.setdefault(normalize(m), m)
        return out

    @functools.cached_property
    def _by_length(self) -> list[tuple[str, str]]:
        return sorted(((n, m) for n, m in self._normalized.items() if len(n) >= MIN_CONTAINED), key=lambda x: -len(x[0]))

    def match(self, text: str) -> str | None:
        """The listed matter the task text is, or None when the text does not show it (unknown, not "off")."""
        n = normalize(text)
        hit = self._normalized.get(n)
        if hit is not None:
            return hit
        if _CLAUSE.search(to_simplified(text.strip().rstrip("。；;，,"))):
            return None  # several clauses: a listed matter inside one of them says nothing about the others
        for norm, matter in self._by_length:
            if norm in n:
                return matter
        return None

    def published_by(self, day: dt.date) -> bool | None:
        return None if self.published is None else self.published <= day

    def source_name(self) -> str:
        return f"{self.county or ''}网格事项清单" + (f"（{self.published}公布）" if self.published else "")


def load_checklist(path: str | Path) -> Checklist:
    from .yamlsrc import YAMLSyntaxError, dotted, line_of, load_yaml

    name = str(path)
    try:
        text = Path(path).read_text("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError([Problem(name, f"cannot read checklist: {exc}")]) from None
    try:
        data, lines = (json.loads(text), {}) if name.endswith(".json") else load_yaml(text, name)
        return Checklist.model_validate(data)
    except YAMLSyntaxError as exc:
        raise InputError([exc.problem]) from None
    except json.JSONDecodeError as exc:
        raise InputError([Problem(name, f"malformed JSON: {exc.msg}", exc.lineno)]) from None
    except ValidationError as exc:
        raise InputError([Problem(name, e["msg"], line_of(lines, tuple(e["loc"])), dotted(tuple(e["loc"])))
                          for e in exc.errors()]) from None
