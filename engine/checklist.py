"""A local checklist: the grid matters a county published, and when.

File (YAML or JSON)::

    county: 亭湖区
    published: 2022-03-01
    matters: [采集实有人口信息, 排查安全隐患, ...]

An assignment whose ``task.on_checklist`` is not stated is looked up here by
its normalised text (script, width and punctuation ignored); a match is exact,
not fuzzy, because "almost the listed matter" is not the listed matter.
"""
from __future__ import annotations

import datetime as dt
import functools
import json
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from .errors import InputError, Problem
from .textnorm import normalize


class Checklist(BaseModel):
    model_config = ConfigDict(extra="forbid")
    county: str | None = None
    published: dt.date | None = Field(None, description="publication date; matters apply from then")
    matters: list[str] = Field(min_length=1)

    @functools.cached_property
    def _normalized(self) -> frozenset[str]:
        return frozenset(normalize(m) for m in self.matters)

    def has(self, text: str) -> bool:
        return normalize(text) in self._normalized

    def published_by(self, day: dt.date) -> bool | None:
        return None if self.published is None else self.published <= day


def load_checklist(path: str | Path) -> Checklist:
    from .yamlsrc import MAX_BYTES, YAMLSyntaxError, dotted, json_depth_ok, line_of, load_yaml

    name = str(path)
    try:
        with open(path, "rb") as f:
            raw = f.read(MAX_BYTES + 1)
        if len(raw) > MAX_BYTES:
            raise InputError([Problem(name, f"larger than {MAX_BYTES >> 20} MB; not a checklist")])
        text = raw.decode("utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError([Problem(name, f"cannot read checklist: {exc}")]) from None
    try:
        if name.endswith(".json") and not json_depth_ok(text):
            raise InputError([Problem(name, "nested too deeply to be a checklist")])
        data, lines = (json.loads(text), {}) if name.endswith(".json") else load_yaml(text, name)
        return Checklist.model_validate(data)
    except YAMLSyntaxError as exc:
        raise InputError([exc.problem]) from None
    except json.JSONDecodeError as exc:
        raise InputError([Problem(name, f"malformed JSON: {exc.msg}", exc.lineno)]) from None
    except ValidationError as exc:
        raise InputError([Problem(name, e["msg"], line_of(lines, tuple(e["loc"])), dotted(tuple(e["loc"])))
                          for e in exc.errors()]) from None
