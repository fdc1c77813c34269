"""Masking of personal data in every output: ID numbers, mobile phones, names.

By pattern, wherever the text is (a 网格 value, a rejection reason, a task's
free text), not only in fields named id_number or phone:

- mainland mobiles as people write them: 13812345678, 138 1234 5678,
  138-1234-5678, +8613812345678, +86 138 1234 5678, 0086-138…  → 138****5678
- 18-digit resident ID numbers (last character X allowed) → 3209**********1234
- 15-digit (first-generation) ID numbers → 3209*******1234
"""
from __future__ import annotations

import re
from typing import Any

# Characters that hide an ID number from a pattern without changing what a reader sees: control
# characters (a NUL between digits, which terminals and spreadsheets drop), zero-width spaces and
# joiners, the BOM; and full-width digits (３２０９…), which people type on a Chinese keyboard.
# Text holding any of them is normalised before matching (invisibles removed, digits made ASCII).
_HIDDEN = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b-\u200f\u2060-\u2064\ufeff\uff10-\uff19\uff38\uff58]")
_VISIBLE = {**{c: None for c in [*range(0x00, 0x09), 0x0b, 0x0c, *range(0x0e, 0x20), *range(0x7f, 0xa0),
                                 *range(0x200b, 0x2010), *range(0x2060, 0x2065), 0xfeff]},
            **{0xff10 + i: ord("0") + i for i in range(10)}, 0xff38: ord("X"), 0xff58: ord("x")}

_SEP = r"[ \-\u00a0]?"
_PHONE = re.compile(rf"(?<![0-9])(?:(?:\+|00)86{_SEP})?(1[3-9][0-9]){_SEP}([0-9]{{4}}){_SEP}([0-9]{{4}})(?![0-9])")
_ID18 = re.compile(r"(?<![0-9A-Za-z])([0-9]{4})[0-9]{10}([0-9]{3}[0-9Xx])(?![0-9A-Za-z])")
_ID15 = re.compile(r"(?<![0-9])([0-9]{4})[0-9]{7}([0-9]{4})(?![0-9])")
_HINT = re.compile(r"[0-9][0-9 \-\u00a0]{9,}[0-9]")   # cheap pre-check: 11+ digits (with separators) or nothing to mask
# An 18-digit ID written in groups (3209 0219 9001 0112 36, 320902-19900101-1236): one separator
# between any two digits; the masked form keeps the first four and the last four characters.
_ID18_GROUPED = re.compile(r"(?<![0-9A-Za-z])[0-9](?:[ \-\u00a0]?[0-9]){16}[ \-\u00a0]?[0-9Xx](?![0-9A-Za-z])")


def mask_id(value: str) -> str:
    v = str(value)
    return v[:4] + "*" * max(len(v) - 8, 0) + v[-4:] if len(v) > 8 else "*" * len(v)


def mask_phone(value: str) -> str:
    v = str(value)
    return v[:3] + "****" + v[-4:] if len(v) >= 11 else (v[:2] + "*" * (len(v) - 2) if len(v) > 2 else "*" * len(v))


def mask_name(value: str) -> str:
    v = str(value)
    return v[:1] + "*" * max(len(v) - 1, 1)


def _grouped(m: re.Match) -> str:
    digits = re.sub(r"[ \-\u00a0]", "", m.group(0))
    return digits[:4] + "*" * 10 + digits[-4:]


def mask_text(text: str) -> str:
    """Mask ID numbers and mobile numbers inside free text."""
    if not text:
        return text
    if _HIDDEN.search(text):
        text = text.translate(_VISIBLE)
    if not _HINT.search(text):
        return text
    text = _ID18.sub(lambda m: m.group(1) + "*" * 10 + m.group(2), text)
    text = _ID18_GROUPED.sub(_grouped, text)
    text = _ID15.sub(lambda m: m.group(1) + "*" * 7 + m.group(2), text)
    return _PHONE.sub(lambda m: m.group(1) + "****" + m.group(3), text)


