"""Text normalisation for matching: quotes against sources, task text against
lexicons and checklists. Matching ignores whitespace, punctuation, full/half
width and traditional vs simplified script (OpenCC ``t2s``)."""
from __future__ import annotations

import functools
import re
import unicodedata

# Everything that is not a letter or digit: whitespace, punctuation, symbols (one C-level pass,
# not a per-character Python loop).
_DROP = re.compile(r"[\W_]+")


@functools.lru_cache(maxsize=1)
def _t2s():
    import opencc  # imported lazily: only matching needs it

    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    return _t2s().convert(text)


def normalize(text: str) -> str:
    """Simplified script, NFKC width, no whitespace or punctuation."""
    text = _DROP.sub("", to_simplified(text))
    if not unicodedata.is_normalized("NFKC", text):  # full-width letters and digits, circled numbers …
        text = _DROP.sub("", unicodedata.normalize("NFKC", text))
    return text


_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_UNITS = {"十": 10, "百": 100, "千": 1000}


def cn_to_int(text: str) -> int:
    """第二十三条 -> 23, 第一千零一条 -> 1001 (numerals up to 9999)."""
    total, current = 0, 0
    for ch in text:
        if ch in _DIGITS:
            current = _DIGITS[ch]
        elif ch in _UNITS:
            total += (current or 1) * _UNITS[ch]
            current = 0
        else:
            raise ValueError(f"not a Chinese numeral: {text!r}")
    return total + current


def int_to_cn(n: int) -> str:
    """23 -> 二十三; 10 -> 十; 105 -> 一百零五."""
    digits = "零一二三四五六七八九"
    if n < 10:
        return digits[n]
    if n < 20:
        return "十" + (digits[n % 10] if n % 10 else "")
    if n < 100:
        return digits[n // 10] + "十" + (digits[n % 10] if n % 10 else "")
    if n >= 1000:          # 1000 -> 一千; 1001 -> 一千零一; 1010 -> 一千零一十; 1100 -> 一千一百
        rest = n % 1000
        tail = "" if rest == 0 else (int_to_cn(rest) if rest >= 100 else
                                     "零" + (digits[rest] if rest < 10 else "一" + int_to_cn(rest) if rest < 20
                                            else int_to_cn(rest)))
        return digits[n // 1000] + "千" + tail
    rest = n % 100
    tail = "" if rest == 0 else ("零" + digits[rest] if rest < 10 else ("一" + int_to_cn(rest) if rest < 20 else int_to_cn(rest)))
    return digits[n // 100] + "百" + tail


_FULL_WIDTH = str.maketrans({",": "，", ":": "：", ";": "；", "(": "（", ")": "）", "?": "？", "!": "！"})


def reading_text(text: str) -> str:
    """A quote as a mainland reader expects it: simplified script, full-width punctuation.
    Only for display; the verbatim quote is kept beside it for verification."""
    return to_simplified(text).translate(_FULL_WIDTH)
