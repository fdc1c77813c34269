"""Per-row results and the run's aggregates, built chunk by chunk.

Rows of a group that share every rule outcome and the same missing facts
share one :class:`Pattern`; a pattern's texts (articles, rule ids, missing
facts, documents, JSON) are rendered once per run and spread to the rows by
index, so writing a million result rows costs array operations, not a
million string formats. Aggregates are counts (by decision, by rule and
article, by document, by grouping column) and a bounded list of the records
most in breach; nothing grows with the number of rows.
"""
from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import numpy as np
import pyarrow as pa

from ..acts import fact_vocabulary
from ..batch import OUTCOME_CODES, BatchResult
from ..evaluate import DECISIONS
from ..labels import label, text_of
from ..mask import mask_column, mask_text
from ..report import nature_text
from ..textpool import shipped_line
from ..loader import CITIES, CompiledRule, Pack, cite_text_en
from ..textnorm import int_to_cn
from .chunks import GROUPS, Evaluated, Group

STATUSES = DECISIONS + ("unreadable",)   # a row whose data could not be used: not a refusal
REJ = len(DECISIONS)
NA, SAT, REV, UNK, VIO = range(len(OUTCOME_CODES))
OUT_COLUMNS = ("row", "id", "name", "county", "township", "grid", "task", "department", "date", "city", "kind",
               "decision", "decision_label", "advice", "questions",
               "violated_articles", "violated_rules", "review_rules", "deciding_rules", "question_verdicts",
               "missing_facts", "documents", "inferred", "reason")
_PATTERN_COLS = ("decision", "decision_label", "advice", "questions", "violated_articles", "violated_rules", "review_rules",
                 "deciding_rules", "missing_facts", "documents")
_SEP = {"zh": "；", "en": "; "}
# CSV/XLSX header cells in Chinese (the default language); JSONL keeps the codes.
COLUMN_TITLES = {"row": "行号", "id": "编号", "name": "姓名（已遮蔽）", "county": "区县", "township": "镇街",
                 "grid": "网格", "task": "任务内容", "department": "交办部门", "date": "日期", "city": "城市", "kind": "记录类型", "decision": "结论代码", "decision_label": "结论",
                 "advice": "处理意见",
                 "questions": "各问题结论",
                 "violated_articles": "违反条款", "violated_rules": "违反规则", "review_rules": "需审查规则",
                 "missing_facts": "待查明事实（所需材料）", "documents": "需补充材料", "inferred": "推定说明",
                 "reason": "说明"}
_DETAIL = {
    "zh": {"insufficient_facts": "{settled}尚需核实：{docs}", "non_compliant": "违反：{arts}", "needs_review": "需人工审查：{rev}{todo}",
           "not_addressed": "本市规定未涉及", "not_in_force": "规定尚未施行", "compliant": "", "unreadable": "未能审查：{reason}"},
    "en": {"insufficient_facts": "{settled}still to verify: {docs}", "non_compliant": "violates: {arts}",
           "needs_review": "needs human review: {rev}{todo}", "not_addressed": "not addressed by this city",
           "not_in_force": "regulation not yet in force", "compliant": "", "unreadable": "not checked: {reason}"},
}


def _review_todo(review: list, lang: str) -> str:
    """What a reviewer checks, from the review rules' own remedies: a bare list of articles gave the clerk
    nothing to act on (需人工审查：《…》第十条第二款)."""
    todo = list(dict.fromkeys(text_of(r.spec.remedy, lang) for r in sorted(review, key=_article_key)
                              if getattr(r.spec, "remedy", None)))
    if not todo:
        return ""
    return ("。审查要点：" if lang == "zh" else ". To check: ") + ("；" if lang == "zh" else "; ").join(
        t.rstrip("。.") for t in todo)


# A missing fact whose usual document is not needed when the row states another fact: the row's 学历
# column says the level (学历证书 would prove only that); whether it meets the post is set by the notice.
STATED: dict[str, tuple[str, dict[str, str]]] = {
    # the notice (招聘公告) sets the requirement the row's 学历 is held against: one document, asked for once
    "education_ok": ("education_level", {"zh": "招聘公告", "en": "the recruitment notice"}),
}

REMARK = "@remark"     # a pseudo-fact in a pattern's variant key: the row's 备注 sends it to review

_ARTICLES: dict[tuple[str, str], str] = {}


def article_label(rule: CompiledRule, lang: str = "zh") -> str:
    hit = _ARTICLES.get((rule.id, lang))
    if hit is None:
        hit = _ARTICLES[(rule.id, lang)] = _article_label(rule, lang)
    return hit


