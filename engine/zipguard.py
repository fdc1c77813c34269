"""Bounds on an .xlsx (a zip of XML) checked from its directory before anything is inflated.

A workbook's XML compresses well, but not without end: real sheets inflate 5–30 times. A
zip bomb (40 million identical rows in 12 MB, one 1.5 GB cell in 1.5 MB) inflates
hundreds or thousands of times. So, before parsing:

- the members together may inflate to at most MAX_TOTAL bytes;
- a member larger than RATIO_FLOOR inflated may not inflate more than MAX_RATIO times;
- at most MAX_MEMBERS members.

The sizes are the ones the zip directory declares; Python's zipfile never returns more
than a member's declared size (and checks its CRC), so a directory that lies gains nothing.
"""
from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import IO

from .errors import InputError, Problem

MAX_TOTAL = 1 << 30          # 1 GB inflated, all members: above a 1,048,576-row sheet of 21 columns
MAX_RATIO = 100              # inflated / compressed, per member
RATIO_FLOOR = 16 << 20       # members under 16 MB inflated are not held to the ratio
MAX_MEMBERS = 10_000


def _gb(n: int) -> str:
    return f"{n / (1 << 30):g} GB" if n >= 1 << 30 else f"{n / (1 << 20):g} MB"


def check_zip(source: str | Path | bytes | IO[bytes], name: str, lang: str = "zh") -> None:
    """InputError naming the limit when the workbook would inflate past the bounds; nothing when
    it is within them (or is not a zip: the reader says what it is)."""
    try:
        zf = zipfile.ZipFile(io.BytesIO(source) if isinstance(source, bytes) else source)
    except (zipfile.BadZipFile, OSError, ValueError):
        return
    with zf:
        infos = zf.infolist()
        problem = None
        if len(infos) > MAX_MEMBERS:
            problem = (f"工作簿含 {len(infos):,} 个部件，超过 {MAX_MEMBERS:,} 个的上限，不予读取",
                       f"the workbook has {len(infos):,} parts, over the limit of {MAX_MEMBERS:,}; not read")
        total = sum(i.file_size for i in infos)
        if problem is None and total > MAX_TOTAL:
            problem = (f"工作簿解压后有 {_gb(total)}，超过 {_gb(MAX_TOTAL)} 的上限（可能是压缩炸弹），不予读取；"
                       "请拆成几个文件或另存为 CSV",
                       f"the workbook inflates to {_gb(total)}, over the {_gb(MAX_TOTAL)} limit (a zip bomb?); "
                       "not read; split it or save it as CSV")
        if problem is None:
            for i in infos:
                if i.file_size > RATIO_FLOOR and i.file_size > MAX_RATIO * max(i.compress_size, 1):
                    ratio = i.file_size // max(i.compress_size, 1)
                    problem = (f"工作簿中的 {i.filename} 压缩比为 {ratio:,}:1，超过 {MAX_RATIO}:1 的上限（可能是压缩炸弹），"
                               "不予读取",
                               f"{i.filename} in the workbook inflates {ratio:,} times, over the limit of "
                               f"{MAX_RATIO} (a zip bomb?); not read")
                    break
    if problem:
        raise InputError([Problem(name, problem[0] if lang != "en" else problem[1], code="zip_bomb", en=problem[1])])
