"""An act's facts, without the act models: the fact vocabulary and the flat {dotted fact: value} view.

Nothing here imports pydantic, so `gridlaw check` can evaluate an act without building the models
(gridlaw.acts holds them; ``VOCABULARY`` is compiled from them at build time, gridlaw.acts_codegen).
"""
from __future__ import annotations

from typing import Any, Literal

from .derive import persons

# The two codes other modules name without the models (packspec: a rule's roles; a decision's city).
City = Literal["binzhou", "yancheng", "quzhou", "zigong", "jiaxing"]
Role = Literal["grid_leader", "full_time", "part_time", "grid_instructor", "micro_grid_leader"]


def fact_vocabulary() -> dict[str, dict[str, dict[str, Any]]]:
    """Per act kind: fact path -> {type, label, evidence?, personal?, values?} (do not mutate it)."""
    from .acts_compiled import VOCABULARY

    return VOCABULARY


def facts_of(act: Any) -> dict[str, Any]:
    """Flatten an act into {dotted fact: value}, leaving unknown facts out; derived facts added (engine/derive.py)."""
    data = act.model_dump(exclude_none=True) if hasattr(act, "model_dump") else act
    flat: dict[str, Any] = {}
    _flatten(data, "", flat)
    return persons(flat)


def _flatten(data: dict[str, Any], prefix: str, out: dict[str, Any]) -> None:
    for key, value in data.items():
        if value is None:
            continue
        if isinstance(value, dict):
            _flatten(value, f"{prefix}{key}.", out)
        else:
            out[f"{prefix}{key}"] = value
