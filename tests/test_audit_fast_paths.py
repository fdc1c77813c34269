"""The audit's column fast paths against the cell-by-cell code they stand in for.

- plain ID numbers read by column (gridlaw.audit.birth._plain_ids): every cell taken is one ``parse_id_number``
  takes as it stands, with no warning, the same birth date and the same citizenship;
- note / total / title rows spotted by Arrow kernels (gridlaw.audit.rowkinds._suspects) exactly where the
  Python reading of the same cells spots them."""
from __future__ import annotations

import datetime as dt
import random

import numpy as np

from gridlaw.audit.birth import _plain_ids
from gridlaw.idnumber import BadIdNumber, check_digit, parse_id_number


def _cells(n: int, seed: int) -> list:
    r = random.Random(seed)
    out: list = []
    for _ in range(n):
        prov = r.choice(["32", "11", "65", "81", "83", "91", "71", "00", "99"])
        y = r.choice([r.randint(1890, 2030), 1900, 1899, 2000])
        born = f"{y:04d}{r.randint(0, 13):02d}{r.choice([r.randint(0, 32), 29, 30, 31, 28]):02d}"
        body = prov + f"{r.randint(0, 9999):04d}" + born + f"{r.randint(0, 999):03d}"
        good = check_digit(body) if body.isdigit() else "0"
        cell = body + (good if r.random() < 0.8 else r.choice("0123456789Xx"))
        how = r.random()
        if how < 0.05:
            cell = cell.lower()
        elif how < 0.08:
            cell = " " + cell
        elif how < 0.10:
            cell = cell[:6] + "-" + cell[6:]
        elif how < 0.12:
            cell = cell[:15]
        elif how < 0.14:
            cell = cell.replace("1", "１", 1)
        elif how < 0.15:
            cell = None
        elif how < 0.16:
            cell = 320921199001010011
        out.append(cell)
    return out


def test_plain_numbers_read_by_column_agree_with_parse_id_number():
    r = random.Random(3)
    cells = _cells(20_000, 5)
    days = np.array([np.datetime64("2024-05-01") + r.randint(-20000, 3000) if r.random() > 0.05 else np.datetime64("NaT")
                     for _ in cells], dtype="datetime64[D]")
    known = ~np.isnat(days)
    fast, births, mainland = _plain_ids(cells, days, known)
    import pyarrow as pa      # the same cells as an Arrow column (read from its bytes) give the same answer
    arrow = pa.array([c if c is None or isinstance(c, str) else str(c) for c in cells], pa.string())
    same = _plain_ids(arrow, days, known)
    listed = _plain_ids([c if c is None or isinstance(c, str) else str(c) for c in cells], days, known)
    assert (same[0] == listed[0]).all() and (same[2] == listed[2]).all()
    assert (same[1][same[0]] == listed[1][listed[0]]).all()
    taken = 0
    for i, cell in enumerate(cells):
        on = days[i].astype(dt.date) if known[i] else None
        try:
            got = parse_id_number(cell, on)
        except BadIdNumber:
            got = None
        plain = got is not None and got.warning is None and got.number == cell
        if fast[i]:
            taken += 1
            assert plain, cell
            assert births[i].astype(dt.date) == got.birth
            assert bool(mainland[i]) == got.shows_citizenship
    assert taken > 2_000          # most cells take the column path; the rest go to parse_id_number
    assert taken < len(cells)


def test_suspect_rows_by_arrow_kernels_are_the_python_readings():
    import pyarrow as pa

    from gridlaw.audit.rowkinds import _LEADS, _SPACES_TEXT, _suspects

    assert set(_SPACES_TEXT) == {chr(i) for i in range(0x110000) if chr(i).isspace()}
    r = random.Random(9)
    atoms = ["", " ", "\u3000", "\x1c", "\xa0", "\t", "注", "合计", "单", "张三", "序号", "1", "12", "共 3 人",
             "盐城市网格员招聘花名册", "a", "备注：无", "\u3000注", " 合"]
    for _ in range(30):
        n = r.randint(1, 300)
        rows = [[None if r.random() < 0.1 else "".join(r.choice(atoms) for _ in range(r.randint(0, 3)))
                 for _ in range(n)] for _ in range(2)]
        assert _suspects([pa.array(c, pa.string()) for c in rows]) == _by_distinct_words(rows, _LEADS), rows


