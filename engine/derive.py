"""Derived facts, written once: what the engine works out from an act before any rule reads it.

- ``candidate.age`` / ``worker.age``: completed years on the act's date, from the birth date;
- ``worker.consecutive_failed_years``: from the appraisals (a gap that could decide it leaves it unknown);
- ``task.nature`` / ``matter.nature`` and ``task.assists_power_act``: the reading of the task text
  (gridlaw.lexicon; an unclassified text leaves the nature unknown);
- ``task.on_checklist`` / ``task.checklist_published``: lookups in the checklist the user gave.

A stated fact always wins over a derived one. Each derived fact has its one-act form and its column
form side by side here; the column form applies the same per-value functions (the reading, the
appraisal run, the checklist match) once per distinct value, and computes ages with numpy.
Whether a law is in force on the act's date is not a fact: the compiled program (engine/program.py)
confines each version to its dates.
"""
from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:   # the reader compiles its vocabulary on import: only tasks need it
    # (a checklist is engine/checklist.Checklist: read through its lookup/published_by/source_name only)
    import numpy as np

    from .lexicon import Inference

__all__ = ["age_on", "consecutive_failed", "persons", "prepare", "checklist_facts", "derive_columns", "as_dates",
           "ages"]


# --------------------------------------------------------------------------- one act

def consecutive_failed(appraisals: list[dict[str, Any]]) -> int | None:
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


def birth_of_id(number: Any) -> dt.date | None:
    """The birth date a mainland ID number carries, or None when the number does not parse."""
    from .idnumber import BadIdNumber, parse_id_number

    try:
        return parse_id_number(number, dt.date(2100, 12, 31)).birth
    except BadIdNumber:
        return None


def persons(flat: dict[str, Any]) -> dict[str, Any]:
    """Ages on the act's date and the run of failed appraisals, where the act does not state them."""
    date = flat.get("date")
    for who in ("candidate", "worker"):
        # a valid ID number carries the birth date (the act's models refuse an invalid one): with it, the age
        # conditions (劳动法第十五条, 年满十八周岁) are decided rather than left unknown
        if f"{who}.birth_date" not in flat and f"{who}.age" not in flat and flat.get(f"{who}.id_number"):
            born = birth_of_id(flat[f"{who}.id_number"])
            if born is not None:
                flat[f"{who}.birth_date"] = born
    if "candidate.age" not in flat and "candidate.birth_date" in flat and date:
        flat["candidate.age"] = age_on(flat["candidate.birth_date"], date)
    if "worker.age" not in flat and "worker.birth_date" in flat and date:
        flat["worker.age"] = age_on(flat["worker.birth_date"], date)
    if "worker.consecutive_failed_years" not in flat and "worker.appraisals" in flat:
        run = consecutive_failed(flat["worker.appraisals"])
        if run is not None:  # a missing year that could extend the run leaves the count unknown
            flat["worker.consecutive_failed_years"] = run
    return flat


def prepare(facts: dict[str, Any], checklist: Any = None) -> list[Inference]:
    """Fill task facts the act leaves open, from the task text and the checklist; say so, and how."""
    inferences: list[Inference] = []
    prefix = "task." if "task.text" in facts else "matter." if "matter.text" in facts else None
    if prefix is None:
        return inferences
    text = facts[prefix + "text"]
    if prefix + "nature" not in facts:
        from .lexicon import assists_inference, infer_nature

        inf = infer_nature(text, prefix + "nature")
        inferences.append(inf)
        if inf.value is not None:  # unclassified leaves the nature unknown: the decision asks for it
            facts[prefix + "nature"] = inf.value
            if prefix == "task." and "task.assists_power_act" not in facts:
                facts["task.assists_power_act"] = inf.assists
                inferences.append(assists_inference(inf))
            # a task of several natures (fines and collects on the spot): each gets its finding (C2, issue 16 §5)
            if prefix == "task." and len(inf.natures) > 1 and "task.also_natures" not in facts:
                facts["task.also_natures"] = list(inf.natures[1:])
    elif prefix == "task." and "task.text_natures" not in facts:
        inferences += disputed_nature(facts, text)
    if checklist is not None and prefix == "task.":
        inferences += checklist_facts(facts, checklist, text)
    return inferences


