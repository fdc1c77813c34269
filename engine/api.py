"""The library surface: parse an act, check it under its city's pack."""
from __future__ import annotations

import difflib
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from .acts import ACT_MODELS, fact_vocabulary
from .checklist import Checklist, load_checklist
from .errors import InputError, Problem
from .evaluate import Decision, evaluate
from .loader import load_pack
from .yamlsrc import MAX_BYTES, YAMLSyntaxError, dotted, line_of, load_yaml

def parse_act(data: Any, file: str = "<act>", lines: dict | None = None) -> BaseModel:
    """Validate a dict (or pass a model through); InputError lists every problem with its place."""
    if isinstance(data, BaseModel):
        return data
    if not isinstance(data, dict):
        raise InputError([Problem(file, f"an act is a mapping with kind, city and date; got {type(data).__name__}", 1)])
    kind = data.get("kind")
    if not isinstance(kind, str) or kind not in ACT_MODELS:
        near = difflib.get_close_matches(str(kind), ACT_MODELS, n=1)
        hint = f" (did you mean {near[0]!r}?)" if near else ""
        raise InputError([Problem(file, f"unknown act kind {kind!r}{hint}; one of {', '.join(ACT_MODELS)}",
                                  line_of(lines or {}, ("kind",)), "kind")])
    try:
        model = ACT_MODELS[kind].model_validate(data)
    except ValidationError as exc:
        raise InputError([_problem(file, kind, e, lines or {}) for e in exc.errors()]) from None
    missing = _missing_required(model, ())
    if missing:
        raise InputError([Problem(file, "required field missing", line_of(lines or {}, loc), dotted(loc))
                          for loc in missing])
    return model


_REQUIRED = frozenset({"date", "year", "passed"})   # the act's date; an appraisal's year and result


def _missing_required(model: BaseModel, loc: tuple) -> list[tuple]:
    """Fields whose type does not admit None but were left out (the act models default every
    field to None so that a partial act parses; the evaluation cannot go on without these)."""
    import types
    import typing

    out: list[tuple] = []
    for name, info in type(model).model_fields.items():
        value = getattr(model, name)
        ann = info.annotation
        optional = ann is None or type(None) in typing.get_args(ann) or (
            isinstance(ann, types.UnionType) and type(None) in ann.__args__)
        if value is None and not optional and name in _REQUIRED:
            out.append(loc + (name,))
        elif isinstance(value, BaseModel):
            out += _missing_required(value, loc + (name,))
        elif isinstance(value, list):
            out += [m for i, v in enumerate(value) if isinstance(v, BaseModel) for m in _missing_required(v, loc + (name, i))]
    return out


def _problem(file: str, kind: str, err: dict, lines: dict) -> Problem:
    loc = tuple(err["loc"])
    path = dotted(loc)
    msg = err["msg"]
    if err["type"] == "extra_forbidden":
        vocab = [k for k in fact_vocabulary()[kind]]
        near = difflib.get_close_matches(".".join(str(p) for p in loc if not isinstance(p, int)), vocab, n=1)
        msg = "unknown field" + (f"; did you mean {near[0]!r}?" if near else "")
    elif err["type"] == "missing":
        msg = "required field missing"
    elif err["type"].startswith("date"):
        msg = f"{msg}; write dates as YYYY-MM-DD (got {err.get('input')!r})"
    elif err["type"] == "literal_error":
        msg = f"{msg} (got {err.get('input')!r})"
    return Problem(file, msg, line_of(lines, loc), path)


def read_act_file(path: str, text: str | bytes | None = None) -> list[tuple[BaseModel, str]]:
    """Acts from a JSON/YAML file ('-' for stdin text or bytes): one act or a list of acts.
    At most MAX_BYTES are read, so /dev/zero or an endless pipe ends in an error, not a hang."""
    name = "<stdin>" if path == "-" else path
    if text is None or isinstance(text, bytes):
        try:
            if isinstance(text, bytes):
                raw = text
            else:
                with open(path, "rb") as f:
                    raw = f.read(MAX_BYTES + 1)
        except OSError as exc:
            raise InputError([Problem(name, f"cannot read: {exc.strerror}")]) from None
        if len(raw) > MAX_BYTES:
            raise InputError([Problem(name, f"larger than {MAX_BYTES >> 20} MB; not an act file")])
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise InputError([Problem(name, f"not UTF-8 text (byte {exc.start}); save the file as UTF-8")]) from None
    try:
        data, lines = load_yaml(text, name)
    except YAMLSyntaxError as exc:
        raise InputError([exc.problem]) from None
    if isinstance(data, list):
        acts, problems = [], []
        for i, item in enumerate(data):
            sub = {k[1:]: v for k, v in lines.items() if k[:1] == (i,)}
            try:
                acts.append((parse_act(item, name, sub), f"{name}[{i}]"))
            except InputError as exc:
                problems += [Problem(p.file, p.message, p.line, f"[{i}]" + ("." + p.path if p.path else ""))
                             for p in exc.problems]
        if problems:
            raise InputError(problems)
        return acts
    return [(parse_act(data, name, lines), name)]


def check(act: Any, checklist: Checklist | str | Path | dict | None = None, city: str | None = None) -> Decision:
    """Check one act (dict or model) under its city's pack, or under ``city`` if given."""
    model = parse_act(act)
    if isinstance(checklist, (str, Path)):
        checklist = load_checklist(checklist)
    elif isinstance(checklist, dict):
        checklist = Checklist.model_validate(checklist)
    if city and city != model.city:  # compare: the same act under another city's law
        model = model.model_copy(update={"city": city})
    return evaluate(load_pack(model.city), model, checklist)
