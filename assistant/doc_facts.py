"""Where a document states facts about itself: when it was issued, whether it is still in
force, what it is called, which 文号 it carries.

"When was notice X issued?" and "Can this subsidy still be applied for?" are answered by one
line of a document — the date above the seal, "本通知自印发之日起施行，有效期至…" — that
shares almost no words with the question and sits in a chunk about something else (the
last article, the signature block). Search finds the document; this module says which of
its passages states the fact asked about, so the retriever can put it beside the
document's best passage. Which fact a question asks is read in `question`. Pure
functions: the retriever does the I/O.
"""

from __future__ import annotations

import re

from ingest.tokens import compact
from ingest.types import Chunk

from .question import DOC_NO, ISSUE_DATE, TITLE, VALIDITY  # noqa: F401  (the facts asked)

_STATES_VALIDITY = re.compile(
    r"有效期|自.{0,16}施行|自.{0,16}起执行|废止|失效|停止执行|有效至|同时废止|不再执行"
)


def _date_pattern(iso: str) -> re.Pattern | None:
    m = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", iso or "")
    if m is None:
        return None
    y, mo, d = m.group(1), int(m.group(2)), int(m.group(3))
    return re.compile(rf"{y}年0?{mo}月0?{d}日|{y}[-./]0?{mo}[-./]0?{d}(?!\d)")


def states_fact(chunk: Chunk, fact: str) -> bool:
    """Whether the passage itself states `fact` for its own document."""
    return states_in(chunk.text, chunk, fact)


def fact_passage(chunks: list[Chunk], fact: str) -> Chunk | None:
    """The passage of one document (its chunks in order) that states `fact`: for the issue
    date the last one holding the date (the signature comes after any mention of it in
    the body); for validity the last one that speaks of 施行/有效期 (the closing article);
    for the title and the 文号 the first (the header)."""
    found = [c for c in chunks if states_fact(c, fact)]
    if not found:
        return None
    # the date above the seal and the closing article come last; title and 文号 first
    return found[-1] if fact in (ISSUE_DATE, VALIDITY) else found[0]


def states_in(sentence: str, chunk: Chunk, fact: str) -> bool:
    """Whether one sentence of `chunk` states `fact` for its own document: its date, its
    validity, its title line, its 文号."""
    if chunk.kind == "record":
        return False  # a row's dates are the row's ("发布日期：…"), not its list's
    text = compact(sentence)
    doc = chunk.doc
    if fact == VALIDITY:
        return _STATES_VALIDITY.search(text) is not None
    if fact == TITLE:
        title = compact(doc.title)
        if not title or len(text) < 6:
            return False
        return title in text or (text in title and len(text) >= 0.6 * len(title))
    if fact == DOC_NO:
        return bool(doc.doc_number) and compact(doc.doc_number) in text
    pattern = _date_pattern(doc.date)
    return pattern is not None and pattern.search(text) is not None
