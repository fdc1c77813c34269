"""Write a large synthetic Yancheng hire file for benchmarking ``gridlaw audit``.

    python examples/audit/make_big.py 1000000 /tmp/big.csv            # UTF-8
    python examples/audit/make_big.py 1000000 /tmp/big_gbk.csv --gbk  # what Excel writes on Chinese Windows
    time gridlaw audit /tmp/big.csv --kind hire --city yancheng --out /tmp/results.jsonl --report /tmp/report.html

22 columns with Chinese headers, a third of the birth dates written 1990年1月2日,
about one cell in nine of the yes/no columns blank (unknown). The data are
made up (seeded, reproducible); names, ID numbers and phones are fake.
"""
from __future__ import annotations

import csv
import random
import sys


def _with_check(number: str) -> str:
    """The first 17 characters with their ISO 7064 check character: the audit refuses a wrong one."""
    from gridlaw.idnumber import check_digit

    return number[:17] + check_digit(number[:17])


HEADER = ["记录编号", "姓名", "身份证号", "联系电话", "出生日期", "所属区县", "所属镇街", "所属网格", "拟任岗位", "招聘方式",
          "是否中国公民", "政治审查", "学历能力符合", "身体条件", "是否受过刑事处罚", "是否涉嫌犯罪", "是否被行政拘留",
          "是否被司法拘留", "是否被开除公职", "是否失信", "岗前培训", "申请日期"]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
COUNTIES = ["亭湖区", "盐都区", "大丰区", "东台市", "射阳县", "阜宁县", "滨海县", "响水县", "建湖县"]


def main(n: int, path: str, encoding: str = "utf-8") -> None:
    r = random.Random(1)
    yn = ["是", "否", "否", "否", "否", "否", "否", "否", ""]
    with open(path, "w", newline="", encoding=encoding) as f:
        w = csv.writer(f)
        w.writerow(HEADER)
        for i in range(n):
            y, m, d = r.randint(1960, 2008), r.randint(1, 12), r.randint(1, 28)
            w.writerow([
                f"R{i:07d}", r.choice(SURNAMES) + "某" + r.choice("一二三四五"),
                _with_check(f"3209{r.randint(10, 99)}{y}{m:02d}{d:02d}{r.randint(1000, 9999)}"),
                f"13{r.randint(100000000, 999999999)}",
                f"{y}-{m:02d}-{d:02d}" if i % 3 else f"{y}年{m}月{d}日", r.choice(COUNTIES), f"某镇{r.randint(1, 40)}",
                f"网格{r.randint(1, 500)}", r.choice(["专职网格员", "专职网格员", "兼职网格员", "网格长"]),
                r.choice(["统一招聘", "统一招聘", "其他"]), "是", r.choice(["是", "是", "是", ""]),
                r.choice(["是", "是", "否"]), "是", *(r.choice(yn) for _ in range(6)),
                r.choice(["是", "是", "否", ""]), "2024-05-01"])


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    main(int(args[0]) if args else 1_000_000, args[1] if len(args) > 1 else "big.csv",
         "gbk" if "--gbk" in sys.argv else "utf-8")
