"""Act input as people write it, and pydantic's errors as plain advice.

- ``written_as_codes`` / ``written_fields``: whether an act is already written as the models take it,
  and which of its fields are written out (是, 1995年2月14日, 统一招聘); the reading of written forms
  itself (city 盐城, role 专职网格员, kind 人员聘用, dates 2024/5/1 or 2024年5月1日) is the audit's cell
  reader, applied by gridlaw.audit.actforms (above this module: nothing here imports the audit).
- ``explain``: one pydantic error → (code, Chinese message with advice, English message).
"""
from __future__ import annotations

import difflib
import re

from .acts_compiled import CITIES, KINDS, ROLES    # the models' codes, compiled without building the models

ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
CODED = ("kind", "city", "role")


def written_as_codes(data: dict) -> bool:
    """Whether ``data`` is already written as the models take it (codes, ISO dates, no written-out
    values below the top level): then it passes untouched; otherwise gridlaw.audit.actforms reads
    its written forms with the audit's own cell reader."""
    if not all(isinstance(data.get(k), (str, type(None))) for k in CODED):
        return True                     # not written forms: the model's validation names the field
    date = data.get("date")
    role = data.get("role")
    return bool(data.get("kind") in KINDS and data.get("city") in CITIES and (role is None or role in ROLES)
                and (not isinstance(date, str) or ISO_DATE.match(date)) and not written_fields(data))


def written_fields(data: dict) -> list[tuple[str, ...]]:
    """Paths of the fields below the top level whose value is written out (是, 1995年2月14日,
    统一招聘, 大专, 不确定) where the model takes a code, a bool or an ISO date."""
    from .acts_compiled import VOCABULARY     # the vocabulary without building the models (start-up)

    kind = data.get("kind")
    if kind not in VOCABULARY:
        return []
    vocab = VOCABULARY[kind]
    out: list[tuple[str, ...]] = []

    def walk(node: dict, prefix: tuple[str, ...]) -> None:
        for key, value in node.items():
            if isinstance(value, dict):
                walk(value, prefix + (str(key),))
                continue
            if not isinstance(value, (str, list)):
                continue                      # only text (or a list of it) can be a written form
            path = prefix + (str(key),)
            spec = vocab.get(".".join(path))
            if spec is None or path in (("kind",), ("city",), ("role",), ("date",)):
                continue
            t = spec["type"]
            if isinstance(value, str) and (t in ("bool", "int") or (t == "date" and not ISO_DATE.match(value))
                                           or (t == "enum" and value not in spec.get("values", ()))):
                out.append(path)
            elif isinstance(value, list) and t == "list" and any(
                    isinstance(v, str) and v not in spec.get("values", ()) for v in value):
                out.append(path)
            elif isinstance(value, str) and t == "list":
                out.append(path)
    walk(data, ())
    return out


_DATE_HINT = ("请写作 2024-05-01、2024/5/1 或 2024年5月1日", "write 2024-05-01, 2024/5/1 or 2024年5月1日")