def _article_label(rule: CompiledRule, lang: str) -> str:
    """The full citation, instrument named (issue 18: in a list mixing the city's regulation and national
    law, 第十九条 after 《行政处罚法》第二十条 would read as the penalty law's article)."""
    c = rule.spec.cite
    if rule.id.split(".", 1)[0] not in CITIES:  # another layer (national law, a county pack)
        return rule.citation if lang == "zh" else f"{rule.id.split('.', 1)[0]} {cite_text_en(c.article, c.paragraph, c.item)}"
    if lang == "en":
        return cite_text_en(c.article, c.paragraph, c.item)
    return rule.citation


def _article_key(rule: CompiledRule) -> tuple[int, int, int]:
    c = rule.spec.cite
    return (c.article, c.paragraph or 0, c.item or 0)


@dataclass
class Pattern:
    city: str
    kind: str
    decision: str
    violated: list[CompiledRule]
    review: list[CompiledRule]
    unknown: list[CompiledRule]
    missing: list[str]
    documents: list[str]
    texts: dict[str, str | None]
    tail: str                     # JSON members after the row's own fields
    detail: str                   # the HR line's explanation

    @property
    def score(self) -> int:
        return len(self.violated)


class Listed(NamedTuple):
    """One record in the per-record listing (the HR view, the report's 逐项处理意见, CI cases)."""
    row: int
    order: int
    name: str
    id: str
    decision: str
    detail: str              # the pattern's advice: shared by every row of the pattern
    note: str = ""           # the row's own: its 备注, a settled birth month, a blank date cell
    task: str = ""           # a task record's text (its 任务内容), so the line stands alone

    @property
    def text(self) -> str:
        return "；".join(x for x in (self.detail, self.note) if x)


@dataclass
class TopRecord:
    score: int
    row: int
    id: str | None
    name: str | None
    groups: dict[str, str | None]
    pattern: Pattern
    extra: dict[str, str | None] = field(default_factory=dict)     # task, department, date: the record itself


