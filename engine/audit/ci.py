"""An audit run as CI test cases (gridlaw.ci_formats): one case per record."""
from __future__ import annotations

from ..labels import label
from .config import AuditRun

_OUTCOME = {"non_compliant": "violated", "unreadable": "unreadable", "insufficient_facts": "unknown",
            "needs_review": "review", "not_in_force": "review", "compliant": "satisfied", "not_addressed": "satisfied"}


def audit_cases(run: AuditRun) -> list[dict]:
    from ..mask import mask_name

    zh = run.config.lang != "en"
    file = str(run.source.path)
    cases = []
    for it in run.collector.listing:
        row, name, rid, decision, detail = it.row, it.name, it.id, it.decision, it.text
        who = (name if run.config.show_personal else mask_name(name)) if name else (rid or "")
        where = f"第{row}行" if zh else f"row {row}"
        shown = ("未能审查" if decision == "unreadable" else label(decision, "zh")) if zh else decision
        cases.append({"suite": "gridlaw.audit", "name": f"{where} {who}".strip(), "rule": f"gridlaw.audit.{decision}",
                      "outcome": _OUTCOME.get(decision, "unknown"), "file": file, "line": row, "cite": shown,
                      "quote": shown, "text": f"{where} {who}：{shown}" + (f"（{detail}）" if detail else "")})
    return cases