def disputed_nature(facts: dict[str, Any], text: str) -> list[Inference]:
    """A stated nature is checked against the text (issue 16 §5): where the grid worker is, in the text's
    words, to do a power act the stated nature denies, ``task.text_natures`` lists the natures the text
    shows and the reading names the clause; the national rules send the task to review."""
    from .labels import label
    from .lexicon import infer_nature

    stated = facts["task.nature"]
    inf = infer_nature(text, "task.text_natures")
    shown = [n for n in inf.natures if n != stated]
    if inf.outcome != "power_act" or stated in inf.natures or not shown:
        return []
    facts["task.text_natures"] = shown
    words = "、".join(w for c, ws, _, _ in inf.by_nature if c in shown for w in ws)
    grounds = "、".join(g for c, _, gs, _ in inf.by_nature if c in shown for g in gs)
    clause = next((cl for c, _, _, cl in inf.by_nature if c in shown), inf.clause)
    inf.value = shown
    inf.extra["reason"] = (f"所述任务性质（{label(stated)}）与任务文本不符：“{clause}”一句中由网格员实施“{words}”"
                           f"（{grounds}），文本所示为{'、'.join(label(n) for n in shown)}；须人工审查")
    inf.extra["disputes"] = stated
    return [inf]


def checklist_facts(facts: dict[str, Any], checklist: Any, text: str) -> list[Inference]:
    """task.on_checklist from the checklist file: true when listed, false when no entry shares the task's act or
    object, unknown only for a near match (the user confirms the nearest entry);
    a checklist published after the act's date is not used as if it had been in force."""
    from .lexicon import Inference

    out: list[Inference] = []
    where = checklist.source_name()
    published = checklist.published_by(facts["date"])
    if "task.on_checklist" not in facts:
        # A checklist published after the act's date still shows the matter was listed, but never as a list in
        # force: task.checklist_published is set false below, so the rules on publication decide.
        # listed / not listed / possibly listed (issue 16 §4): only a near match stays open
        found = checklist.lookup(text)
        if found.value is not None:
            facts["task.on_checklist"] = found.value
        entry = found.entry
        later = "；但该清单晚于行为日期公布，当时尚未生效" if published is False else ""
        out.append(Inference("task.on_checklist", found.value, "checklist", text, entry, "checklist",
                             where, (entry,) if entry else (), (where,), source="checklist",
                             extra={"reason": found.reason(where, later), "status": found.status,
                                    "compared": list(found.compared)}))
    if "task.checklist_published" not in facts and published is not None:
        facts["task.checklist_published"] = published
        out.append(Inference("task.checklist_published", published, "checklist", None, None, "checklist", where,
                             (where,), (where,), source="checklist",
                             extra={"reason": f"{where}{'早于或同于' if published else '晚于'}行为日期（{facts['date']}）公布"}))
    return out



# --------------------------------------------------------------------------- columns

