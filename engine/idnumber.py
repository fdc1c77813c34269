"""Mainland resident ID numbers (居民身份证号码, GB 11643-1999) and phone numbers, as townships write them.

An ID number is checked for what it can prove: 18 characters (17 digits and a check
character 0-9/X, ISO 7064 MOD 11-2) or the old 15 digits, and a real birth date not after
the day it is checked against. The place code (first six digits) shows where the number
was issued, not where the person was born, and the places have changed since (Yancheng's
3209xx numbers were issued before the city had that code), so an unknown province code is
a warning, never a refusal. Checking the place code against the places that existed on
the birth date would refuse real numbers, so no such check is made.

A number Excel stored as a number has lost its last digits (it keeps 15 significant digits:
320902199005201234 becomes 320902199005201000 or 3.20902E+17); such a cell is refused with
advice, whatever its check digit says.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"
# Province-level codes of GB/T 2260 (mainland), and 81-83 for residents of Hong Kong, Macao, Taiwan
MAINLAND = frozenset({11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46,
                      50, 51, 52, 53, 54, 61, 62, 63, 64, 65})
_RESIDENT_PERMIT = frozenset({81, 82, 83})
_SCIENTIFIC = re.compile(r"^\d(?:\.\d+)?[eE]\+?\d+$")

_MSG = {
    "zh": {"number_cell": "这一格被表格软件存成了数值，身份证号的后几位已丢失；请把该列设为“文本”格式后重新填写完整的 18 位号码",
           "length": "应为 18 位（或旧式 15 位），实际 {n} 位；请核对后填写完整号码",
           "format": "前 17 位应为数字，第 18 位为数字或 X",
           "date": "其中的出生日期 {value} 不是有效日期",
           "future": "其中的出生日期 {value} 晚于 {day}",
           "checksum": "校验码不符（末位应为 {want}）；请核对是否抄错",
           "truncated": "校验码不符，末三位为 000，疑被表格软件截断；请把该列设为“文本”格式后重新填写完整号码",
           "place": "身份证号地区码“{code}”不是大陆省级代码；已按号码中的出生日期审查，请核对号码"},
    "en": {"number_cell": "Excel stored this cell as a number and dropped the last digits of the ID number; format "
                          "the column as text and write the full 18 characters",
           "length": "must have 18 characters (or the old 15 digits), got {n}",
           "format": "the first 17 characters must be digits, the last a digit or X",
           "date": "its birth date {value} is not a date",
           "future": "its birth date {value} is after {day}",
           "checksum": "the check character is wrong (should be {want}); check for a typo",
           "truncated": "the check character is wrong and the number ends in 000: Excel probably cut it; format the "
                        "column as text and write the full number",
           "place": "place code {code!r} is not a mainland province; the birth date in the number was used"},
}


class BadIdNumber(ValueError):
    pass


@dataclass(frozen=True)
class IdNumber:
    number: str                 # normalised: 18 characters, upper-case X (15-digit numbers kept as given)
    birth: dt.date
    warning: str | None         # an unknown province code: said, not refused

    @property
    def shows_citizenship(self) -> bool:
        """A resident ID with a mainland province code is issued to PRC citizens only (not the foreigners'
        permanent residence card, which starts with 9, nor the 81-83 residence permits)."""
        return int(self.number[:2]) in MAINLAND


def check_digit(first17: str) -> str:
    return _CHECK[sum(int(c) * w for c, w in zip(first17, _WEIGHTS)) % 11]


def parse_id_number(raw: object, on: dt.date | None = None, lang: str = "zh") -> IdNumber:
    """The checked number and the birth date it carries; raises BadIdNumber with advice.
    ``on``: a birth date after this day is refused (the record's date, or today)."""
    t = _MSG.get(lang, _MSG["zh"])
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        raise BadIdNumber(t["number_cell"])
    text = re.sub(r"[\s\u3000'’‘\-]", "", str(raw)).upper()
    if _SCIENTIFIC.match(text):
        raise BadIdNumber(t["number_cell"])
    if len(text) == 15 and text.isdigit():
        birth_text = "19" + text[6:12]
    elif len(text) == 18:
        if not (text[:17].isdigit() and (text[17].isdigit() or text[17] == "X")):
            raise BadIdNumber(t["format"])
        birth_text = text[6:14]
    else:
        raise BadIdNumber(t["length"].format(n=len(text)))
    try:
        birth = dt.date(int(birth_text[:4]), int(birth_text[4:6]), int(birth_text[6:]))
    except ValueError:
        raise BadIdNumber(t["date"].format(value=birth_text)) from None
    if birth.year < 1900 or birth > (on or dt.date.today()):
        raise BadIdNumber(t["future"].format(value=birth.isoformat(), day=(on or dt.date.today()).isoformat()))
    if len(text) == 18:
        want = check_digit(text[:17])
        if text[17] != want:
            raise BadIdNumber(t["truncated"] if text.endswith("000") else t["checksum"].format(want=want))
    province = int(text[:2])
    warning = None if province in MAINLAND or province in _RESIDENT_PERMIT else t["place"].format(code=text[:6])
    return IdNumber(text, birth, warning)


_PHONE = re.compile(r"^(?:1[3-9]\d{9}"                 # mobile
                    r"|0\d{2,3}\d{7,8}"                # landline with its area code
                    r"|[2-9]\d{6,7}"                   # local landline
                    r"|[48]00\d{7}"                    # 400 / 800 numbers
                    r"|1\d{4})$")                      # five-digit public service lines (12345)


def phone_ok(raw: str) -> bool:
    """A mainland phone number as written (138 1234 5678, +86 138-1234-5678, 0515-88123456, 12345;
    an extension 转123 or -123 after a landline is allowed)."""
    text = re.sub(r"[\s\u3000\-()（）]", "", str(raw))
    text = re.sub(r"^(?:\+?86|0086)(?=1\d{10}$)", "", text)
    text = re.sub(r"(?:转|ext\.?|x)\d{1,5}$", "", text, flags=re.I)
    return bool(_PHONE.match(text))


def act_problems(act: dict, file: str = "<act>", line_of: "object | None" = None) -> list:
    """Problems (gridlaw.errors.Problem) of an act as its model dumps it: a person's ID number that is
    malformed, has a wrong check character or a birth date after the act; a phone that is no phone
    number; a birth date after the act's date (a typo, not a minor's application). ``line_of(loc)``
    gives a field's line in the act file."""
    from .errors import Problem

    out = []
    day = act.get("date")
    for who in ("candidate", "worker"):
        person = act.get(who)
        if not isinstance(person, dict):
            continue

        def line(field: str) -> int | None:
            return line_of((who, field)) if callable(line_of) else None
        number = person.get("id_number")
        if number is not None:
            try:
                parse_id_number(number, day if isinstance(day, dt.date) else None)
            except BadIdNumber as exc:
                out.append(Problem(file, f"身份证号无效：{exc}", line("id_number"), f"{who}.id_number", "bad_id_number",
                                   str(parse_error_en(number, day))))
        phone = person.get("phone")
        if phone is not None and not phone_ok(phone):
            out.append(Problem(file, "不是有效的电话号码；手机写 11 位（如 13812345678），座机写区号和号码（如 0515-88123456）",
                               line("phone"), f"{who}.phone", "bad_phone",
                               "not a phone number: 11 digits for a mobile, area code and number for a landline"))
        birth = person.get("birth_date")
        if isinstance(birth, dt.date) and isinstance(day, dt.date) and birth > day:
            out.append(Problem(file, f"出生日期 {birth.isoformat()} 晚于行为日期 {day.isoformat()}，应为笔误；请核对出生日期",
                               line("birth_date"), f"{who}.birth_date", "future_birth_date",
                               f"birth date {birth.isoformat()} is after the act's date {day.isoformat()}"))
    return out


def parse_error_en(number: object, day: object) -> str:
    try:
        parse_id_number(number, day if isinstance(day, dt.date) else None, "en")
    except BadIdNumber as exc:
        return f"not a valid ID number: {exc}"
    return ""