@dataclass
class Collector:
    packs: dict[str, Pack]
    lang: str = "zh"
    top_n: int = 50
    listing_limit: int | None = 200          # None: list every row; 0: none
    all_cities: bool = False                 # --city all: every row under every pack
    show_personal: bool = False              # else ID numbers and phones inside reasons are masked
    need: frozenset[str] = frozenset(OUT_COLUMNS) | {"_tail"}   # result columns the writer uses
    sample_rejections: int = 200
    rows_in: int = 0
    evaluated: int = 0
    rejected: int = 0
    blank: int = 0
    by_city: dict[str, np.ndarray] = field(default_factory=dict)              # city -> counts over STATUSES
    by_kind: Counter = field(default_factory=Counter)
    rules: dict[tuple[str, str], np.ndarray] = field(default_factory=dict)    # (city, rule id) -> [violated, review, unknown]
    articles: dict[tuple[str, str], int] = field(default_factory=dict)        # (city, article) -> rows violating it
    documents: Counter = field(default_factory=Counter)                       # document -> rows needing it
    missing: Counter = field(default_factory=Counter)                         # fact -> rows missing it
    groups: dict[str, dict[tuple[str, str], np.ndarray]] = field(default_factory=dict)  # name -> (city, value) -> counts
    top: list[TopRecord] = field(default_factory=list)
    rejections: list[tuple[int, str]] = field(default_factory=list)
    rejected_by: Counter = field(default_factory=Counter)
    listing: list[Listed] = field(default_factory=list)
    listing_overflow: bool = False
    _patterns: dict[Any, Pattern] = field(default_factory=dict)
    pattern_counts: dict[int, int] = field(default_factory=dict)             # id(pattern) -> rows
    rejected_by_city: Counter = field(default_factory=Counter)
    blank_dates: int = 0                                                      # rows judged as of the run's date
    _vocab: dict = field(default_factory=fact_vocabulary)
    _order: dict[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._order = {c: i for i, c in enumerate(self.packs)}

    # ------------------------------------------------------------------ one chunk

    def add(self, prep: Evaluated) -> pa.Table:
        """Fold a chunk into the aggregates; return its result rows (sorted by row, then pack)."""
        chunk = prep.chunk
        n_bad = len(chunk.bad)
        if not self.show_personal:   # phones and ID numbers by pattern, in whatever column they sit
            for k in ("id", "county", "township", "grid", "task", "department"):
                if k in prep.raw:
                    prep.raw[k] = mask_column(prep.raw[k])
                if prep.bad_raw.get(k):
                    prep.bad_raw[k] = [mask_text(v) if v else v for v in prep.bad_raw[k]]
        self.rows_in += chunk.n + n_bad
        self.rejected += len(prep.rejected) + n_bad
        self.evaluated += chunk.n - len(prep.rejected)
        self.blank += chunk.blank
        for k, c in prep.kinds.items():
            self.by_kind[k] += c
        parts: list[dict[str, Any]] = []
        for g in prep.groups:
            parts.append(self._group(prep, g))
        parts.extend(self._rejected(prep))
        parts = [p for p in parts if p["row"].size]
        if not parts:
            return _empty_table()
        cols: dict[str, Any] = {}
        for name in ("row",) + tuple(c for c in OUT_COLUMNS + ("_tail", "note") if c in self.need and c != "row"):
            arrays = [_arr(p.get(name), len(p["row"])) for p in parts]
            cols[name] = pa.concat_arrays(arrays) if len(arrays) > 1 else arrays[0]
        table = pa.table(cols)
        if len(parts) > 1:
            row = np.concatenate([p["row"] for p in parts])
            order = np.concatenate([p["_order"] for p in parts])
            perm = np.lexsort((order, row))
            table = table.take(pa.array(perm))
        return table

    # ------------------------------------------------------------------ evaluated rows

    def _group(self, prep: Evaluated, g: Group) -> dict[str, Any]:
        R = g.result
        m = len(g.rows)
        inv, reps, keys = _signatures(R)
        pats = [self._pattern(g.city, g.kind, R, int(rep), key) for rep, key in zip(reps, keys)]
        remarked = None
        if prep.notes:
            blank = "日期栏空白" if self.lang != "en" else "date cell blank"
            self.blank_dates += sum(1 for r in g.rows.tolist() if blank in (prep.notes.get(r) or ""))
            from .remarks import MARK

            mark = MARK["en" if self.lang == "en" else "zh"]
            remarked = np.fromiter((mark in (prep.notes.get(r) or "") for r in g.rows.tolist()), dtype=bool, count=m)
        inv, pats = self._stated(g, R, inv, pats, reps, keys, remarked)
        counts = np.bincount(inv, minlength=len(pats))
        dec = np.array([DECISIONS.index(p.decision) for p in pats], dtype=np.int64)
        pc_ = self.pattern_counts
        for p, c in zip(pats, counts.tolist()):
            pc_[id(p)] = pc_.get(id(p), 0) + c
        row_dec = dec[inv]
        lines = prep.chunk.lines[g.rows]
        whole = m == prep.chunk.n
        raw = prep.raw if whole else {k: v.take(pa.array(g.rows)) for k, v in prep.raw.items()}
        self._groups(g.city, raw, row_dec)
        self._top(g, pats, inv, lines, raw)
        self._list(pats, inv, lines, raw, [prep.notes.get(int(r)) for r in g.rows.tolist()] if prep.notes else None)
        out: dict[str, Any] = {"row": lines, "_order": np.full(m, self._order.get(g.city, 0), dtype=np.int64)}
        out.update(raw)
        idx = pa.array(inv.astype(np.int32, copy=False))
        for name, value in (("city", g.city), ("kind", g.kind)):
            if name in self.need:
                out[name] = pa.array([value], pa.string()).take(pa.array(np.zeros(m, dtype=np.int32)))
        for name in _PATTERN_COLS:
            if name in self.need:
                out[name] = pa.array([p.texts[name] for p in pats], pa.string()).take(idx)
        if prep.notes:
            notes = [prep.notes.get(int(r)) for r in g.rows.tolist()]
            if any(notes):
                out["reason"] = out["note"] = pa.array(notes, pa.string())   # note: JSONL's key for it
        if "_tail" in self.need:
            out["_tail"] = pa.array([p.tail for p in pats], pa.string()).take(idx)
        if "question_verdicts" in self.need:
            out["question_verdicts"] = _question_verdicts(R)
        if "inferred" in self.need and R.inference_codes is not None:
            # Per row, not per pattern: the report must say the nature was inferred, and from which words.
            shipped = [shipped_line(i, self.lang) for i in R.inference_list]     # written by textpool's child
            texts = pa.array([nature_text(i, self.lang) if t is None else t
                              for i, t in zip(R.inference_list, shipped)], pa.string())
            out["inferred"] = texts.take(pa.array(R.inference_codes, mask=R.inference_codes < 0))
        return out

    def _missing_text(self, vocab: dict, fact: str) -> str:
        """是否受过刑事处罚（无犯罪记录证明）in Chinese; the fact code in English."""
        if self.lang != "zh":
            return fact
        meta = vocab.get(fact, {})
        return (meta.get("label") or fact) + (f"（{meta['evidence']}）" if meta.get("evidence") else "")

    def _questions_text(self, R: BatchResult, rep: int) -> str | None:
        """资格条件：不合规；程序：合规 — the verdict on each question the record raises (core's C1 answers)."""
        if "questions" not in self.need:
            return None
        from ..labels import question_label

        try:
            answers = R.questions(rep)
        except Exception:        # a verdict by question is a reading aid; never fail the audit over it
            return None
        sep = "；" if self.lang == "zh" else "; "
        colon = "：" if self.lang == "zh" else ": "
        return sep.join(f"{question_label(a.question, self.lang)}{colon}{label(a.verdict, self.lang)}"
                        for a in answers) or None

    def _unregulated(self, R: BatchResult, rep: int, kind: str) -> str | None:
        """本市规定未涉及（第十一条第二款交由县级办法规定）: the main question's answer, with where the law leaves it."""
        from ..answer_lines import verdict_text
        from ..verdicts import MAIN_QUESTION

        try:
            answers = [a.to_dict() for a in R.questions(rep)]
        except Exception:        # a reading aid; never fail the audit over it
            return None
        main = next((a for a in answers if a["question"] == MAIN_QUESTION.get(kind)), None)
        if main is None or main["verdict"] != "not_addressed":
            return None
        text = verdict_text(main, self.lang, kind)
        return text if ("（" in text or "(" in text) else None

    def _rule(self, city: str, rule: CompiledRule) -> np.ndarray:
        key = (city, rule.id)
        hit = self.rules.get(key)
        if hit is None:
            hit = self.rules[key] = np.zeros(3, dtype=np.int64)
        return hit

    def _stated(self, g: Group, R: BatchResult, inv: np.ndarray, pats: list[Pattern], reps: Any, keys: list[Any],
                remarked: np.ndarray | None = None) -> tuple[np.ndarray, list[Pattern]]:
        """Rows that state what a missing fact's usual document would prove (学历 filled: no 学历证书)
        get a pattern asking for what is still open instead (issue 18: ask only for what the row lacks).
        Rows whose 备注 names a disqualifying fact (remarks.py) go to review: a compliant or not-addressed
        decision becomes needs_review, the remark quoted in the row's note."""
        overrides = []
        if remarked is not None and remarked.any():
            overrides.append((REMARK, remarked))
        for leaf, (by, _) in STATED.items():
            for who in ("candidate.", "worker."):
                k = R.known.get(who + by)
                if k is not None and k.any() and any(who + leaf in p.missing for p in pats):
                    overrides.append((who + leaf, k))
        if not overrides:
            return inv, pats
        bits = np.zeros(len(inv), dtype=np.int64)
        for b, (fact, k) in enumerate(overrides):
            relevant = np.array([fact == REMARK or fact in p.missing for p in pats], dtype=bool)[inv]
            bits |= (k & relevant).astype(np.int64) << b
        if not bits.any():
            return inv, pats
        width = 1 << len(overrides)
        uniq, new_inv = np.unique(inv * width + bits, return_inverse=True)
        out = []
        for u in uniq.tolist():
            base, b = divmod(u, width)
            stated = frozenset(overrides[j][0] for j in range(len(overrides)) if b >> j & 1)
            out.append(self._pattern(g.city, g.kind, R, int(reps[base]), keys[base], stated) if stated else pats[base])
        return new_inv.astype(np.int64), out

    def _pattern(self, city: str, kind: str, R: BatchResult, rep: int, key: Any,
                 stated: frozenset[str] = frozenset()) -> Pattern:
        cache_key = (city, kind, key, stated)
        hit = self._patterns.get(cache_key)
        if hit is not None:
            return hit
        decision = R.decision(rep)
        if REMARK in stated and decision in ("compliant", "not_addressed"):
            decision = "needs_review"
        stated = stated - {REMARK}
        col = R.outcomes[:, rep] if len(R.rules) else np.zeros(0, dtype=np.int8)
        violated = [R.rules[j] for j in np.flatnonzero(col == VIO)]
        review = [R.rules[j] for j in np.flatnonzero(col == REV)]
        unknown = [R.rules[j] for j in np.flatnonzero(col == UNK)]
        missing = R.missing_facts(rep)
        vocab = self._vocab.get(kind, {})
        if stated:     # the row states what the usual document proves: ask for what is still open
            vocab = {**vocab, **{f: {**vocab.get(f, {}), "evidence": text_of(STATED[f.rsplit(".", 1)[-1]][1], self.lang)}
                                 for f in stated}}
        docs = list(dict.fromkeys(vocab.get(f, {}).get("evidence") or vocab.get(f, {}).get("label") or f
                                  for f in missing))
        docs = [d for d in docs if not any(d != e and d in e for e in docs)]   # 交办文件 is in 任务的法律依据或交办文件
        sep = _SEP.get(self.lang, "；")
        arts = list(dict.fromkeys(article_label(r, self.lang) for r in sorted(violated, key=_article_key)))
        revs = list(dict.fromkeys(article_label(r, self.lang) for r in sorted(review, key=_article_key)))
        texts = {
            "decision": decision,
            "decision_label": label(decision, self.lang),
            "questions": self._questions_text(R, rep),
            "violated_articles": sep.join(arts) or None,
            "violated_rules": sep.join(r.id for r in violated) or None,
            "review_rules": sep.join(r.id for r in review) or None,
            # the rules that decided, as Decision.deciding_rules (Parquet and in-memory results carry them)
            "deciding_rules": sep.join(R.deciding_rules(rep)) or None,
            "missing_facts": sep.join(self._missing_text(vocab, f) for f in missing) or None,
            "documents": ("、" if self.lang == "zh" else ", ").join(docs) or None,
        }

        def cite(r: CompiledRule) -> dict:
            return {"rule": r.id, "article": article_label(r, self.lang)}
        tail = _json_members({
            "city": city, "kind": kind, "decision": decision,
            "violated": [cite(r) for r in violated], "review": [cite(r) for r in review],
            "missing": [{"fact": f, "evidence": vocab.get(f, {}).get("evidence")} for f in missing],
            "documents": docs, "reason": None})
        # an article also under review is not "settled": its ban is met only as far as the review allows
        # (配合城管拆除违建: 第十九条第二款第（二）项 needs review, it is not 未见…所指情形)
        under_review = {article_label(r, self.lang) for r in review}
        satisfied = [R.rules[j] for j in np.flatnonzero(col == SAT)
                     if article_label(R.rules[j], self.lang) not in under_review]
        detail = _DETAIL[self.lang if self.lang in _DETAIL else "zh"][decision].format(
            docs=texts["documents"] or "", arts=sep.join(_quoted(violated, self.lang) if self.lang == "zh" else arts),
            rev=sep.join(revs),
            settled=_settled(satisfied, self.lang), todo=_review_todo(review, self.lang))
        if decision == "insufficient_facts" and revs:     # the open facts come first; the review is still owed
            detail += ("；另需人工审查：" if self.lang == "zh" else "; also needs human review: ") + sep.join(revs) + \
                _review_todo(review, self.lang)
        if decision == "needs_review" and not revs:       # sent to review by the row's 备注: the note says which
            detail = "需人工审查：核实备注所载情况，再定是否符合条件" if self.lang == "zh" else \
                "needs human review: verify what the remark states, then decide"
        if decision == "not_addressed":
            detail = self._unregulated(R, rep, kind) or detail
        texts["advice"] = detail or None
        p = Pattern(city, kind, decision, violated, review, unknown, missing, docs, texts, tail, detail)
        self._patterns[cache_key] = p
        return p

    def _groups(self, city: str, raw: dict[str, Any], row_dec: np.ndarray) -> None:
        for name in GROUPS:
            col = raw.get(name)
            if col is None:
                continue
            enc = col.dictionary_encode()
            idx = enc.indices.to_numpy(zero_copy_only=False)
            values = enc.dictionary.to_pylist()
            if enc.null_count:
                idx = np.where(enc.is_valid().to_numpy(zero_copy_only=False), idx, len(values))
                values.append(None)
            counts = np.bincount(idx.astype(np.int64) * len(STATUSES) + row_dec,
                                 minlength=len(values) * len(STATUSES)).reshape(len(values), len(STATUSES))
            table = self.groups.setdefault(name, {})
            for v, c in zip(values, counts):
                key = (city, v or "")
                if key in table:
                    table[key] += c
                elif len(table) < 100_000:
                    table[key] = c.copy()

    def _top(self, g: Group, pats: list[Pattern], inv: np.ndarray, lines: np.ndarray, raw: dict[str, Any]) -> None:
        if not self.top_n:
            return
        score = np.array([p.score for p in pats], dtype=np.int64)[inv]
        cand = np.flatnonzero(score > 0)
        if not len(cand):
            return
        floor = self.top[-1].score if len(self.top) >= self.top_n else 0
        cand = cand[score[cand] >= floor]
        if len(cand) > self.top_n:
            order = np.lexsort((lines[cand], -score[cand]))[: self.top_n]
            cand = cand[order]
        for i in cand.tolist():
            self.top.append(TopRecord(int(score[i]), int(lines[i]), _get(raw, "id", i), _get(raw, "name", i),
                                      {k: _get(raw, k, i) for k in GROUPS if k in raw}, pats[inv[i]],
                                      {k: _get(raw, k, i) for k in ("task", "department", "date") if k in raw}))
        self.top.sort(key=lambda r: (-r.score, r.row, self._order.get(r.pattern.city, 0)))
        del self.top[self.top_n:]

    def _list(self, pats: list[Pattern], inv: np.ndarray, lines: np.ndarray, raw: dict[str, Any],
              notes: list[str | None] | None = None) -> None:
        if self.listing_limit == 0 or self.listing_overflow:
            return
        if self.listing_limit is not None and len(self.listing) + len(lines) > self.listing_limit:
            self.listing_overflow = True
            self.listing.clear()
            return
        def column(name: str) -> list:
            col = raw.get(name)
            return col.to_pylist() if col is not None else [None] * len(lines)

        for i, (line, nm, rid, task) in enumerate(zip(lines.tolist(), column("name"), column("id"), column("task"))):
            p = pats[inv[i]]
            detail = f"{label(p.city, self.lang)}：{p.detail}" if self.all_cities else p.detail
            self.listing.append(Listed(line, self._order.get(p.city, 0), nm or "", rid or "", p.decision, detail,
                                       (notes[i] or "") if notes else "", task or ""))

    # ------------------------------------------------------------------ rejected rows

    def _rejected(self, prep: Evaluated) -> list[dict[str, Any]]:
        chunk = prep.chunk
        rows = np.concatenate([chunk.lines[prep.rejected], np.array([b[0] for b in chunk.bad], dtype=np.int64)])
        reasons = list(prep.reasons) + [b[1] for b in chunk.bad]
        if not self.show_personal:
            reasons = [mask_text(r) for r in reasons]
        if not len(rows):
            return []
        cities_of_row = list(prep.rejected_city) + [""] * len(chunk.bad)
        for r, why in zip(rows.tolist(), reasons):
            if len(self.rejections) < self.sample_rejections:
                self.rejections.append((r, why))
            self.rejected_by[_reason_column(why)] += 1
        raw = {}
        for k, v in prep.raw.items():
            taken = v.take(pa.array(prep.rejected))
            raw[k] = pa.concat_arrays([taken, pa.array(prep.bad_raw.get(k) or [None] * len(chunk.bad), pa.string())])
        # the same rejected row appears once per pack under --city all
        targets: list[str | None] = list(self.packs) if self.all_cities else [None]
        out: list[dict[str, Any]] = []
        for t in targets:
            cities = [t or c for c in cities_of_row]
            self.rejected_by_city.update(cities)
            m = len(rows)
            if raw:
                one = next(iter(self.packs)) if len(self.packs) == 1 else ""
                self._groups(t or one, raw, np.full(m, REJ, dtype=np.int64))
            entry: dict[str, Any] = {"row": rows, "_order": np.full(m, self._order.get(t or "", 0), dtype=np.int64)}
            entry.update(raw)
            entry["city"] = pa.array([c or None for c in cities], pa.string())
            entry["kind"] = pa.nulls(m, pa.string())
            entry["decision"] = pa.array(["unreadable"] * m, pa.string())
            entry["decision_label"] = pa.array([_REJ_LABEL.get(self.lang, _REJ_LABEL["en"])] * m, pa.string())
            entry["reason"] = pa.array(reasons, pa.string())
            entry["_tail"] = pa.array([_json_members({"city": c or None, "kind": None, "decision": "unreadable",
                                                      "violated": [], "review": [], "missing": [], "documents": [],
                                                      "reason": why}) for c, why in zip(cities, reasons)], pa.string())
            out.append(entry)
        if self.listing_limit != 0 and not self.listing_overflow:
            if self.listing_limit is not None and len(self.listing) + len(rows) > self.listing_limit:
                self.listing_overflow = True
                self.listing.clear()
            else:
                def column(name: str) -> list:
                    return raw[name].to_pylist() if name in raw else [None] * len(rows)

                for r, why, a, b, task in zip(rows.tolist(), reasons, column("name"), column("id"), column("task")):
                    self.listing.append(Listed(r, 0, a or "", b or "", "unreadable",
                                               _DETAIL[self.lang if self.lang in _DETAIL else "zh"]["unreadable"].format(
                                                   reason=why), "", task or ""))
        return out

    # ------------------------------------------------------------------ totals

    def finalize(self) -> None:
        """Derive the per-decision, per-rule, per-article and per-document counts from the pattern counts."""
        self.by_city, self.rules, self.articles = {}, {}, {}
        self.documents, self.missing = Counter(), Counter()
        for p in self._patterns.values():
            c = self.pattern_counts.get(id(p), 0)
            if not c:
                continue
            self.by_city.setdefault(p.city, np.zeros(len(STATUSES), dtype=np.int64))[DECISIONS.index(p.decision)] += c
            for rule in p.violated:
                self._rule(p.city, rule)[0] += c
            for rule in p.review:
                self._rule(p.city, rule)[1] += c
            for rule in p.unknown:
                self._rule(p.city, rule)[2] += c
            for art in dict.fromkeys(article_label(r, self.lang) for r in p.violated):
                self.articles[(p.city, art)] = self.articles.get((p.city, art), 0) + c
            for d in p.documents:
                self.documents[d] += c
            for f in p.missing:
                self.missing[f] += c
        for city, c in self.rejected_by_city.items():
            self.by_city.setdefault(city, np.zeros(len(STATUSES), dtype=np.int64))[REJ] += c
        order = {c: i for i, c in enumerate(self.packs)}
        self.by_city = dict(sorted(self.by_city.items(), key=lambda kv: order.get(kv[0], len(order))))

    def decision_totals(self) -> dict[str, int]:
        total = np.zeros(len(STATUSES), dtype=np.int64)
        for c in self.by_city.values():
            total += c
        return {s: int(v) for s, v in zip(STATUSES, total) if v}


def _settled(satisfied: list[CompiledRule], lang: str) -> str:
    """What the row already settles, said first (issue 18: a 事实不足 row leads with what is met, then what is
    still open): 已核实条件均符合（“年满十八周岁的中华人民共和国公民”）；"""
    if not satisfied:
        return ""
    from ..textnorm import reading_text

    met, absent = [], []          # a condition met; a prohibition whose case is not present
    for r in sorted(satisfied, key=_article_key):
        (absent if r.spec.modality == "prohibition" else met).append(_clip(reading_text(r.spec.quote)))
    met, absent = list(dict.fromkeys(met)), list(dict.fromkeys(absent))
    n = len(met) + len(absent)
    if lang == "en":
        parts = [f"“{q}”" for q in met] + [f"not a case of “{q}”" for q in absent]
        return (f"the {n} conditions verified are met" if n > 2 else
                "the conditions verified are met (" + "; ".join(parts) + ")") + "; "
    if n > 2:                     # the open facts are what the clerk acts on: keep the settled ones to a count
        return f"已核实的 {n} 项条件均符合；"
    parts = [f"“{q}”" for q in met] + [f"未见“{q}”所指情形" for q in absent]
    return "已核实条件均符合（" + "；".join(parts) + "）；"


def _quoted(violated: list[CompiledRule], lang: str) -> list[str]:
    """Each violated article with the words it breaches, so a 违反 line says why without the law at hand (a
    task marked 否 under 是否在清单内 reads 第十九条第二款第（一）项（“超出当地网格服务管理事项清单中的事项”）, not a bare number
    a clerk takes for a misreading of the task). One quote per article, clipped."""
    from ..textnorm import reading_text

    import re

    out: dict[str, str] = {}
    for r in sorted(violated, key=_article_key):
        q = reading_text(r.spec.quote)
        item = re.search(r"（[一二三四五六七八九十]+）([^（）]+)$", q)   # an item's own words, not the list's chapeau
        out.setdefault(article_label(r, lang), _clip(item.group(1) if item else q))
    return [f"{a}（“{q}”）" for a, q in out.items()]


def _clip(text: str, n: int = 24) -> str:
    text = text.strip().rstrip("。；;，,")
    return text if len(text) <= n else text[:n - 1] + "…"


_REJ_LABEL = {"zh": "未能审查：数据无法读取", "en": "not checked: data unreadable"}


def _reason_column(why: str) -> str:
    head = why.split("“", 1)[0] if "“" in why else why.split(" '", 1)[0]
    return head[:40]


def _get(raw: dict[str, Any], name: str, i: int) -> str | None:
    col = raw.get(name)
    return None if col is None else col[i].as_py()


def _json_members(obj: dict) -> str:
    text = json.dumps(obj, ensure_ascii=False)
    return text[1:-1]


def _signatures(R: BatchResult) -> tuple[np.ndarray, np.ndarray, list[Any]]:
    """(pattern index per row, a representative row per pattern, a hashable key per pattern).

    A row's pattern is its decision, every rule's outcome and which facts its
    unknown findings miss, packed into one int64 and hash-factorised (no sort)."""
    n = R.n
    rules = R.rules
    nr = len(rules)
    facts = list(dict.fromkeys(f for r in rules for f in r.asks))
    unk = R.outcomes == UNK if nr else np.zeros((0, n), dtype=bool)
    has_unk = bool(unk.any())
    layers = _layer_bits(R)
    # bits: log2(5) per rule, 3 for the decision, one per missing fact, one per layer in force / conflict
    width = (nr * 2.33 + 3) + (len(facts) if has_unk else 0) + len(layers)
    if width > 62:
        return _signatures_wide(R)
    key = R.decisions.astype(np.int64)
    for j in range(nr):
        key = key * 5 + R.outcomes[j]
    for bit in layers:          # rows of different dates may have different layers in force (各问题结论 by layer)
        key = (key << 1) | bit
    if has_unk:
        for f in facts:
            js = [j for j, r in enumerate(rules) if f in r.asks]
            miss = unk[js].any(axis=0)
            k = R.known.get(f)
            if k is not None:
                miss &= ~k
            key = (key << 1) | miss
    enc = pa.array(key).dictionary_encode()
    inv = enc.indices.to_numpy(zero_copy_only=False).astype(np.int64)
    uniq = enc.dictionary.to_numpy(zero_copy_only=False)
    first = np.empty(len(uniq), dtype=np.int64)
    first[inv[::-1]] = np.arange(n - 1, -1, -1)
    return inv, first, [int(k) for k in uniq]


def _signatures_wide(R: BatchResult) -> tuple[np.ndarray, np.ndarray, list[Any]]:
    """Many rules or facts: the full outcome matrix plus missing-fact flags, as rows of bytes."""
    facts = list(dict.fromkeys(f for r in R.rules for f in r.asks))
    unk = R.outcomes == UNK
    flags = []
    for f in facts:
        js = [j for j, r in enumerate(R.rules) if f in r.asks]
        k = R.known.get(f)
        miss = unk[js].any(axis=0) if js else np.zeros(R.n, dtype=bool)
        flags.append(miss & ~k if k is not None else miss)
    layers = _layer_bits(R)
    mat = np.vstack([R.decisions[None, :].astype(np.int8), R.outcomes.astype(np.int8),
                     np.array(flags, dtype=np.int8).reshape(len(flags), R.n),
                     np.array(layers, dtype=np.int8).reshape(len(layers), R.n)]).T.copy()
    n, w = mat.shape
    if n == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64), []
    # hash the rows (pyarrow, no sort of n rows), then order the few distinct ones as np.unique(axis=0) does
    # (bytewise; every code is ≥ 0), so that patterns come in the same order as before
    rows = pa.FixedSizeBinaryArray.from_buffers(pa.binary(w), n, [None, pa.py_buffer(mat)])
    enc = rows.dictionary_encode()
    words = enc.dictionary.to_pylist()
    order = sorted(range(len(words)), key=words.__getitem__)
    rank = np.empty(len(words), dtype=np.int64)
    rank[order] = np.arange(len(words))
    inv = rank[enc.indices.to_numpy(zero_copy_only=False)]
    first = np.empty(len(words), dtype=np.int64)
    first[inv[::-1]] = np.arange(n - 1, -1, -1)
    return inv, first, [words[j] for j in order]


