"""The JSON Schemas gridlaw publishes, generated from the pydantic models.

The committed copies live in ``engine/schemas/<name>.schema.json``;
``python -m gridlaw.schema_models`` rewrites them, and ``engine/acts_compiled.py`` (the act models
compiled for a fast start, gridlaw.acts_codegen); a test fails when either drifts.
"""
from __future__ import annotations

import json
from pathlib import Path


def _models() -> dict:
    from .acts import ACT_MODELS
    from .checklist import Checklist
    from .decision_schema import DecisionOutput
    from .packspec import CaseFile, PackMeta, RuleFile

    return {**ACT_MODELS, "pack": PackMeta, "rules": RuleFile, "tests": CaseFile, "checklist": Checklist,
            "decision": DecisionOutput}


SCHEMA_MODELS = ("assignment", "hire", "exit", "notice", "admission", "grid", "pack", "rules", "tests", "checklist",
                 "decision")
SCHEMA_DIR = Path(__file__).parent / "schemas"


def schema_of(name: str) -> dict:
    schema = _models()[name].model_json_schema(by_alias=True)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    return schema


def dump(name: str) -> str:
    return json.dumps(schema_of(name), ensure_ascii=False, indent=2, sort_keys=True) + "\n"


COMPILED_ACTS = Path(__file__).parent / "acts_compiled.py"


def write_all() -> None:
    from .acts_codegen import generate

    SCHEMA_DIR.mkdir(exist_ok=True)
    for name in SCHEMA_MODELS:
        (SCHEMA_DIR / f"{name}.schema.json").write_text(dump(name), encoding="utf-8")
    COMPILED_ACTS.write_text(generate(), encoding="utf-8")


if __name__ == "__main__":
    write_all()