def as_dates(arr: np.ndarray, known: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    import numpy as np

    if arr.dtype.kind == "M":
        return arr.astype("datetime64[D]", copy=False), known & ~np.isnat(arr)
    out = np.full(len(arr), np.datetime64("NaT"), dtype="datetime64[D]")
    idx = np.flatnonzero(known)
    if len(idx):
        vals = arr[idx]
        try:  # datetime.date / datetime objects: via the ordinal, ~40x faster than numpy's object cast
            days = np.fromiter((v.toordinal() for v in vals.tolist()), dtype=np.int64, count=len(idx)) - _EPOCH_ORDINAL
            out[idx] = days.astype("datetime64[D]")
        except AttributeError:  # ISO strings, numpy datetimes
            out[idx] = vals.astype("datetime64[D]")
    return out, known & ~np.isnat(out)


_EPOCH_ORDINAL = dt.date(1970, 1, 1).toordinal()


def _ymd(d: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    import numpy as np

    months = d.astype("datetime64[M]")
    y = months.astype("datetime64[Y]").astype(np.int64)
    m = months.astype(np.int64) - y * 12
    day = (d - months).astype(np.int64)
    return y, m, day


def ages(date: np.ndarray, birth: np.ndarray) -> np.ndarray:
    """Completed years at ``date`` (``acts.age_on``), via a day -> (year, month*32+day) table over the range seen."""
    import numpy as np

    d = date.astype(np.int64)
    b = birth.astype(np.int64)
    lo = min(int(d.min()), int(b.min()))
    hi = max(int(d.max()), int(b.max()))
    if hi - lo > 200_000:  # absurd ranges (typos like year 9999): compute directly
        yd, md, dd = _ymd(date)
        yb, mb, db = _ymd(birth)
        return yd - yb - ((md < mb) | ((md == mb) & (dd < db))).astype(np.int64)
    days = np.arange(lo, hi + 1).astype("datetime64[D]")
    y, m, dd = _ymd(days)
    md = m * 32 + dd
    d -= lo
    b -= lo
    return y[d] - y[b] - (md[d] < md[b]).astype(np.int64)


def _fill(data: dict, known: dict, n: int, name: str, rows: np.ndarray, values: np.ndarray, dtype: Any) -> None:
    """Set ``name`` to ``values`` on the bool mask ``rows`` (only where it was unknown), copy-on-write."""
    import numpy as np

    old = data.get(name)
    if old is None:
        new = np.zeros(n, dtype=dtype) if dtype is not object else np.full(n, None, dtype=object)
        k = np.zeros(n, dtype=bool)
    else:
        new = old.copy() if old.dtype == dtype or dtype is object else old.astype(np.result_type(old.dtype, dtype))
        k = known[name].copy()
    new[rows] = values
    k |= rows
    data[name], known[name] = new, k


def _disputed_columns(n: int, data: dict, known: dict, rows: Any) -> None:
    """The column form of :func:`disputed_nature`: a stated nature the task text contradicts."""
    import numpy as np

    nature, tn = "task.nature", "task.text_natures"
    if nature not in data:
        return
    todo = rows & known[nature] & ~known.get(tn, np.zeros(n, dtype=bool))
    idx = np.flatnonzero(todo)
    if not len(idx):
        return
    cache: dict[tuple, list | None] = {}
    got = []
    for t, stated in zip(data["task.text"][idx].tolist(), data[nature][idx].tolist()):
        key = (t, stated)
        if key not in cache:
            f = {"task.nature": stated}
            cache[key] = f["task.text_natures"] if disputed_nature(f, t) else None
        got.append(cache[key])
    hit = np.fromiter((g is not None for g in got), dtype=bool, count=len(idx))
    if hit.any():
        mask = np.zeros(n, dtype=bool)
        mask[idx[hit]] = True
        vals = np.empty(int(hit.sum()), dtype=object)
        vals[:] = [g for g in got if g is not None]
        _fill(data, known, n, tn, mask, vals, object)


def derive_columns(n: int, data: dict, known: dict, checklist: Any) -> tuple[np.ndarray | None, list[Inference]]:
    """The column form of :func:`persons` and :func:`prepare`, in place on ``data``/``known``; returns
    the reading code of each row (-1: none) and the distinct readings."""
    import numpy as np

    from .textpool import read_texts

    date = data.get("date")
    date_k = None
    if date is not None:
        date, date_k = as_dates(date, known["date"])
        data["date"], known["date"] = date, date_k
    for who in ("candidate", "worker"):
        age, birth, idn = f"{who}.age", f"{who}.birth_date", f"{who}.id_number"
        if idn in data:    # as persons(): the birth date a valid ID number carries, where none is given
            rows = known[idn] & ~known.get(birth, np.zeros(n, dtype=bool)) & ~known.get(age, np.zeros(n, dtype=bool))
            idx = np.flatnonzero(rows)
            if len(idx):
                born = [birth_of_id(v) for v in data[idn][idx].tolist()]
                ok = np.fromiter((b is not None for b in born), dtype=bool, count=len(idx))
                if ok.any():
                    mask = np.zeros(n, dtype=bool)
                    mask[idx[ok]] = True
                    got = [b for b in born if b is not None]
                    if birth in data and data[birth].dtype == object:     # keep the column's kind (dates)
                        vals = np.empty(len(got), dtype=object)
                        vals[:] = got
                        _fill(data, known, n, birth, mask, vals, object)
                    else:
                        _fill(data, known, n, birth, mask, np.array(got, dtype="datetime64[D]"), np.dtype("datetime64[D]"))
        if birth in data and date is not None:
            b, bk = as_dates(data[birth], known[birth])
            rows = bk & date_k & ~known.get(age, np.zeros(n, dtype=bool))
            if rows.any():
                _fill(data, known, n, age, rows, ages(date[rows], b[rows]), np.int64)
    cfy, apps = "worker.consecutive_failed_years", "worker.appraisals"
    if apps in data:
        rows = known[apps] & ~known.get(cfy, np.zeros(n, dtype=bool))
        idx = np.flatnonzero(rows)
        if len(idx):
            runs = [consecutive_failed([_appraisal(a) for a in v]) for v in data[apps][idx].tolist()]
            got = np.fromiter((r is not None for r in runs), dtype=bool, count=len(idx))  # None: a gap leaves it unknown
            rows = np.zeros(n, dtype=bool)
            rows[idx[got]] = True
            vals = np.fromiter((r for r in runs if r is not None), dtype=np.int64, count=int(got.sum()))
            _fill(data, known, n, cfy, rows, vals, np.int64)

    codes: np.ndarray | None = None
    inferences: list[Inference] = []
    handled = np.zeros(n, dtype=bool)
    for prefix in ("task.", "matter."):
        text = prefix + "text"
        if text not in data:
            continue
        rows = known[text] & ~handled          # scalar: task.text wins over matter.text
        handled |= rows
        nature = prefix + "nature"
        todo = rows & ~known.get(nature, np.zeros(n, dtype=bool))
        stated = rows & ~todo                  # a nature the sheet states (not one read from the text below)
        idx = np.flatnonzero(todo)
        if len(idx):
            if codes is None:
                codes = np.full(n, -1, dtype=np.int32)
            texts = data[text][idx].tolist()
            slot: dict[str, int] = {}
            row_codes = np.empty(len(idx), dtype=np.int32)
            base = len(inferences)
            for j, t in enumerate(texts):  # one reading per distinct text
                s = slot.get(t)
                if s is None:
                    s = slot[t] = base + len(slot)
                row_codes[j] = s
            inferences += read_texts(list(slot), nature)  # all distinct texts of the chunk, read together
            codes[idx] = row_codes
            # per distinct reading, then gathered: the value (None = unclassified) and whether the worker assists
            values = np.array([i.value for i in inferences] + [None], dtype=object)[row_codes]
            use = values != None  # noqa: E711 (element-wise)
            if use.any():
                mask = np.zeros(n, dtype=bool)
                mask[idx[use]] = True
                _fill(data, known, n, nature, mask, values[use], object)
                if prefix == "task.":
                    aid = "task.assists_power_act"
                    assists = np.array([i.assists for i in inferences] + [False], dtype=bool)[row_codes]
                    mask &= ~known.get(aid, np.zeros(n, dtype=bool))
                    if mask.any():
                        _fill(data, known, n, aid, mask, assists[use & mask[idx]], bool)
                    # several natures: the others beside the first, each with its finding (as prepare)
                    also = "task.also_natures"
                    more = np.array([len(i.natures) > 1 for i in inferences] + [False], dtype=bool)[row_codes]
                    amask = np.zeros(n, dtype=bool)
                    amask[idx[use & more]] = True
                    amask &= ~known.get(also, np.zeros(n, dtype=bool))
                    if amask.any():
                        vals = np.empty(int(amask.sum()), dtype=object)
                        vals[:] = [list(inferences[c].natures[1:]) for c in row_codes[amask[idx]]]
                        _fill(data, known, n, also, amask, vals, object)
        if prefix == "task.":        # as prepare: only a stated nature is checked against the text
            _disputed_columns(n, data, known, stated)
        if checklist is not None and prefix == "task.":
            on = "task.on_checklist"
            todo = rows & ~known.get(on, np.zeros(n, dtype=bool))
            idx = np.flatnonzero(todo)
            # a checklist published after the act's date still shows the matter listed; checklist_published
            # (below) is then false, so it is never used as a list in force (as evaluate.checklist_facts)
            if len(idx):
                # listed → true, not listed → false, possibly listed → unknown (Checklist.lookup, issue 16 §4)
                cache: dict[str, bool | None] = {}
                got = [cache[t] if t in cache else cache.setdefault(t, checklist.lookup(t).value)
                       for t in data[text][idx].tolist()]
                settled = np.fromiter((g is not None for g in got), dtype=bool, count=len(idx))
                if settled.any():
                    mask = np.zeros(n, dtype=bool)
                    mask[idx[settled]] = True
                    _fill(data, known, n, on, mask, np.array([g for g in got if g is not None], dtype=bool), bool)
            if checklist.published is not None and date is not None:
                pub = "task.checklist_published"
                todo = rows & date_k & ~known.get(pub, np.zeros(n, dtype=bool))
                if todo.any():
                    _fill(data, known, n, pub, todo, np.datetime64(checklist.published, "D") <= date[todo], bool)
    return codes, inferences


def _appraisal(a: Any) -> dict:
    if isinstance(a, dict):
        return a
    if isinstance(a, (tuple, list)):
        return {"year": a[0], "passed": a[1]}
    return {"year": a.year, "passed": a.passed}