def mask_field(name: str, value: object) -> object:
    leaf = name.rsplit(".", 1)[-1]
    if value is None:
        return None
    if leaf == "id_number":
        return mask_id(str(value))
    if leaf == "phone":
        return mask_phone(str(value))
    if leaf == "name":
        return mask_name(str(value))
    if isinstance(value, str):
        return mask_text(value)
    if isinstance(value, list):
        return [mask_text(v) if isinstance(v, str) else v for v in value]
    return value


def mask_act(data: dict, prefix: str = "") -> dict:
    out = {}
    for k, v in data.items():
        out[k] = mask_act(v, f"{prefix}{k}.") if isinstance(v, dict) else mask_field(prefix + k, v)
    return out


def mask_column(col: Any) -> Any:
    """mask_text over a pyarrow string column: only the distinct values that hold digits are masked."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if isinstance(col, pa.ChunkedArray):
        col = col.combine_chunks()
    if len(col) == 0:
        return col
    hit = pc.or_(pc.match_substring_regex(col, r"[0-9][0-9 \-\x{a0}]{9,}[0-9]"),
                 pc.match_substring_regex(col, r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x{9f}\x{200b}-\x{200f}"
                                               r"\x{2060}-\x{2064}\x{feff}\x{ff10}-\x{ff19}]"))
    if not pc.any(hit).as_py():
        return col
    if pc.sum(hit).as_py() < len(col) // 4:      # few values to mask: only those
        idx = pc.indices_nonzero(hit)
        vals = pc.take(col, idx).to_pylist()
        out = col.to_pylist()
        for i, v in zip(idx.to_pylist(), vals):
            out[i] = mask_text(v)
        return pa.array(out, pa.string())
    enc = col.dictionary_encode()
    masked = pa.array([mask_text(v) if v is not None else None for v in enc.dictionary.to_pylist()], pa.string())
    return masked.take(enc.indices)


_NAME_FIELDS = ("name",)


def names_in(tree: Any) -> list[str]:
    """The values of every ``name`` field of an act (candidate.name, worker.name, …): the names to
    find again anywhere in the output, free text included."""
    out: list[str] = []
    todo = [tree]
    while todo:
        node = todo.pop()
        if isinstance(node, dict):
            for k, v in node.items():
                if k in _NAME_FIELDS and isinstance(v, str) and len(v.strip()) >= 2:
                    out.append(v.strip())
                elif isinstance(v, (dict, list)):
                    todo.append(v)
        elif isinstance(node, list):
            todo.extend(node)
    return sorted(set(out), key=len, reverse=True)


def masker(names: list[str] | tuple[str, ...] = ()) -> Any:
    """One function for every string of an output: ID numbers and phones by pattern, and the
    act's own names (张三 → 张*) wherever they appear."""
    pattern = re.compile("|".join(re.escape(n) for n in names)) if names else None

    def one(text: str) -> str:
        text = mask_text(text)
        return pattern.sub(lambda m: mask_name(m.group(0)), text) if pattern is not None and pattern.search(text) \
            else text

    return one


def mask_tree(tree: Any, names: list[str] | tuple[str, ...] = (), skip: tuple[str, ...] = ("stamp",),
              fn: Any = None) -> Any:
    """The one masking pass every output goes through: every string in a JSON-able tree (keys kept),
    but the subtrees named in ``skip`` (the stamp's hashes are not personal data)."""
    fn = fn or masker(names)

    def walk(node: Any) -> Any:
        if isinstance(node, str):
            return fn(node)
        if isinstance(node, dict):
            return {k: (v if k in skip else walk(v)) for k, v in node.items()}
        if isinstance(node, (list, tuple)):
            return [walk(v) for v in node]
        return node

    return walk(tree)


_HAN_NAME = re.compile(r"^[\u4e00-\u9fff·]{2,4}$")


def mask_cell(text: str) -> str:
    """A cell quoted from a row that may be data (a header row that names no field): ID numbers and
    phones by pattern, and a short run of Han characters — a name as often as a heading — as a name."""
    text = mask_text(str(text))
    return mask_name(text) if _HAN_NAME.match(text) else text
