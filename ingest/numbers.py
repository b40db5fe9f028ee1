"""Chinese numerals as numbers — the only module that imports cn2an.

Questions and documents write the same quantity both ways ("五千元" / "5000元", "百分之三"
/ "3%", "两年" / "2年"); comparing them needs one reading. cn2an does the conversion; this
module says which runs of Chinese numerals are quantities (a numeral before a unit, or
after 百分之) so that words that merely contain a numeral ("统一", "一些", "三甲") are left
alone.
"""

from __future__ import annotations

import re
import warnings
from decimal import Decimal, InvalidOperation

import cn2an

from . import vocabulary

_RUN = "[零〇一二两三四五六七八九十百千万亿点]+"
# A numeral run that is an amount: before a currency unit, or a percentage. Counts of days,
# years or people in words ("一年", "两人") are left alone: they are as often idiom as figure.
_QUANTITY = re.compile(rf"百分之({_RUN})|({_RUN})(?=万?元|%)")


def to_number(run: str) -> Decimal | None:
    """A run of Chinese numerals ("一千二百万", "二点五") as a number, or None."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # cn2an warns before it raises
        try:
            value = cn2an.cn2an(run, "smart")
        except (ValueError, KeyError, IndexError, TypeError):
            return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def plain(value: Decimal) -> str:
    """`value` as digits without a trailing ".0" ("5000", "2.5")."""
    text = format(value.normalize(), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def quantities_in(text: str) -> list[str]:
    """The quantities written in Chinese numerals in `text`, as digits, in order."""
    out = []
    for m in _QUANTITY.finditer(text):
        run = m.group(1) or m.group(2)
        if run in ("点",) or run.startswith("点"):
            continue
        value = to_number(run)
        if value is not None:
            out.append(plain(value))
    return out


def states_quantity(text: str) -> bool:
    """Whether `text` states a quantity: digits, a percentage in words, or a run of Chinese
    numerals before a unit or measure word of `vocab/units.txt` ("任期五年", "两个工作日").
    Looser than `quantities_in`: it tells a sentence that gives a figure from one that only
    names the thing, and an idiom taken for a figure costs little there."""
    if _DIGIT.search(text) or "百分之" in text:
        return True
    return bool(numeral_amounts(text))


def numeral_amounts(text: str) -> list[tuple[int, str]]:
    """Runs of Chinese numerals before a unit or measure word of `vocab/units.txt`, with
    their positions: (3, "三年") in "每届任期三年"."""
    units = vocabulary.words("units.txt")
    out = []
    for m in _NUMERAL_RUN.finditer(text):
        after = text[m.end() : m.end() + 3]
        unit = max((u for u in units if after.startswith(u)), key=len, default="")
        if unit:
            out.append((m.start(), m.group(0) + unit))
    return out


_DIGIT = re.compile(r"\d")
_NUMERAL_RUN = re.compile("[零〇一二两三四五六七八九十百千半]+")
