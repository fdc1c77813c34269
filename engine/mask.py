"""Masking of personal data in reports: ID numbers, phones, names."""
from __future__ import annotations

import re

_PHONE = re.compile(r"(?<!\d)(1\d{2})\d{4}(\d{4})(?!\d)")
_ID = re.compile(r"(?<![0-9Xx])(\d{4})\d{10}(\d{3}[0-9Xx])(?![0-9Xx])")


def mask_id(value: str) -> str:
    v = str(value)
    return v[:4] + "*" * max(len(v) - 8, 0) + v[-4:] if len(v) > 8 else "*" * len(v)


def mask_phone(value: str) -> str:
    v = str(value)
    return v[:3] + "****" + v[-4:] if len(v) >= 11 else (v[:2] + "*" * (len(v) - 2) if len(v) > 2 else "*" * len(v))


def mask_name(value: str) -> str:
    v = str(value)
    return v[:1] + "*" * max(len(v) - 1, 1)


def mask_text(text: str) -> str:
    """Mask ID numbers and mobile numbers inside free text."""
    return _PHONE.sub(r"\1****\2", _ID.sub(lambda m: m.group(1) + "*" * 10 + m.group(2), text))


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
    return value


def mask_act(data: dict, prefix: str = "") -> dict:
    out = {}
    for k, v in data.items():
        out[k] = mask_act(v, f"{prefix}{k}.") if isinstance(v, dict) else mask_field(prefix + k, v)
    return out