def _layer_bits(R: BatchResult) -> list[np.ndarray]:
    """Per row, which layers of the stack are in force on its date and which conflicts apply: two rows with the
    same rule outcomes but different dates can differ here, and so in their verdict by question."""
    bits: list[np.ndarray] = []
    slots = getattr(R, "slots_on", None)
    if slots is not None and len(slots):
        bits.extend(np.asarray(row, dtype=np.int64) for row in slots if not (row.all() or not row.any()))
    for _c, mask in getattr(R, "conflict_masks", None) or ():
        mask = np.asarray(mask, dtype=bool)
        if mask.any() and not mask.all():
            bits.append(mask.astype(np.int64))
    return bits


def _question_verdicts(R: BatchResult) -> Any:
    """Per row, its verdict on each question the act raises, as JSON: {"hiring": "non_compliant", …}
    (Decision.questions' verdicts; per row, since which layers are in force depends on the row's date)."""
    from ..verdicts import verdict_of

    qv = R.question_verdicts() if hasattr(R, "question_verdicts") else {}
    if not qv:
        return pa.nulls(R.n, pa.string())
    names = list(qv)
    mat = np.vstack([qv[q] for q in names])
    uniq, inv = np.unique(mat, axis=1, return_inverse=True)
    texts = [json.dumps({q: verdict_of(int(c)) for q, c in zip(names, col)}, ensure_ascii=False) for col in uniq.T]
    return pa.array(texts, pa.string()).take(pa.array(inv.reshape(-1).astype(np.int32)))


def _arr(value: Any, m: int) -> Any:
    if value is None:
        return pa.nulls(m, pa.string())
    if isinstance(value, np.ndarray):
        return pa.array(value)
    return value


def _empty_table() -> pa.Table:
    cols = {name: pa.array([], pa.string()) for name in OUT_COLUMNS + ("_tail",)}
    cols["row"] = pa.array([], pa.int64())
    cols["_order"] = pa.array([], pa.int64())
    return pa.table(cols)