def explain(err: dict, vocab: list[str]) -> tuple[str, str, str]:
    """(code, zh, en) for one pydantic error, with what to do."""
    t = err["type"]
    got = err.get("input")
    ctx = err.get("ctx") or {}
    loc = ".".join(str(p) for p in err["loc"] if not isinstance(p, int))
    if t == "extra_forbidden":
        near = _chinese_key(loc, vocab) or difflib.get_close_matches(loc, vocab, n=1)
        return ("unknown_field", "未知字段" + (f"；是否指 {near[0]}？" if near else "；请对照 gridlaw schema <类型> 检查拼写"),
                "unknown field" + (f"; did you mean {near[0]!r}?" if near else "; check the spelling with gridlaw schema <kind>"))
    if t == "missing":
        return "missing_field", "缺少必填字段，请补上", "required field missing"
    if t.startswith("date") or t.startswith("datetime"):
        return ("bad_date", f"不是日期（{got!r}）；{_DATE_HINT[0]}", f"not a date ({got!r}); {_DATE_HINT[1]}")
    if t in ("literal_error", "enum"):
        allowed = ctx.get("expected", "")
        return ("bad_value", f"取值 {got!r} 不在可选范围内；可选：{allowed}", f"{got!r} is not allowed; one of {allowed}")
    if t.startswith("bool"):
        return "bad_type", f"应为是/否（true/false），实际是 {got!r}", f"must be true or false, got {got!r}"
    if t.startswith("int"):
        return "bad_type", f"应为整数，实际是 {got!r}", f"must be a whole number, got {got!r}"
    if t in ("greater_than_equal", "greater_than"):
        return "out_of_range", f"应不小于 {ctx.get('ge', ctx.get('gt'))}（实际 {got!r}）", err["msg"]
    if t in ("less_than_equal", "less_than"):
        return "out_of_range", f"应不大于 {ctx.get('le', ctx.get('lt'))}（实际 {got!r}）", err["msg"]
    if t in ("list_type", "tuple_type"):
        return "bad_type", f"应为列表，如 [a, b]，实际是 {got!r}", f"must be a list such as [a, b], got {got!r}"
    if t in ("string_type", "str_type"):
        return "bad_type", f"应为文字，实际是 {got!r}", f"must be text, got {got!r}"
    if t in ("model_type", "dict_type", "model_attributes_type"):
        return "bad_type", "应为一组“字段: 值”（映射）", "must be a mapping of field: value"
    if t == "too_short":
        return ("too_short", f"至少需要 {ctx.get('min_length', 1)} 项，实际为空", err["msg"])
    if t == "value_error":
        msg = str(ctx.get("error", err["msg"]))
        m = re.match(r"age (\d+) disagrees with birth date (\S+) \(age (\d+) on (\S+)\)", msg)
        if m:
            return ("age_mismatch", f"年龄 {m[1]} 与出生日期 {m[2]} 不符（{m[4]} 时应为 {m[3]} 周岁）；请只填其一或更正",
                    msg)
        m = re.match(r"(id_number|phone): (.*)", msg)
        if m:
            return ("bad_id_number" if m[1] == "id_number" else "bad_phone",
                    ("身份证号无效：" if m[1] == "id_number" else "") + m[2], msg)
        m = re.match(r"birth date (\S+) is after the act's date (\S+)", msg)
        if m:
            return ("future_birth_date", f"出生日期 {m[1]} 晚于行为日期 {m[2]}，应为笔误；请核对出生日期", msg)
        m = re.match(r"ID number: birth date after the act's date (\S+)", msg)
        if m:
            return ("future_birth_date", f"身份证号中的出生日期晚于行为日期 {m[1]}；请核对身份证号", msg)
        return "bad_value", f"取值无效：{msg}", msg
    return "bad_input", f"取值无效（{t}）：{got!r}", err["msg"]


def _chinese_key(loc: str, vocab: list[str]) -> list[str]:
    """A field written by its Chinese name (candidate.学历) → the field it names, from the audit's header
    synonyms (学历 → candidate.education_level): spelling distance to English codes suggested
    candidate.age. Read only on this error path."""
    parent, _, key = loc.rpartition(".")
    if not re.search(r"[\u3400-\u9fff]", key):
        return []
    from importlib import resources

    import yaml

    try:
        data = yaml.safe_load(resources.files("gridlaw.audit").joinpath("headers.yaml").read_text("utf-8"))
    except (OSError, ModuleNotFoundError, yaml.YAMLError):
        return []
    names = {str(fact) for section, table in (data or {}).items() if section not in ("values", "booleans", "unknown")
             and isinstance(table, dict) for fact, words in table.items()
             if isinstance(words, list) and key in (str(w) for w in words)}
    paths = [p for p in vocab if p.rsplit(".", 1)[-1] in names]
    return sorted(paths, key=lambda p: p.rpartition(".")[0] != parent)[:1]
