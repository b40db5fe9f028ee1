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
from functools import lru_cache

import cn2an

from . import vocabulary

_RUN = "[零〇一二两三四五六七八九十百千万亿点]+"
# A numeral run that is an amount: before a currency unit ("元", colloquially "块"), a
# percentage, or a sum in 万 ("十万", "一百五十万"). Counts of days, years or people in words
# ("一年", "两人") are left alone: they are as often idiom as figure.
_QUANTITY = re.compile(
    rf"[百千万]分之({_RUN})|({_RUN})(?=万?元|%|块)"
    "|([零〇一二两三四五六七八九十百千点]+万)(?![元块零〇一二两三四五六七八九十百千])"
)
_WHOLE = re.compile(rf"(?:[百千万]分之{_RUN}|{_RUN}(?:[元块]钱?|%)?)")  # "十块钱"
# A count in words with a positional numeral ("一百一十人", "三十个"): a figure, not an idiom
# ("一年多", "两人" are left alone).
_POSITIONAL = re.compile("[十百千万]")
DIGITS = re.compile(r"\d+(?:\.\d+)?")  # a number written in digits ("80", "2.5")


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


def in_words(value: Decimal) -> str:
    """A whole number in Chinese numerals ("8" -> "八"), as grades are written ("八级");
    the digits themselves when cn2an cannot write it."""
    try:
        return cn2an.an2cn(plain(value))
    except (ValueError, KeyError, TypeError):
        return plain(value)


