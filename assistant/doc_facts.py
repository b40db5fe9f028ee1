"""Questions about a document rather than about its content: when it was issued, whether
it is still in force, what it is called, which 文号 it carries.

"教职成厅函〔2024〕20号是哪天印发的？" and "这个补贴现在还能申请吗？" are answered by one
line of a document — the date above the seal, "本通知自印发之日起施行，有效期至…" — that
shares almost no words with the question and sits in a chunk about something else (the
last article, the signature block). Search finds the document; this module says which of
its passages states the fact asked about, so the retriever can put it beside the
document's best passage. Pure functions: the retriever does the I/O.
"""

from __future__ import annotations

import re

from ingest.tokens import compact
from ingest.types import Chunk

# The facts a question may ask of a document as a whole.
ISSUE_DATE = "issue_date"
VALIDITY = "validity"
TITLE = "title"
DOC_NO = "doc_number"

_ASKS_WHEN = re.compile(r"哪天|哪一天|哪日|何时|什么时候|什么时间|几月几[日号]|日期|哪年|哪一年")
_DOC_EVENT = re.compile(r"印发|发布|发文|出台|落款|签发|成文|公布|下发|颁布|发的|报送|签署")
_ASKS_VALIDITY = re.compile(
    r"有效期|还有效|是否有效|仍然有效|[还仍](?:能|可以|可)(?:申请|申报|享受|办理|领取|用)"
    r"|现在还|目前还|失效|废止|过期|作废|还在执行|是否执行|还执行|还适用|是否适用"
)
# "青财发〔2025〕6号是什么文件": the title of the document a 文号 names — asked right after
# the 文号, not "…，政策依据是哪个文件" (a document the named one cites).
_ASKS_TITLE = re.compile(
    r"〕\d{1,4}号(?:文件|文)?(?:的)?(?:是|叫|指)?(?:什么|哪个|哪份|哪一个)?"
    r"(?:文件|通知|政策|办法|名字|名称|标题|全称)"
)
_ASKS_DOC_NUMBER = re.compile(r"(?:哪个|什么|哪一个)文号|文号(?:是|为)?(?:什么|多少|哪个)")
_TAKES_EFFECT = re.compile(r"施行|生效|执行|实施")
_STATES_VALIDITY = re.compile(
    r"有效期|自.{0,16}施行|自.{0,16}起执行|废止|失效|停止执行|有效至|同时废止|不再执行"
)


def wanted_facts(question: str) -> tuple[str, ...]:
    """The document-level facts the question asks for: none, one, or several ("…是哪天印发
    的？从哪天起施行？")."""
    q = compact(question)
    facts = []
    if _ASKS_WHEN.search(q) and _DOC_EVENT.search(q):
        facts.append(ISSUE_DATE)
    if _ASKS_VALIDITY.search(q) or (_ASKS_WHEN.search(q) and _TAKES_EFFECT.search(q)):
        facts.append(VALIDITY)
    if _ASKS_TITLE.search(q):
        facts.append(TITLE)
    if _ASKS_DOC_NUMBER.search(q):
        facts.append(DOC_NO)
    return tuple(facts)


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


def without_fact_words(question: str) -> str:
    """The question with its asking-for-a-date/validity words taken out: what remains names
    the document ("联合体2024年度建设自评报告的落款日期是哪天" → "…自评报告的"), and that is
    what the passages must hold for the question to be answered."""
    q = compact(question)
    for pattern in (
        _ASKS_VALIDITY,
        _ASKS_WHEN,
        _DOC_EVENT,
        _TAKES_EFFECT,
        _ASKS_TITLE,
        _ASKS_DOC_NUMBER,
    ):
        q = pattern.sub("", q)
    return q
