"""Fuzzing and properties (hypothesis): the act parser, the CSV / XLSX / JSONL readers, the
value parsers, the pack loader, the header-map loader, three-valued logic, scalar vs batch.

Checked on every input: no exception escapes but gridlaw's own (InputError, PackError,
BadValue); every record is accounted for (read, rejected or blank, each at one row);
Kleene's laws hold; the per-record and the column paths agree.

Sizes: ``GRIDLAW_FUZZ=nightly`` runs NIGHTLY inputs per property (≥ 20,000); CI runs the
small default. The number of inputs each property actually took is counted in RUNS.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import shutil
import string
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings, strategies as st

from gridlaw.errors import GridlawError, InputError, PackError

NIGHTLY = 20_000
CI = int(os.environ.get("GRIDLAW_FUZZ_CI", "150"))
SIZE = NIGHTLY if os.environ.get("GRIDLAW_FUZZ") == "nightly" else CI
HEAVY = int(os.environ.get("GRIDLAW_FUZZ_HEAVY", 0)) or (NIGHTLY if SIZE == NIGHTLY else max(CI // 15, 8))
# (pack loader, map loader, XLSX: 0.05–1 s an input on a shared 2-core machine)
RUNS: Counter = Counter()

ROOT = Path(__file__).resolve().parents[1]
EX = ROOT / "examples"


@pytest.fixture(scope="module")
def scratch(tmp_path_factory):
    return tmp_path_factory.mktemp("fuzz")


def fuzz(n: int = SIZE):
    return settings(max_examples=n, deadline=None, derandomize=n != NIGHTLY, database=None,
                    suppress_health_check=list(HealthCheck))


@pytest.fixture(scope="module", autouse=True)
def report_runs():
    yield
    if RUNS:
        line = ", ".join(f"{k} {v:,}" for k, v in sorted(RUNS.items()))
        (ROOT / ".pytest_cache").mkdir(exist_ok=True)
        (ROOT / ".pytest_cache" / "fuzz-runs.txt").write_text(line + "\n", "utf-8")


# --------------------------------------------------------------------------- act parser

EXAMPLES = [p.read_text("utf-8") for p in sorted(EX.glob("*.yaml")) if p.name != "checklist.yaml"]
NASTY = ["!!int", "&a", "*a", "[", "]", "{", "}", ":", "- ", "\n", "  ", '"', "'", "2024-02-30", "~", "\x00",
         "\ud800", "\x1b[31m", "9" * 25, "!!python/object:os.system", "<<: *a", "? ", "|", ">", "%YAML 1.1\n---\n"]


@st.composite
def mutated_act(draw):
    text = draw(st.sampled_from(EXAMPLES))
    for _ in range(draw(st.integers(0, 6))):
        pos = draw(st.integers(0, len(text)))
        how = draw(st.integers(0, 2))
        if how == 0:
            text = text[:pos] + draw(st.sampled_from(NASTY)) + text[pos:]
        elif how == 1:
            text = text[:pos] + text[pos + draw(st.integers(1, 40)):]
        else:
            text = text[:pos] + draw(st.text(max_size=12)) + text[pos:]
    return text


@fuzz()
@given(st.one_of(mutated_act(), st.text(max_size=200), st.binary(max_size=200)))
def test_fuzz_act_parser(text):
    from gridlaw.api import check, read_act_file

    RUNS["act parser"] += 1
    raw = text if isinstance(text, bytes) else text.encode("utf-8", "surrogatepass")
    try:
        for act, _ in read_act_file("-", raw):
            check(act)
    except GridlawError:
        pass


# --------------------------------------------------------------------------- CSV reader

CELL = st.lists(st.sampled_from(list('ab张三,"\n\r \t;|') + ["1990年3月15日", "是", "="]), max_size=8).map("".join)
HEAD = ["序号", "姓名", "出生日期", "是否受过刑事处罚"]


def _score(row: list[str]) -> int:
    return sum(h in HEAD for h in row)          # as the audit's header map scores known headers


def _read(path: Path, block: int):
    from gridlaw.audit.readers import open_source

    src = open_source(path, block=block, score=_score)
    rows, bad, blank = {}, {}, 0
    for ch in src.chunks():
        for i, line in enumerate(ch.lines.tolist()):
            assert line not in rows and line not in bad
            rows[line] = [ch.columns[c][i].as_py() if hasattr(ch.columns[c], "to_pylist") else ch.columns[c][i]
                          for c in range(len(ch.header))]
        for b in ch.bad:
            assert b[0] not in rows and b[0] not in bad
            bad[b[0]] = b[1]
        blank += ch.blank
    return src, rows, bad, blank


@fuzz()
@given(rows=st.lists(st.lists(CELL, min_size=4, max_size=4), max_size=30), eol=st.sampled_from(["\n", "\r\n"]),
       block=st.integers(16, 600))
def test_fuzz_csv_wellformed_records_are_read_exactly(rows, eol, block, scratch):
    """Whatever a CSV writer writes (quotes, line breaks, CR in cells) comes back record for record,
    each at its Excel row; only over-long or blank records are not rows."""
    RUNS["CSV well-formed"] += 1
    path = scratch / "f.csv"
    buf = io.StringIO()
    # csv.writer quotes a cell holding CR only when CR is in its line terminator; an unquoted CR
    # before the line break is ambiguous in any reader, so with "\n" every cell is quoted
    w = csv.writer(buf, lineterminator=eol, quoting=csv.QUOTE_ALL if eol == "\n" else csv.QUOTE_MINIMAL)
    w.writerow(HEAD)
    w.writerows(rows)
    path.write_text(buf.getvalue(), "utf-8")
    try:
        src, got, bad, blank = _read(path, block)
    except InputError:
        return
    assume(src.header == HEAD and src.header_line == 1)
    assert not bad, bad
    want = {i + 2: r for i, r in enumerate(rows) if any(c.strip() for c in r)}
    assert got == want
    assert src.tally.balanced() and len(got) + blank == len(rows)


@fuzz()
@given(data=st.binary(max_size=400) | st.text(alphabet=st.sampled_from(list('a,"\n\r张 ')), max_size=300).map(str.encode),
       block=st.integers(16, 400))
def test_fuzz_csv_any_bytes_account_for_every_line(data, block, scratch):
    RUNS["CSV any bytes"] += 1
    path = scratch / "g.csv"
    path.write_bytes(b"\xe5\xba\x8f\xe5\x8f\xb7,a,b,c\n" + data)      # 序号,a,b,c
    try:
        src, got, bad, blank = _read(path, block)
    except InputError:
        return
    t = src.tally
    assert t.balanced(), (t, data)
    assert len(got) + len(bad) + blank == t.records - src.header_line
    numbers = sorted([*got, *bad])
    assert numbers == sorted(set(numbers)) and all(n > src.header_line for n in numbers)


# --------------------------------------------------------------------------- JSONL reader


JSON_VALUE = st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=6),
                          lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner, max_size=3),
                          max_leaves=8)


@fuzz()
@given(lines=st.lists(st.one_of(JSON_VALUE.map(lambda v: json.dumps(v, ensure_ascii=False)), st.text(max_size=20),
                          st.integers(60, 3000).map(lambda n: "[" * n + "]" * n)), max_size=20))
def test_fuzz_jsonl_every_line_accounted(lines, scratch):
    from gridlaw.audit.readers import open_source

    RUNS["JSONL"] += 1
    lines = [x.replace("\n", " ").replace("\r", " ") for x in lines]
    path = scratch / "f.jsonl"
    path.write_text("".join(x + "\n" for x in lines), "utf-8")
    try:
        src = open_source(path)
        seen, blank = [], 0
        for ch in src.chunks():
            seen += ch.lines.tolist() + [b[0] for b in ch.bad]
            blank += ch.blank
    except InputError:
        return
    filled = [i + 1 for i, x in enumerate(lines) if x.lstrip("\ufeff").strip()]
    assert sorted(seen) == filled                      # every non-blank line once: a record or a rejection
    assert blank == len(lines) - len(filled)


# --------------------------------------------------------------------------- XLSX reader

# (a text starting with "=" is a formula to openpyxl, with no stored value: not data)
XCELL = st.one_of(st.none(), st.integers(-10 ** 6, 10 ** 6),
                  st.text(alphabet=st.sampled_from(list("ab张 =+\t")), max_size=6).filter(lambda t: not t.startswith("=")),
                  st.dates(dt.date(1950, 1, 1), dt.date(2030, 1, 1)))


@fuzz(HEAVY)
@given(rows=st.lists(st.lists(XCELL, min_size=4, max_size=4), max_size=12))
def test_fuzz_xlsx_rows_read_back(rows, scratch):
    import openpyxl

    from gridlaw.audit.readers import open_source

    RUNS["XLSX"] += 1
    path = scratch / "f.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(HEAD)
    for r in rows:
        ws.append(r)
    wb.save(path)
    src = open_source(path, score=_score)
    got, blank = {}, 0
    for ch in src.chunks():
        for i, line in enumerate(ch.lines.tolist()):
            got[line] = [ch.columns[c][i] for c in range(4)]
        blank += ch.blank
    want = {i + 2 for i, r in enumerate(rows) if any(c is not None and str(c).strip() for c in r)}
    assert set(got) == want
    assert len(got) + blank <= len(rows)


# --------------------------------------------------------------------------- value parsers


@fuzz()
@given(st.data())
def test_fuzz_value_parsers(data):
    from gridlaw.audit.mapping import load_header_map
    from gridlaw.audit.values import BadValue, Converter, fact_specs

    RUNS["value parsers"] += 1
    specs = fact_specs()
    kind = data.draw(st.sampled_from(sorted(specs)))
    spec = specs[kind][data.draw(st.sampled_from(sorted(specs[kind])))]
    raw = data.draw(st.one_of(st.text(max_size=20), st.integers(), st.floats(allow_nan=True), st.none(),
                              st.datetimes(), st.sampled_from(["9" * 20, "2024-02-30", "1990.05", "44470", "-1",
                                                               "１２", "二〇二四年五月", "是否", "\x00"])))
    try:
        _converter(Converter, load_header_map).one(spec, raw)
    except BadValue:
        pass


_CONV = {}


def _converter(Converter, load_header_map):
    if "c" not in _CONV:
        _CONV["c"] = Converter(load_header_map())
    return _CONV["c"]


# --------------------------------------------------------------------------- pack loader


@pytest.fixture(scope="module")
def pack_copy(tmp_path_factory):
    root = tmp_path_factory.mktemp("pack") / "yancheng"
    shutil.copytree(ROOT / "policies" / "yancheng", root)
    return root


@fuzz(HEAVY)
@given(data=st.data())
def test_fuzz_pack_loader(pack_copy, data):
    from gridlaw.loader import compile_pack

    RUNS["pack loader"] += 1
    files = sorted((pack_copy / "rules").glob("*.yaml")) + [pack_copy / "pack.yaml"]
    target = data.draw(st.sampled_from(files))
    original = target.read_text("utf-8")
    text = original
    for _ in range(data.draw(st.integers(1, 4))):
        lines = text.split("\n")
        i = data.draw(st.integers(0, len(lines) - 1))
        how = data.draw(st.integers(0, 3))
        if how == 0:
            del lines[i]
        elif how == 1:
            lines[i] = lines[i].replace("true", "false").replace("eq:", "ne:").replace("forbid", "require")
        elif how == 2:
            lines.insert(i, lines[data.draw(st.integers(0, len(lines) - 1))])
        else:
            lines[i] = lines[i][:data.draw(st.integers(0, len(lines[i])))] + data.draw(st.sampled_from(NASTY))
        text = "\n".join(lines)
    try:
        target.write_bytes(text.encode("utf-8", "surrogatepass"))  # a lone surrogate makes invalid UTF-8
        compile_pack(pack_copy, "yancheng", use_cache=False)
    except PackError as exc:
        assert exc.problems and all(p.file for p in exc.problems)
    finally:
        target.write_text(original, "utf-8")


# --------------------------------------------------------------------------- header-map loader


@fuzz(HEAVY * 2)
@given(text=st.one_of(st.text(max_size=120), JSON_VALUE.map(lambda v: json.dumps(v, ensure_ascii=False)),
                 st.dictionaries(st.sampled_from(["headers", "values", "booleans", "unknown"]), JSON_VALUE,
                                 max_size=4).map(json.dumps)))
def test_fuzz_map_loader(text, scratch):
    from gridlaw.audit.mapping import load_header_map

    RUNS["map loader"] += 1
    path = scratch / "map.yaml"
    path.write_text(text, "utf-8", errors="surrogatepass")
    try:
        load_header_map.__wrapped__(str(path))
    except InputError as exc:
        assert any("map.yaml" in p.file for p in exc.problems) or exc.problems


# --------------------------------------------------------------------------- three-valued logic

FACTS = ("a", "b", "c")
VAL = st.one_of(st.none(), st.integers(0, 3))


def _kleene(node, facts):
    """An independent Kleene evaluator over the condition dicts (False < None < True)."""
    order = {False: 0, None: 1, True: 2}
    back = {0: False, 1: None, 2: True}
    if "all" in node:
        return back[min((order[_kleene(c, facts)] for c in node["all"]), default=2)]
    if "any" in node:
        return back[max((order[_kleene(c, facts)] for c in node["any"]), default=0)]
    if "not" in node:
        v = _kleene(node["not"], facts)
        return None if v is None else not v
    v = facts.get(node["fact"])
    return None if v is None else {"eq": v == node.get("eq"), "lt": v < node.get("lt", 0)}[next(k for k in ("eq", "lt") if k in node)]


COND = st.recursive(
    st.builds(lambda f, op, v: {"fact": f, op: v}, st.sampled_from(FACTS), st.sampled_from(["eq", "lt"]), st.integers(0, 3)),
    lambda inner: st.one_of(st.lists(inner, min_size=1, max_size=3).map(lambda xs: {"all": xs}),
                            st.lists(inner, min_size=1, max_size=3).map(lambda xs: {"any": xs}),
                            inner.map(lambda x: {"not": x})), max_leaves=8)


def _compile(node):
    from pydantic import TypeAdapter

    from gridlaw.conditions import compile_condition
    from gridlaw.packspec import Condition

    return compile_condition(TypeAdapter(Condition).validate_python(node))


@fuzz()
@given(COND, COND, st.fixed_dictionaries({f: VAL for f in FACTS}))
def test_fuzz_three_valued_logic_laws(p, q, values):
    RUNS["three-valued logic"] += 1
    facts = {k: v for k, v in values.items() if v is not None}
    P, Q = _compile(p), _compile(q)
    assert P(facts) == _kleene(p, facts)
    assert _compile({"not": {"not": p}})(facts) == P(facts)
    assert _compile({"not": {"all": [p, q]}})(facts) == _compile({"any": [{"not": p}, {"not": q}]})(facts)
    assert _compile({"not": {"any": [p, q]}})(facts) == _compile({"all": [{"not": p}, {"not": q}]})(facts)
    assert _compile({"any": [p, {"not": p}]})(facts) in (True, None)          # excluded middle, or unknown
    # knowing more never overturns a known answer (monotonicity)
    if P(facts) is not None:
        full = {f: facts.get(f, 0) for f in FACTS}
        assert P(full) == P(facts)


# --------------------------------------------------------------------------- scalar and batch agree


@fuzz(SIZE if SIZE == NIGHTLY else max(SIZE // 3, 30))
@given(st.data())
def test_fuzz_scalar_and_batch_paths_agree(data):
    from gridlaw.acts import fact_vocabulary
    from gridlaw.batch import columns_from_facts, evaluate_columns
    from gridlaw.evaluate import outcome_of
    from gridlaw.loader import available_packs, load_pack

    RUNS["scalar = batch"] += 1
    pack = load_pack(data.draw(st.sampled_from(available_packs())))
    kind = data.draw(st.sampled_from(sorted(pack.by_kind)))
    vocab = fact_vocabulary()[kind]
    rules = pack.by_kind[kind]
    names = sorted({f for r in rules for f in r.facts})
    rows = []
    for _ in range(data.draw(st.integers(1, 8))):
        facts = {"kind": kind, "city": pack.id, "date": pack.meta.effective + dt.timedelta(days=30)}
        for f in names:
            meta = vocab.get(f, {})
            if data.draw(st.booleans()):
                continue                                  # unknown
            t = meta.get("type")
            if t == "bool":
                facts[f] = data.draw(st.booleans())
            elif t == "enum":
                facts[f] = data.draw(st.sampled_from(meta["values"]))
            elif t == "list" and meta.get("values"):
                facts[f] = tuple(data.draw(st.lists(st.sampled_from(meta["values"]), max_size=3, unique=True)))
            elif t == "int":
                facts[f] = data.draw(st.integers(0, 80))
            elif t == "date":
                facts[f] = pack.meta.effective + dt.timedelta(days=data.draw(st.integers(-400, 400)))
            elif t == "str":
                facts[f] = data.draw(st.sampled_from(["收集信息", "罚款", "x"]))
        rows.append(facts)
    res = evaluate_columns(pack, kind, columns_from_facts(rows))
    ids = res.rule_ids
    for i, facts in enumerate(rows):
        for j, rule in enumerate(rules):
            k = ids.index(rule.id)
            assert res.outcome(k, i) == outcome_of(rule, facts), (rule.id, facts)
