"""A one-line English lead for an English question answered from Chinese passages.

Offline there is no translator: the answer is the Chinese sentences themselves, quoted
with their citations. Where the question asks for a number, a date or a name, the lead
line gives that figure, date or title as it stands in the first quoted sentence, so a
reader without Chinese sees the answer and where it comes from.
"""

from __future__ import annotations

import re

from ingest import vocabulary

from .question import QuestionSpec

_DATE = re.compile(r"(?:19|20)\d{2}年\d{1,2}月\d{1,2}日|(?:19|20)\d{2}[-./]\d{1,2}[-./]\d{1,2}")
_AMOUNT = re.compile(
    r"\d+(?:[.,]\d+)*\s*(?:%|％|‰|万元|亿元|元|人次|人|个|项|家|小时|学时|学分|天|年|倍|岁|名)"
)
_TITLE = re.compile(r"《[^《》]{2,60}》")


def _asks(spec: QuestionSpec, section: str) -> bool:
    text = spec.text.lower()
    return any(cue in text for cue in vocabulary.sections("cues.txt").get(section, ()))


def english_lead(spec: QuestionSpec, sentences: list[str]) -> str:
    """ "Answer (from the Chinese documents, quoted below): 3%" — or a plain pointer."""
    text = "\n".join(sentences)
    found = None
    if _asks(spec, "en_date"):
        found = _DATE.search(text)
    elif _asks(spec, "en_number"):
        found = _AMOUNT.search(text)
    elif _asks(spec, "en_name"):
        found = _TITLE.search(text)
    if found:
        return f"Answer (from the Chinese documents, quoted below): {found.group(0)}"
    return "The documents are in Chinese; the passages that answer this are quoted below."
