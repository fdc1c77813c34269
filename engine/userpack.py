"""A pack of your own (given as a folder with --pack, or to validate/test) that does not load.

It is the user's input, so it is bad input (exit 4), not a broken installation (exit 5 is kept
for a shipped pack that fails to load). The loader's problems are written for pack authors in
English; in Chinese each one keeps its file, line and field, and the commonest get a Chinese
sentence. The rest say that the details are in English (``gridlaw validate … --lang en``): no
English reaches a Chinese screen.
"""
from __future__ import annotations

import re

from .errors import InputError, Problem

_CJK = re.compile(r"[\u3400-\u9fff]")

# (loader wording, Chinese wording); groups are carried over as they are (names, numbers, quotes)
_ZH = [
    (re.compile(r"unknown fact '([^']+)' for a (\w+) act; did you mean '([^']+)'\?"), r"未知的事实名“\1”（\2 类行为）；是否指“\3”？"),
    (re.compile(r"unknown fact '([^']+)' for a (\w+) act"), r"未知的事实名“\1”（\2 类行为）"),
    (re.compile(r"quote not found in Art\. (\d+) of source\.md.*", re.S), r"引文在 source.md 第 \1 条中找不到"),
    (re.compile(r"no rule '([^']+)' in (\S+) \(did you mean '([^']+)'\?\)"), r"\2 中没有规则“\1”（是否指“\3”？）"),
    (re.compile(r"no rule '([^']+)' in (\S+)"), r"\2 中没有规则“\1”"),
    (re.compile(r"id '([^']+)' does not match the folder '([^']+)'"), r"id“\1”与文件夹名“\2”不一致"),
    (re.compile(r"articles neither used by a rule nor listed as not modelled: ([\d, ]+)"),
     r"这些条文既没有规则引用，也没有列入 not_modelled：\1"),
    (re.compile(r"file missing"), "文件缺失"),
    (re.compile(r"no rule files"), "rules 文件夹中没有规则文件"),
    (re.compile(r"no pack\.yaml here, nor in any version folder below it"), "这里没有 pack.yaml，下面的版本文件夹里也没有"),
    (re.compile(r"Input should be a valid dictionary or instance of CaseFile"),
     "测试文件应为一个映射，用例写在 cases 下（见 gridlaw schema tests）"),
    (re.compile(r"unknown field"), "未知的字段"),
    (re.compile(r"required field missing"), "缺少必填字段"),
    (re.compile(r"not UTF-8 .*"), "不是 UTF-8 文本"),
]


def zh_message(message: str) -> str:
    for pattern, zh in _ZH:
        m = pattern.fullmatch(message)
        if m:
            return m.expand(zh)
    return "规定包内容有误（英文说明见 gridlaw validate <文件夹> --lang en）"


def user_pack_error(target: str, problems: list[Problem]) -> InputError:
    """The loader's problems as bad input: a first line naming the pack, then each problem, located."""
    n = len(problems)
    head = Problem(target, f"你给出的规定包无法加载（{n} 处问题）；这是你自己的规定包，不是随程序提供的；"
                           f"全部问题可用 gridlaw validate {target} 查看", code="bad_user_pack",
                   en=f"your pack does not load ({n} problem(s)); it is your own pack, not a shipped one; "
                      f"gridlaw validate {target} lists every problem")
    out = [head]
    for p in problems:
        if _CJK.search(p.message):
            out.append(p)
        else:
            out.append(Problem(p.file, zh_message(p.message), p.line, p.path, "bad_user_pack", p.en or p.message))
    err = InputError(out)
    err.user_pack = True          # validate lists these as a failed validation (exit 1), not as bad input
    return err
