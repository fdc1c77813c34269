"""An act's facts, without the act models: the fact vocabulary and the flat {dotted fact: value} view.

Nothing here imports pydantic, so `gridlaw check` can evaluate an act without building the models
(gridlaw.acts holds them; ``VOCABULARY`` is compiled from them at build time, gridlaw.acts_codegen).
"""
from __future__ import annotations

import datetime as dt
from typing import Any, Literal

# The two codes other modules name without the models (packspec: a rule's roles; a decision's city).
City = Literal["binzhou", "yancheng", "quzhou", "zigong", "jiaxing"]
Role = Literal["grid_leader", "full_time", "part_time", "grid_instructor", "micro_grid_leader"]


def fact_vocabulary() -> dict[str, dict[str, dict[str, Any]]]:
    """Per act kind: fact path -> {type, label, evidence?, personal?, values?} (do not mutate it)."""
    from .acts_compiled import VOCABULARY

    return VOCABULARY


def _consecutive_failed(appraisals: list[dict[str, Any]]) -> int | None:
    """Longest run of failed appraisals in consecutive calendar years, or None when unknown.

    A year missing inside the record (between its first and last year) is unknown, not passed.
    The count is None when the missing years decide whether there are two consecutive failed
    years (连续两年, the threshold every rule compares with ``ge``); when they cannot decide it
    (a run of two is already stated, or no run of two is possible even if they failed) the
    count from the stated years is returned."""
    years = {a["year"]: a["passed"] for a in appraisals}
    if not years:
        return 0
    known = _longest_failed_run({y for y, passed in years.items() if not passed})
    gaps = set(range(min(years), max(years) + 1)) - years.keys()
    if not gaps or known >= 2:
        return known
    worst = _longest_failed_run({y for y, passed in years.items() if not passed} | gaps)
    return known if worst < 2 else None


def _longest_failed_run(failed: set[int]) -> int:
    best = run = 0
    prev = None
    for year in sorted(failed):
        run = run + 1 if prev is not None and year == prev + 1 else 1
        best = max(best, run)
        prev = year
    return best


def age_on(birth: dt.date, day: dt.date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def facts_of(act: Any) -> dict[str, Any]:
    """Flatten an act into {dotted fact: value}, leaving unknown facts out."""
    data = act.model_dump(exclude_none=True) if hasattr(act, "model_dump") else act
    flat: dict[str, Any] = {}
    _flatten(data, "", flat)
    date = flat.get("date")
    if "candidate.age" not in flat and "candidate.birth_date" in flat and date:
        flat["candidate.age"] = age_on(flat["candidate.birth_date"], date)
    if "worker.age" not in flat and "worker.birth_date" in flat and date:
        flat["worker.age"] = age_on(flat["worker.birth_date"], date)
    if "worker.consecutive_failed_years" not in flat and "worker.appraisals" in flat:
        run = _consecutive_failed(flat["worker.appraisals"])
        if run is not None:  # a missing year that could extend the run leaves the count unknown
            flat["worker.consecutive_failed_years"] = run
    return flat


def _flatten(data: dict[str, Any], prefix: str, out: dict[str, Any]) -> None:
    for key, value in data.items():
        if value is None:
            continue
        if isinstance(value, dict):
            _flatten(value, f"{prefix}{key}.", out)
        else:
            out[f"{prefix}{key}"] = value