def _by_distinct_words(cols, leads):
    """The reading the kernels replaced (each distinct cell read in Python), kept here as the oracle."""
    lead, empty, long_ = [], [], []
    for c in cols:
        lead.append(np.array([bool(w) and w.lstrip()[:1] in leads for w in c], dtype=bool))
        empty.append(np.array([not (w or "").strip() for w in c], dtype=bool))
        long_.append(np.array([len(w or "") >= 6 for w in c], dtype=bool))
    hit = lead[0]
    if len(cols) > 1:
        hit = hit | (empty[0] & lead[1]) | (empty[1] & long_[0])
    return np.flatnonzero(hit).tolist()


def test_phone_notes_from_an_arrow_column_are_those_of_the_cells_one_by_one():
    import pyarrow as pa

    from gridlaw.audit.derive import _check_phones

    r = random.Random(12)
    shapes = ["13812345678", "19912345678", "12812345678", "1381234567", "138123456789", " 13812345678",
              "138 1234 5678", "+8613812345678", "0515-88123456", "12345", "1395151", "１３８１２３４５６７８",
              "13812345678转12", "abc", "", None, "13812345678.0"]
    cells = [r.choice(shapes) for _ in range(3000)]
    base = np.arange(100, 3100)
    for lang in ("zh", "en"):
        by_arrow: dict = {}
        by_cells: dict = {}
        _check_phones(pa.array(cells, pa.string()), base, by_arrow, lang)
        _check_phones(list(cells), base, by_cells, lang)
        assert by_arrow == by_cells and len(by_cells) > 100


def _both_ways(body: bytes, ncol: int, delim: str = ",", enc: str = "utf-8", final: bool = False):
    """The block read by the reader (pyarrow where it may) and by the tokenizer alone, with the state each leaves."""
    from gridlaw.audit import readers
    from gridlaw.audit.records import Tally, Tokenizer

    header = [f"h{i}" for i in range(ncol)]
    out = []
    for parse in (readers._parse_block, readers._parse_slow):
        tally = Tally()
        tok = Tokenizer(delim, ncol, 2, tally)
        ch = parse(body, header, delim, enc, tok, final)
        out.append((ch.lines.tolist(), [c.to_pylist() for c in ch.columns], ch.bad, ch.blank, tok.row, tok.pending,
                    tally.records, tally.lines_in_records))
    return out


def test_quoted_blocks_read_by_pyarrow_are_the_tokenizers_records():
    """Blocks with quotes: doubled quotes, quotes inside unquoted text, a quote closed on other text
    (一行被拒), quoted line breaks, unclosed quotes, blank and short rows, CRLF — record for record,
    rejection for rejection, the same as the tokenizer alone."""
    rng = random.Random(20241204)
    pieces = ['网格员', '"', '""', ',', '张"三', '"三合一"', ' ', 'a', '\r\n', '\n', '#1']
    cells = ['巡查', '"巡查，上报"', '"说""好"""', '张"三', '', '"三合一"场所', '"a\nb"', '"未闭合', '"x"', ' "y"',
             '"a",', '"', '""""']
    seen_fast = 0
    for trial in range(400):
        ncol = rng.choice((2, 3, 5))
        lines = []
        for _ in range(rng.randint(1, 30)):
            if rng.random() < 0.1:       # a line of random pieces
                lines.append("".join(rng.choice(pieces) for _ in range(rng.randint(0, 8))))
            else:
                row = [rng.choice(cells) if rng.random() < 0.4 else f"r{trial}{_}" for _ in range(ncol)]
                if rng.random() < 0.05:
                    row = row[:-1]
                lines.append(",".join(row))
        eol = "\r\n" if rng.random() < 0.2 else "\n"
        last = rng.random() < 0.3              # the file's last block, maybe without a last line break
        body = (eol.join(lines) + ("" if last and rng.random() < 0.5 else eol)).encode("utf-8")
        fast, slow = _both_ways(body, ncol, final=last)
        assert fast == slow, body
        seen_fast += b'"' in body
    assert seen_fast > 100


def test_a_sheet_of_quoted_cells_with_a_few_undoubled_quotes_rejects_just_those_rows():
    body = "".join(f'a{i},"网格员协助{i}，巡查",否\n' if i % 7 else f'a{i},"对"三合一"场所检查{i}",否\n'
                   for i in range(1, 50)).encode()
    fast, slow = _both_ways(body, 3)
    assert fast == slow
    lines, cols, bad = fast[0], fast[1], fast[2]
    assert [row for row, _, _ in bad] == [2 + i - 1 for i in range(1, 50) if i % 7 == 0]
    assert len(lines) == 49 - 7 and cols[1][0] == "网格员协助1，巡查"
    assert "引号闭合后紧跟其他字符" in bad[0][1]
