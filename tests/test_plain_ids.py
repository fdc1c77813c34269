"""The audit reads plain ID numbers by column (gridlaw.audit.birth._plain_ids); every cell it takes must be one
``parse_id_number`` takes as it stands, with no warning, the same birth date and the same citizenship."""
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
