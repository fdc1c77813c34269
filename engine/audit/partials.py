"""A part's audit as plain data, and parts put back together: the aggregates a distributed run
builds its summary and report from, without collecting any result row.

A worker takes its part through the pipeline (pipeline.audit_batch) and hands back ``snapshot(…)``:
counts (read, evaluated, unreadable, blank, non-records; by decision, rule, article, document, missing
fact, county/township/grid), the rows most in breach and the first unreadable rows with their reasons.
JSON-safe, so the driver also keeps it on disk for ``--resume``.

``merge`` sums snapshots into one results.Collector over the driver's own packs (rules found by id:
the workers run the same installed wheel, and the stamp proves it), so the text summary and the HTML
report are rendered by the same code as a one-process run.
"""
from __future__ import annotations

from collections import Counter
from typing import Any

import numpy as np

from ..loader import Pack
from .results import Collector, Pattern, TopRecord

VERSION = 1


def snapshot(c: Collector, skipped: Counter, skipped_rows: list, ignored: list[str], duplicates: list[str],
             out_rows: int, out_files: list[dict], input_sha256: dict[str, str]) -> dict:
    """Everything the report needs from a part's finalized Collector (and what the part's loop kept
    beside it), as JSON-safe data: sizes grow with the rules, articles, documents and groups, not with
    the rows."""
    top_pats = list({id(t.pattern): t.pattern for t in c.top}.values())
    index = {id(p): i for i, p in enumerate(top_pats)}
    return {
        "v": VERSION,
        "rows_in": c.rows_in, "evaluated": c.evaluated, "rejected": c.rejected, "blank": c.blank,
        "blank_dates": getattr(c, "blank_dates", 0),
        "non_records": int(sum(skipped.values())),
        "skipped": dict(skipped), "skipped_rows": [list(r) for r in skipped_rows],
        "by_kind": dict(c.by_kind),
        "by_city": [[city, counts.tolist()] for city, counts in c.by_city.items()],
        "rules": [[city, rule, counts.tolist()] for (city, rule), counts in c.rules.items()],
        "articles": [[city, art, n] for (city, art), n in c.articles.items()],
        "documents": dict(c.documents), "missing": dict(c.missing),
        # the rows most in breach, with what the report shows of their result
        "top_patterns": [{"city": p.city, "kind": p.kind, "decision": p.decision,
                          "violated": [r.id for r in p.violated], "review": [r.id for r in p.review],
                          "unknown": [r.id for r in p.unknown], "missing": list(p.missing),
                          "documents": list(p.documents),
                          "texts": {k: p.texts[k] for k in ("decision", "decision_label", "violated_articles")}}
                         for p in top_pats],
        "top": [[t.score, t.row, t.id, t.name, t.groups, index[id(t.pattern)]] for t in c.top],
        "rejections": [list(r) for r in c.rejections],
        "rejected_by": dict(c.rejected_by), "rejected_by_city": dict(c.rejected_by_city),
        "groups": {g: [[city, value, counts.tolist()] for (city, value), counts in table.items()]
                   for g, table in c.groups.items()},
        "ignored": list(ignored), "duplicates": list(duplicates),
        "out_rows": out_rows, "out_files": list(out_files), "input_sha256": dict(input_sha256),
    }


def accounting(snap: dict) -> dict:
    return {k: snap[k] for k in ("rows_in", "evaluated", "rejected", "blank", "non_records")}


def merge(snaps: list[dict], packs: dict[str, Pack], lang: str, top_n: int, all_cities: bool,
          show_personal: bool) -> Collector:
    """One Collector holding the sums of the parts' (finalized) aggregates; ``snaps`` in part order."""
    coll = Collector(packs, lang, top_n, 0, all_cities=all_cities, show_personal=show_personal)
    rules = {r.id: r for p in packs.values() for r in p.rules}
    for s in snaps:
        coll.rows_in += s["rows_in"]
        coll.evaluated += s["evaluated"]
        coll.rejected += s["rejected"]
        coll.blank += s["blank"]
        if hasattr(coll, "blank_dates"):
            coll.blank_dates += s.get("blank_dates", 0)
        coll.by_kind.update(s["by_kind"])
        for city, counts in s["by_city"]:
            _add(coll.by_city, city, counts)
        for city, rule, counts in s["rules"]:
            _add(coll.rules, (city, rule), counts)
        for city, art, n in s["articles"]:
            coll.articles[(city, art)] = coll.articles.get((city, art), 0) + int(n)
        coll.documents.update(s["documents"])
        coll.missing.update(s["missing"])
        pats = [Pattern(d["city"], d["kind"], d["decision"], [rules[i] for i in d["violated"]],
                        [rules[i] for i in d["review"]], [rules[i] for i in d["unknown"]], list(d["missing"]),
                        list(d["documents"]), dict(d["texts"]), "", "") for d in s["top_patterns"]]
        coll.top.extend(TopRecord(score, row, rid, name, dict(groups), pats[i])
                        for score, row, rid, name, groups, i in s["top"])
        room = coll.sample_rejections - len(coll.rejections)
        if room > 0:
            coll.rejections.extend((int(r), why) for r, why in s["rejections"][:room])
        coll.rejected_by.update(s["rejected_by"])
        coll.rejected_by_city.update(s["rejected_by_city"])
        for g, rows in s["groups"].items():
            table = coll.groups.setdefault(g, {})
            for city, value, counts in rows:
                if (city, value) in table or len(table) < 100_000:
                    _add(table, (city, value), counts)
    order = coll._order
    coll.top.sort(key=lambda r: (-r.score, r.row, order.get(r.pattern.city, 0)))
    del coll.top[top_n:]
    coll.by_city = dict(sorted(coll.by_city.items(), key=lambda kv: order.get(kv[0], len(order))))
    return coll


def _add(table: dict, key: Any, counts: list[int]) -> None:
    arr = np.asarray(counts, dtype=np.int64)
    if key in table:
        table[key] = table[key] + arr
    else:
        table[key] = arr


def non_records(snaps: list[dict]) -> tuple[Counter, list[tuple[int, str, str]]]:
    counts: Counter = Counter()
    rows: list[tuple[int, str, str]] = []
    for s in snaps:
        counts.update(s["skipped"])
        rows.extend(tuple(r) for r in s["skipped_rows"])   # type: ignore[misc]
    return counts, sorted(rows)[:20]


def totals(snaps: list[dict]) -> dict:
    """read = evaluated + unreadable; blank and non-record rows apart."""
    keys = ("rows_in", "evaluated", "rejected", "blank", "non_records")
    return {k: sum(int(s[k]) for s in snaps) for k in keys}

