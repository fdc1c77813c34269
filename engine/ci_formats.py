"""JUnit XML and SARIF 2.1.0 for CI (as conftest and OPA users expect).

One test case / result per finding that is not ``not_applicable``: a breach is a JUnit
failure and a SARIF ``error``; an undecided finding (review, unknown) is a JUnit
``skipped`` with its reason and a SARIF ``warning``; a satisfied finding passes (JUnit)
and is not reported (SARIF). Audit rows map the same way, one case per row.
"""
from __future__ import annotations

import json
from typing import Any
from xml.sax.saxutils import quoteattr

from .version import __version__
from .labels import label

_SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"


def _cases(decisions: list[tuple[Any, str]], lang: str) -> list[dict]:
    from .report import view

    out = []
    for d, file in decisions:
        v = view(d, lang)
        for f in v["findings"]:
            cite = f["citation"]["text"] if lang == "zh" else f["citation"]["text_en"]
            out.append({"suite": f"{d.city}.{d.kind}", "name": f"{f['rule']} {cite}", "rule": f["rule"],
                        "outcome": f["outcome"], "file": file, "cite": cite, "quote": f["quote_shown"],
                        "text": f"[{label(f['outcome'], lang)}] {cite}：{f['says']}"
                                + (f" {f['what_to_do']}" if f["what_to_do"] else "")
                                + ("；待查明：" + "、".join(m["label"] for m in f["missing"]) if f["missing"] else "")})
    return out


def junit(decisions: list[tuple[Any, str]], lang: str = "zh") -> str:
    return junit_cases(_cases(decisions, lang), "gridlaw check")


def junit_cases(cases: list[dict], suite_name: str) -> str:
    fails = sum(c["outcome"] in ("violated", "unreadable") for c in cases)
    skips = sum(c["outcome"] in ("review", "unknown") for c in cases)
    lines = ['<?xml version="1.0" encoding="UTF-8"?>',
             f'<testsuites name={quoteattr(suite_name)} tests="{len(cases)}" failures="{fails}" skipped="{skips}">',
             f'  <testsuite name={quoteattr(suite_name)} tests="{len(cases)}" failures="{fails}" skipped="{skips}">']
    for c in cases:
        head = f'    <testcase classname={quoteattr(c["suite"])} name={quoteattr(c["name"])} file={quoteattr(c["file"])}'
        if c["outcome"] in ("violated", "unreadable"):
            lines += [head + ">", f'      <failure message={quoteattr(c["text"])} type={quoteattr(c["outcome"])}/>',
                      "    </testcase>"]
        elif c["outcome"] in ("review", "unknown"):
            lines += [head + ">", f'      <skipped message={quoteattr(c["text"])}/>', "    </testcase>"]
        else:
            lines.append(head + "/>")
    lines += ["  </testsuite>", "</testsuites>"]
    return "\n".join(lines)


def sarif(decisions: list[tuple[Any, str]], lang: str = "zh") -> str:
    return sarif_cases(_cases(decisions, lang))


def sarif_cases(cases: list[dict]) -> str:
    rules: dict[str, dict] = {}
    results = []
    for c in cases:
        if c["outcome"] not in ("violated", "review", "unknown", "unreadable"):
            continue
        rules.setdefault(c["rule"], {"id": c["rule"], "shortDescription": {"text": c["cite"]},
                                     "fullDescription": {"text": c["quote"] or c["cite"]}})
        loc: dict = {"artifactLocation": {"uri": c["file"]}}
        if c.get("line"):
            loc["region"] = {"startLine": c["line"]}
        results.append({"ruleId": c["rule"], "level": "error" if c["outcome"] in ("violated", "unreadable") else "warning",
                        "message": {"text": c["text"]}, "locations": [{"physicalLocation": loc}],
                        "properties": {"outcome": c["outcome"]}})
    doc = {"$schema": _SARIF_SCHEMA, "version": "2.1.0",
           "runs": [{"tool": {"driver": {"name": "gridlaw", "version": __version__,
                                         "informationUri": "https://github.com/gridlaw/gridlaw",
                                         "rules": list(rules.values())}},
                     "results": results}]}
    return json.dumps(doc, ensure_ascii=False, indent=2)
