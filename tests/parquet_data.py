"""Hire records as Parquet datasets for the Parquet and Dask tests: made up here, seeded.

Each file mixes what registers hold: 是/否 with blanks and nulls, dates written three ways, a bad date
and an unknown role (unreadable rows), a note row and a blank row (not records), and — in one file —
typed columns (date32 births, booleans with nulls), as a platform's export would have them.
"""
from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

HEADER = ["记录编号", "姓名", "出生日期", "所属区县", "所属镇街", "所属网格", "拟任岗位", "招聘方式", "是否中国公民", "政治审查",
          "学历能力符合", "身体条件", "是否受过刑事处罚", "是否涉嫌犯罪", "是否被行政拘留", "是否被司法拘留", "是否被开除公职",
          "是否失信", "岗前培训", "申请日期"]
YN = ["是", "否", "否", "否", "否", "", None]


def hire_rows(n: int, seed: int, typed: bool = False, extras: bool = True) -> pa.Table:
    r = random.Random(seed)
    rows = []
    for i in range(n):
        y, m, d = r.randint(1960, 2009), r.randint(1, 12), r.randint(1, 28)
        birth: object = dt.date(y, m, d) if typed else r.choice([f"{y}-{m:02d}-{d:02d}", f"{y}年{m}月{d}日", f"{y}/{m}/{d}"])
        if not typed and r.random() < 0.02:
            birth = f"{y}-13-{d:02d}"                      # not a date: the row is unreadable
        role = r.choice(["专职网格员", "专职网格员", "兼职网格员", "网格长"] + (["临时工"] if r.random() < 0.02 else []))
        facts = [r.choice(YN) for _ in range(11)]
        if typed:
            facts = [None if v in ("", None) else v == "是" for v in facts]
        rows.append([f"S{seed}-{i:06d}", r.choice("王李张刘陈") + "某" + r.choice("一二三"), birth,
                     r.choice(["亭湖区", "盐都区", "大丰区"]), f"某镇{r.randint(1, 9)}", f"网格{r.randint(1, 30)}", role,
                     r.choice(["统一招聘", "统一招聘", "其他"]), *facts, "2024-05-06"])
    if extras:
        at = n // 2
        rows.insert(at, [None] * len(HEADER))                                   # a blank row
        rows.insert(at + 1, ["注：本表由镇街网格办填报"] + [None] * (len(HEADER) - 1))  # a note row
    cols = list(zip(*rows)) if rows else [[] for _ in HEADER]
    types = {h: pa.string() for h in HEADER}
    if typed:
        types["出生日期"] = pa.date32()
        for h in HEADER[8:19]:
            types[h] = pa.bool_()
    return pa.table({h: pa.array(list(c), types[h]) for h, c in zip(HEADER, cols)})


def write_dataset(root: Path, files: dict[str, pa.Table], row_group_size: int | None = None) -> Path:
    for rel, table in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        pq.write_table(table, path, row_group_size=row_group_size)
    return root


def hive_dataset(root: Path, rows: int = 300, row_group_size: int | None = None) -> Path:
    """province=…/year=…/ folders, two files in one folder, one file of typed columns."""
    return write_dataset(root, {
        "province=江苏/year=2023/part-0.parquet": hire_rows(rows, 1),
        "province=江苏/year=2024/part-0.parquet": hire_rows(rows, 2, typed=True),
        "province=江苏/year=2024/part-1.parquet": hire_rows(rows // 3, 3),
        "province=浙江/year=2024/part-0.parquet": hire_rows(rows, 4),
    }, row_group_size)
