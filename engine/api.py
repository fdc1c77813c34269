"""The library surface: parse an act, check it under its city's pack.

An act is validated by the act models (gridlaw.acts, pydantic) or, when it is written plainly, by their
compiled form (gridlaw.acts_compiled), which gives the same dict without building the models; anything
the compiled form does not accept goes to the models, so every error message comes from them.
"""
from __future__ import annotations

import difflib
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .acts_compiled import accept
from .errors import InputError, Problem
from .inputs import written_as_codes
from .yamlsrc import MAX_BYTES, YAMLSyntaxError, dotted, line_of, load_yaml

if TYPE_CHECKING:
    from pydantic import BaseModel

    from .checklist import Checklist
    from .evaluate import Decision


def act_data(data: Any, file: str = "<act>", lines: dict | None = None) -> dict[str, Any]:
    """The act as its model dumps it (``model_dump(exclude_none=True)``: codes, dates as dates, no nulls);
    InputError as from :func:`parse_act`. A plain dict never builds the pydantic models."""
    if hasattr(data, "model_dump"):
        return _checked(data.model_dump(exclude_none=True), file, lines)
    if isinstance(data, dict):
        plain = accept(data if written_as_codes(data) else _read_written_forms(data))
        if plain is not None:
            return _checked(plain, file, lines)
    return _checked(parse_act(data, file, lines).model_dump(exclude_none=True), file, lines)


def _read_written_forms(data: dict) -> dict:
    """盐城, 专职网格员, 2024/5/1, 是 … read by the audit's cell reader (a surface beside this one)."""
    from .audit.actforms import accept_written_forms

    return accept_written_forms(data)


def _checked(act: dict[str, Any], file: str, lines: dict | None) -> dict[str, Any]:
    """ID numbers, phones and birth dates are checked on every path (the compiled validator and the
    models take any string): a 10-digit ID or a birth date after the act is bad input, never a finding."""
    from .idnumber import act_problems

    problems = act_problems(act, file, lambda loc: line_of(lines or {}, loc))
    if problems:
        raise InputError(problems)
    return act


def parse_act(data: Any, file: str = "<act>", lines: dict | None = None) -> BaseModel:
    """Validate a dict (or pass a model through); InputError lists every problem with its place.

    City, role and kind may be written out (盐城, 专职网格员, 人员聘用) and the date as
    2024/5/1 or 2024年5月1日, as in an audited sheet."""
    from pydantic import BaseModel, ValidationError

    from .acts import ACT_MODELS
    from .facts import fact_vocabulary

    if isinstance(data, BaseModel):
        return data
    if not isinstance(data, dict):
        raise InputError([Problem(file, f"一项行为应是包含 kind、city、date 的映射，实际是 {type(data).__name__}", 1,
                                  code="not_a_mapping",
                                  en=f"an act is a mapping with kind, city and date; got {type(data).__name__}")])
    from .inputs import explain

    data = data if written_as_codes(data) else _read_written_forms(data)
    kind = data.get("kind")
    if not isinstance(kind, str) or kind not in ACT_MODELS:
        near = difflib.get_close_matches(str(kind), ACT_MODELS, n=1)
        from .labels import label

        raise InputError([Problem(file, f"未知的行为类型 {kind!r}" + (f"（是否指 {near[0]}（{label(near[0])}）？）" if near else "")
                                  + f"；可选：{'、'.join(label(k) for k in ACT_MODELS)}", line_of(lines or {}, ("kind",)), "kind",
                                  code="unknown_kind",
                                  en=f"unknown act kind {kind!r}" + (f" (did you mean {near[0]!r}?)" if near else "")
                                  + f"; one of {', '.join(ACT_MODELS)}")])
    try:
        model = ACT_MODELS[kind].model_validate(data)
    except ValidationError as exc:
        vocab = list(fact_vocabulary()[kind])
        problems = []
        for e in exc.errors():
            code, zh, en = explain(e, vocab)
            loc = tuple(e["loc"])
            problems.append(Problem(file, zh, line_of(lines or {}, loc), dotted(loc), code, en))
        raise InputError(problems) from None
    if getattr(model, "date", None) is None:   # every rule is dated: the law in force on that day applies
        raise InputError([Problem(file, "缺少行为日期 date（如 2024-05-01）：适用的是当日有效的规定", line_of(lines or {}, ()) or 1,
                                  "date", "missing_date", "the act's date is missing (e.g. 2024-05-01): the law in force "
                                  "on that day applies")])
    missing = _missing_required(model, ())
    if missing:
        raise InputError([Problem(file, "缺少必填字段（如年度考核的年份 year 和是否合格 passed）", line_of(lines or {}, loc),
                                  dotted(loc), "missing_field", "required field missing") for loc in missing])
    return model


REQUIRED_FIELDS = frozenset({"date", "year", "passed"})   # the act's date; an appraisal's year and result