def plain(value: Decimal) -> str:
    """`value` as digits without a trailing ".0" ("5000", "2.5")."""
    text = format(value.normalize(), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def quantities_in(text: str) -> list[str]:
    """The quantities written in Chinese numerals in `text`, as digits, in order. A sum in 万
    is given as documents write it, in 万 ("一百五十万元" → 150, as in "150万元")."""
    out = []
    for m in _QUANTITY.finditer(text):
        run = m.group(1) or m.group(2) or m.group(3)
        if run.startswith("点") or run == "千万":  # "千万" is as often "by all means"
            continue
        value = to_number(run)
        if value is None:
            continue
        if run.endswith("万") and len(run) > 1:
            value = value / 10000
        out.append(plain(value))
    return out


# A run of Chinese numerals that is a figure by itself ("四千二百八十", and the spoken
# elision "三千五" = 3500, "两万四" = 24000): it starts with a digit numeral, holds a
# positional one, and is no vague amount ("几十万", "五千多", "三百来个").
_NUMERAL_WORD = re.compile(
    "(?<![几好多数统唯单同第之专])[一二两三四五六七八九十][零〇一二两三四五六七八九十百千万亿]+(?![多余来几])"
)
_POSITIONAL_OR_BIG = re.compile("[十百千万亿]")


def as_quantity(word: str) -> str | None:
    """The digits of `word` when it is wholly an amount in Chinese numerals ("百分之二十",
    "千分之五", "十万", "两百块", "一百一十人"), else None: a question's word then stands
    for the number a passage writes in digits."""
    if _NUMERAL_WORD.fullmatch(word) and not word.endswith(("万", "亿")):
        # a figure with digits after its 万 ("两万四", "一万五千"): the whole of it
        value = to_number(word)
        if value is not None:
            return plain(value)
    found = quantities_in(word) if _WHOLE.fullmatch(word) else []
    if found:
        return found[0] if len(found) == 1 else None
    run = _NUMERAL_RUN.match(word)
    # a count: the numerals alone ("一百一十": jieba leaves the measure word apart) or
    # before one unit ("一百一十人")
    whole = run is not None and (
        (run.end() == len(word) and len(word) > 1) or numeral_amounts(word) == [(0, word)]
    )
    if whole and _POSITIONAL.search(word):
        value = to_number(run.group(0))
        return plain(value) if value is not None else None
    return None


# A multiple ("1.5倍", "一点五倍", "两倍"): documents write it as a percentage as often
# ("按成本的150%摊销"), so it is read as one.
_MULTIPLE = re.compile(
    r"(\d+(?:\.\d+)?|[零〇一二两三四五六七八九十]+(?:点[零〇一二三四五六七八九]+)?)倍"
)


def multiples(text: str) -> list[tuple[int, int, str]]:
    """Spans of `text` stating a multiple, with it as a percentage's digits: (.., .., "150")
    for "一点五倍"."""
    out = []
    for m in _MULTIPLE.finditer(text):
        value = to_number(m.group(1))
        if value is not None and value > 0:
            out.append((m.start(), m.end(), plain(value * 100)))
    return out


def numeral_words(text: str) -> list[tuple[int, int, str]]:
    """Spans of `text` that are figures written in Chinese numerals, as (start, end, digits):
    jieba cuts "四千二百八十" into 四千/二百/八十 and would read three numbers. Sums in 万
    are given as documents write them in digits ("三十万" → 30, as in "30万元"); an elided
    figure in full ("两万四" → 24000)."""
    out = []
    for m in _NUMERAL_WORD.finditer(text):
        run, end = m.group(0), m.end()
        if not _POSITIONAL_OR_BIG.search(run) or run in ("千万", "万万"):
            continue
        value = _figure(run)
        if value is None and len(run) > 2 and run[-1] in "一两":
            # an elided figure before a count of one ("四千六一年" is 4600 a year): the
            # run took the count's numeral
            run, end = run[:-1], end - 1
            value = _figure(run)
        if value is not None:
            out.append((m.start(), end, value))
    return out


def _figure(run: str) -> str | None:
    if run.endswith("万"):
        return as_quantity(run)
    number = to_number(run)
    return plain(number) if number is not None else None


_DIGIT_NUMERAL = "[一二三四五六七八九十]{1,3}"
# A numbered code read aloud ("八点四点四" for 8.4.4): three levels, so no decimal.
_SPOKEN_CODE = re.compile(
    rf"(?<![零〇一二两三四五六七八九十百])(?<![零〇一二两三四五六七八九十百]点)"
    rf"({_DIGIT_NUMERAL})点({_DIGIT_NUMERAL})点({_DIGIT_NUMERAL})"
    rf"(?!点?[零〇一二两三四五六七八九十百])"
)


def spoken_codes(text: str) -> str:
    """`text` with codes written in Chinese numerals put in digits, as documents number
    their items ("观测点八点四点四" → "观测点8.4.4")."""

    def digits(m: re.Match) -> str:
        values = [to_number(g) for g in m.groups()]
        if any(v is None for v in values):
            return m.group(0)
        return ".".join(plain(v) for v in values)

    return _SPOKEN_CODE.sub(digits, text)


_CLAUSE_REF = re.compile(r"第(\d{1,3}|[零〇一二两三四五六七八九十百]{1,6})([条章款节项])")


def in_numerals(n: int) -> str:
    """`n` in Chinese numerals ("九"), as a document numbers its chapters."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return cn2an.an2cn(n, "low")


def clause_forms(word: str) -> tuple[str, ...]:
    """The two ways a clause reference is written ("第12条" / "第十二条"), or () when `word`
    is none: laws number their articles in numerals, people cite them in digits."""
    m = _CLAUSE_REF.fullmatch(word)
    if not m:
        return ()
    number, kind = m.groups()
    if number.isdigit():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            other = cn2an.an2cn(int(number), "low")
    else:
        value = to_number(number)
        if value is None:
            return (word,)
        other = plain(value)
    return (word, f"第{other}{kind}")


def clause_refs(text: str) -> list[tuple[int, int, str]]:
    """The clause references of `text` ("第12条", "第五章") as (start, end, reference)."""
    return [(m.start(), m.end(), m.group(0)) for m in _CLAUSE_REF.finditer(text)]


def in_digits(word: str) -> str | None:
    """A count written in Chinese numerals before its measure word, written in digits the
    way documents write it ("一年" → "1年", "两项" → "2项", "三名" → "3名"), else None."""
    if numeral_amounts(word) != [(0, word)]:
        return None
    run = _NUMERAL_RUN.match(word).group(0)
    value = to_number(run)
    return plain(value) + word[len(run) :] if value is not None else None


def group_count(word: str) -> bool:
    """Whether `word` counts the members of a group, ten at most ("四项", "两份", "三大"):
    a question's count of what it asks for, which the answering passage lists rather than
    counts (measure words in `vocab/group_measures.txt`)."""
    run = _NUMERAL_RUN.match(word)
    if run is None or run.end() == len(word):
        return False
    value = to_number(run.group(0))
    return (
        value is not None
        and value <= 10
        and word[run.end() :] in vocabulary.words("group_measures.txt")
    )


# A sum written in 万: after its figure, or once in its column's brackets.
_IN_WAN = re.compile(r"(\d+(?:\.\d+)?)\s*万[元块]|[（(]万元[）)]\s*[:：]\s*(\d+(?:\.\d+)?)")


@lru_cache(maxsize=8192)
def stated_numbers(text: str) -> frozenset[str]:
    """Every number `text` states, as digits: those written in digits, and those in Chinese
    numerals before a unit or measure word — "四十平方米" → 40, "三名" → 3, "十万元" → 10
    (a sum in 万 as documents write it in digits, "10万元"). A question's "10万块" and "40平米"
    meet a passage's "十万元" and "四十平方米" here."""
    found = set(DIGITS.findall(text))
    for m in _IN_WAN.finditer(text):  # "4.5万元", "预算（万元）：4.5" state 45000 too
        found.add(plain(Decimal(m.group(1) or m.group(2)) * 10000))
    found.update(quantities_in(text))
    found.update(percent for _, _, percent in multiples(text))
    for _, amount in numeral_amounts(text):
        value = to_number(_NUMERAL_RUN.match(amount).group(0))
        if value is not None:
            found.add(plain(value))
    return frozenset(found)


# What a question asking money ("多少钱", "几块") is answered in: a sum, or a rate of one.
MONEY_UNITS = ("元", "块", "%", "％")
_AMOUNT = r"(?:\d+(?:\.\d+)?|[零〇一二两三四五六七八九十百千万亿半]+)\s*[万千百亿]?\s*"
_YEAR_NUMBER = re.compile(r"(?:19|20)\d\d\s*年")


def states_amount(text: str, unit: str) -> bool:
    """Whether `text` states a number in `unit` ("5个以上" in 个, "90学时" in 学时, "一千元"
    in 元): what a question asking "几个", "多少学时", "多少钱" needs, where a phone number,
    a date or a record's code are digits that answer nothing. A year ("2024年") is no
    number of years; a question asking money (unit 元) is answered by a sum or a rate; a
    table's column may name the unit once, in brackets ("一般企业职工（元/人）：2000"), or be
    named by what the sum is ("学费标准：10000", `money_nouns` in cues.txt)."""
    units = MONEY_UNITS if unit == "元" else (unit,)
    named = "|".join(re.escape(u) for u in units)
    pattern = _AMOUNT + "个?(?:" + named + ")"  # "3个月"
    # a column that names its unit in brackets: "一般企业职工（元/人）：2000"
    pattern += rf"|[（(][^）)]{{0,6}}(?:{named})[^）)]{{0,6}}[）)]\s*[:：]\s*\d"
    if unit == "元":
        pattern += "|百分之"
        pattern += "|" + _money_field()  # "学费标准：10000"
    if unit == "年":
        text = _YEAR_NUMBER.sub("", text)
    return re.search(pattern, text) is not None


@lru_cache(maxsize=1)
def _money_field() -> str:
    """A column named by what a sum is called, stating it bare ("学费标准：10000";
    `money_nouns` in cues.txt): built once per vocabulary, not once per sentence read."""
    nouns = "|".join(re.escape(n) for n in vocabulary.sections("cues.txt")["money_nouns"])
    return rf"(?:{nouns})[^：:；;，,。（(]{{0,6}}[:：]\s*[\d.]+(?=\s*(?:[；;，,。]|$))"


vocabulary.on_change(_money_field.cache_clear)


def unit_forms(unit: str) -> tuple[str, ...]:
    """`unit` and the units stating the same measure (unit_forms in cues.txt): a question
    asking "几天" is answered in 工作日 or 日."""
    for line in vocabulary.sections("cues.txt").get("unit_forms", ()):
        group = tuple(line.split())
        if unit in group:
            return group
    return (unit,)


def states_in_unit(text: str, unit: str) -> bool:
    """`states_amount` in `unit` or one of its `unit_forms`; a question asking how long
    (`[duration]` in cues.txt: "多久") is answered by a frequency too ("每季度", "按月")."""
    if any(states_amount(text, u) for u in unit_forms(unit)):
        return True
    sections = vocabulary.sections("cues.txt")
    return unit in sections.get("duration", ()) and any(
        w in text for w in sections.get("frequency", ())
    )


def states_bound(text: str, unit: str) -> bool:
    """Whether `text` states a bound in `unit` or one of its `unit_forms` ("年满45周岁",
    "3年以上", "不超过50人"; bounds_before / bounds_after in cues.txt): the rule a user's
    own figure ("我46岁") is measured against."""
    sections = vocabulary.sections("cues.txt")
    before = "|".join(map(re.escape, sections.get("bounds_before", ())))
    after = "|".join(map(re.escape, sections.get("bounds_after", ())))
    units = "|".join(re.escape(u) for u in unit_forms(unit))
    amount = _AMOUNT + "个?(?:" + units + ")"
    return re.search(f"(?:{before}){amount}|{amount}(?:{after})", text) is not None


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
