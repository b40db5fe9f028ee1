"""A one-line English lead for an English question answered from Chinese passages.

Offline there is no translator: the answer is the Chinese sentences themselves, quoted
with their citations. Where the question asks for a number, a date or a name, the lead
line gives that figure, date or title as it stands in the quoted sentence that answers
most of the question, so a reader without Chinese sees the answer and where it comes from.

A reader who cannot check the Chinese takes the lead at its word, so a wrong figure there
is worse than none: the lead names a figure only when that sentence holds exactly one of the
kind asked (a year is not an amount; "35至45人" next to "任期三年" is two figures), and
otherwise only points to the quotes.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from ingest import vocabulary
from ingest.metadata import CN_DATE, ISO_DATE
from ingest.numbers import numeral_amounts

from .question import QuestionSpec

_AMOUNT = re.compile(
    r"\d+(?:[.,]\d+)*\s*(?:%|％|‰|万元|亿元|元|人次|人|个|项|家|小时|学时|学分|天|年|倍|岁|名)"
)
_YEAR = re.compile(r"(?:19|20)\d{2}\s*年")  # "2025年" names a year, it is not an amount
_TITLE = re.compile(r"《[^《》]{2,60}》")
POINTER = "The documents are in Chinese; the passages that answer this are quoted below."


def _asks(spec: QuestionSpec, section: str) -> bool:
    """Whether a cue of `section` stands in the question as words: "rate" asks for a rate,
    "accelerated" does not."""
    text = spec.text.lower()
    return any(
        re.search(rf"\b{re.escape(cue)}\b", text)
        for cue in vocabulary.sections("cues.txt").get(section, ())
    )


def _amounts(sentence: str) -> list[str]:
    """The amounts a sentence states, in digits or in Chinese numerals before a unit of
    vocab/units.txt ("任期三年"), years left out."""
    found = [(m.start(), m.group(0)) for m in _AMOUNT.finditer(sentence)]
    found = [(at, x) for at, x in found if not _YEAR.fullmatch(x)] + numeral_amounts(sentence)
    return [text for _, text in sorted(found)]


def _is_rate(amount: str) -> bool:
    return amount.endswith(("%", "％", "‰"))


# What each kind of question is answered by; the first kind whose cue the question holds.
_FINDERS: dict[str, Callable[[str], list[str]]] = {
    "en_rate": lambda s: [a for a in _amounts(s) if _is_rate(a)],
    "en_date": lambda s: [
        m.group(0)
        for m in sorted((*CN_DATE.finditer(s), *ISO_DATE.finditer(s)), key=lambda m: m.start())
    ],
    "en_number": lambda s: [a for a in _amounts(s) if not _is_rate(a)],
    "en_name": lambda s: [m.group(0) for m in _TITLE.finditer(s)],
}


def english_lead(
    spec: QuestionSpec, sentences: list[str], weight: Callable[[str], float] = lambda s: 0.0
) -> str:
    """ "Answer (from the Chinese documents, quoted below): 3%" — or a plain pointer.

    `weight` says how much of the question a sentence holds; the sentence that holds most
    and states anything of the kind asked is the one read (ties keep the quoted order)."""
    kind = next((k for k in _FINDERS if _asks(spec, k)), None)
    if kind is None:
        return POINTER
    for sentence in sorted(sentences, key=weight, reverse=True):
        found = list(dict.fromkeys(_FINDERS[kind](sentence)))
        if found:
            if len(found) == 1:
                return f"Answer (from the Chinese documents, quoted below): {found[0]}"
            break  # several figures where the answer stands: the reader chooses, not us
    return POINTER