def _missing_required(model: BaseModel, loc: tuple) -> list[tuple]:
    """Fields whose type does not admit None but were left out (the act models default every
    field to None so that a partial act parses; the evaluation cannot go on without these)."""
    from pydantic import BaseModel

    out: list[tuple] = []
    required, nested = _required_of(type(model))
    for name in required:
        if getattr(model, name) is None:
            out.append(loc + (name,))
    for name in nested:
        value = getattr(model, name)
        if isinstance(value, list):
            out += [m for i, v in enumerate(value) if isinstance(v, BaseModel) for m in _missing_required(v, loc + (name, i))]
        elif isinstance(value, BaseModel):
            out += _missing_required(value, loc + (name,))
    return out


_REQUIRED_OF: dict[type, tuple[tuple[str, ...], tuple[str, ...]]] = {}


def _holds_model(ann: Any) -> bool:
    import typing

    from pydantic import BaseModel

    if isinstance(ann, type) and issubclass(ann, BaseModel):
        return True
    return any(_holds_model(a) for a in typing.get_args(ann))


def _required_of(cls: type) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(required fields that default to None, fields that may hold models) of a model class, worked out once."""
    if cls not in _REQUIRED_OF:
        import types
        import typing

        required, nested = [], []
        for name, info in cls.model_fields.items():
            ann = info.annotation
            optional = ann is None or type(None) in typing.get_args(ann) or (
                isinstance(ann, types.UnionType) and type(None) in ann.__args__)
            if not optional and name in REQUIRED_FIELDS:
                required.append(name)
            if _holds_model(ann):
                nested.append(name)
        _REQUIRED_OF[cls] = (tuple(required), tuple(nested))
    return _REQUIRED_OF[cls]


def read_act_file(path: str, text: str | bytes | None = None) -> list[tuple[dict[str, Any], str]]:
    """Acts from a JSON/YAML file ('-' for stdin text or bytes): one act or a list of acts, each validated
    and given as :func:`act_data` gives it. At most MAX_BYTES are read, so /dev/zero or an endless pipe
    ends in an error, not a hang."""
    name = "<stdin>" if path == "-" else path
    if text is None or isinstance(text, bytes):
        if isinstance(text, bytes):
            raw = text
        else:
            from .safefile import read_bounded

            raw = read_bounded(path, MAX_BYTES, name, "行为文件", "an act file")
        if len(raw) > MAX_BYTES:
            from .safefile import too_large

            raise InputError([too_large(name, MAX_BYTES, "行为文件", "an act file")])
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            try:
                text = raw.decode("gb18030")      # saved as GBK on a Chinese Windows machine
            except UnicodeDecodeError:
                raise InputError([Problem(name, f"不是 UTF-8 或 GBK 文本（第 {exc.start} 字节）；请另存为 UTF-8",
                                          code="not_text", en=f"not UTF-8 text (byte {exc.start}); save the file as UTF-8")
                                  ]) from None
    try:
        data, lines = _parse_acts(text, name)
    except ValueError as exc:     # PyYAML builds a date from 2024-13-01 and fails
        raise InputError([Problem(name, f"YAML 中有无效的值：{_zh_value_error(exc)}；日期请写作 2024-05-01",
                                  code="bad_date", en=f"invalid value in YAML: {exc}")]) from None
    except YAMLSyntaxError as exc:
        p = exc.problem   # PyYAML's own wording stays in the English message
        if p.code != "bad_input":      # a refusal of our own (tag, depth, alias bomb, size) says what it is
            raise InputError([p]) from None
        raise InputError([Problem(p.file, "YAML 格式错误：请检查这一行及上一行的缩进、冒号后的空格、括号和引号是否成对",
                                  p.line, p.path, "malformed_yaml", p.en or p.message)]) from None
    if isinstance(data, list):
        if len(data) > MAX_ACTS:
            raise InputError([Problem(name, f"文件中有 {len(data):,} 项行为，超过每个文件 {MAX_ACTS:,} 项的上限；"
                                            "成批的记录请用 gridlaw audit 审查（CSV、XLSX 或 JSONL）", code="too_many_acts",
                                      en=f"{len(data):,} acts in one file, over the limit of {MAX_ACTS:,}; "
                                         "use gridlaw audit for batches (CSV, XLSX or JSONL)")])
        acts, problems = [], []
        by_item: dict[int, dict] = {}      # lines grouped once: a file of many acts stays linear
        for k, v in lines.items():
            if k and isinstance(k[0], int):
                by_item.setdefault(k[0], {})[k[1:]] = v
        for i, item in enumerate(data):
            sub = by_item.get(i, {})
            try:
                acts.append((act_data(item, name, sub), f"{name}[{i}]"))
            except InputError as exc:
                problems += [Problem(p.file, p.message, p.line, f"[{i}]" + ("." + p.path if p.path else ""), p.code, p.en)
                             for p in exc.problems]
        if problems:
            raise InputError(problems)
        return acts
    return [(act_data(data, name, lines), name)]


MAX_ACTS = 5_000   # acts in one check file; a batch goes to `gridlaw audit`, which streams


def _parse_acts(text: str, name: str) -> tuple[Any, dict]:
    """JSON text over a megabyte is read by the JSON parser (a tenth of YAML's memory on a long
    list; a problem then names the act and field, [12].candidate.age, without a line); the rest by YAML."""
    head = text.lstrip("\ufeff \t\r\n")[:1]
    if head in ("[", "{") and len(text) > _JSON_FAST:
        from .yamlsrc import load_json

        try:
            return load_json(text, name), {}
        except YAMLSyntaxError as exc:
            if exc.problem.code != "malformed_json":
                raise
            # not strict JSON (a flow-style YAML list): YAML reads it below
    return load_yaml(text, name)


_JSON_FAST = 1 << 20    # below a megabyte YAML's parse is quick and keeps every line for errors


def _zh_value_error(exc: Exception) -> str:
    text = str(exc)
    return {"month must be in 1..12": "月份应在 1—12 之间", "day is out of range for month": "日期超出该月天数"}.get(text, text)


def check(act: Any, checklist: Checklist | str | Path | dict | None = None, city: str | None = None,
          pack: str | None = None, national: bool = True) -> Decision:
    """Check one act (dict or model) under its city's pack, or under ``city`` if given, or under the pack
    ``pack`` (a city, a national law or a folder path); with the national layer unless ``national=False``."""
    data = act_data(act)
    checklist = checklist_of(checklist)
    if city and city != data["city"]:  # compare: the same act under another city's law
        data = {**data, "city": city}
    from .evaluate import evaluate_stack
    from .layers import load_target

    law = load_target(pack or data["city"])
    home = law.latest.meta.extends or (law.id if law.latest.meta.layer == "city" else None)
    if pack and home and home != data["city"]:  # a county pack answers for acts of its own city only
        raise InputError([Problem("<act>", f"the act is for {data['city']}, the pack {law.id} is {home}'s law; "
                                           f"set city: {home} or choose another pack", None, "city")])
    return evaluate_stack(law, data, checklist, national)


_MATTER_KEYS = ("事项", "事项名称", "matter", "名称")


def _checklist_problem(e: dict) -> str:
    """One pydantic error on a checklist mapping, in Chinese (its English is kept for --lang en)."""
    field = {"matters": "matters（事项）", "county": "county（区县）", "published": "published（公布日期）"}.get(
        str(e["loc"][0]) if e["loc"] else "", "")
    t = e["type"]
    if t == "too_short":
        return f"{field}不能为空，至少列一项事项"
    if t == "missing":
        return f"缺少 {field}"
    if t == "extra_forbidden":
        return f"未知字段 {'.'.join(map(str, e['loc']))}；可用 county、published、matters"
    if t.startswith("date"):
        return f"{field}不是日期；请写作 2024-05-01"
    return f"{field}取值无效"


def checklist_of(checklist: Checklist | str | Path | dict | list | None) -> Checklist | None:
    """A checklist as ``check`` takes it: a file path, a {county, published, matters} mapping, a Checklist, or a
    list of its matters — texts, or rows as a sheet gives them ({"序号": 1, "事项": "…"}); with no county or
    publication date then."""
    if isinstance(checklist, (list, tuple)):
        matters = []
        for i, m in enumerate(checklist):
            if isinstance(m, dict):
                m = next((m[k] for k in _MATTER_KEYS if isinstance(m.get(k), str)), None)
            if not isinstance(m, str) or not m.strip():
                raise InputError([Problem("<checklist>", f"事项清单第 {i + 1} 项不是事项文字（应为文字，或含“事项”键的一行）",
                                          None, f"checklist[{i}]", "bad_checklist",
                                          f"checklist item {i + 1} is not a matter's text (text, or a row with 事项)")])
            matters.append(m.strip())
        checklist = {"matters": matters}
    if isinstance(checklist, (str, Path)):
        from .checklist import load_checklist

        return load_checklist(checklist)
    elif isinstance(checklist, dict):
        from pydantic import ValidationError

        from .checklist import Checklist

        try:
            return Checklist.model_validate(checklist)
        except ValidationError as exc:
            raise InputError([Problem("<checklist>", "事项清单无效：" + _checklist_problem(e), None,
                                      ".".join(map(str, e["loc"])), "bad_checklist", e["msg"])
                              for e in exc.errors(include_input=False)]) from None
    elif checklist is not None:
        from .checklist import Checklist

        if not isinstance(checklist, Checklist):
            raise InputError([Problem("<checklist>", f"事项清单应为文件路径、{{county, published, matters}} 映射或 Checklist，"
                                      f"实际是 {type(checklist).__name__}；一列事项请写作 {{\"matters\": [...]}}", None,
                                      "checklist", "bad_checklist",
                                      f"checklist must be a file path, a {{county, published, matters}} mapping or a "
                                      f"Checklist, got {type(checklist).__name__}; a list of matters goes in "
                                      "{'matters': [...]}")])
    return checklist
