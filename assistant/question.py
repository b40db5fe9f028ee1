"""How a question is read: once, into a typed `QuestionSpec` that every later step reads.

Retrieval, reranking, the answer/refuse decision, extraction and the routing to records,
the coverage matrix or passages all need to know the same things about a question — what
it asks for (a number, a date, a list, a count), what it is about, and which constraints
(a place, a year, a grade, a 文号, an 观测点 code, a negation) an answer must respect.
Reading that once, here, keeps those steps from each parsing the question their own way.
The vocabulary it reads with is data (`ingest/vocab/`); this module holds the reading.
It does not search: it knows nothing of the index.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from ingest.clean import is_foreign
from ingest.metadata import DOC_NUMBER, normalize_doc_number
from ingest.tokens import asked_attributes, codes_in, compact, concepts, places

from .doc_facts import wanted_facts

# What a question asks for. "fact" is the default: a passage or clause states the answer.
INTENTS = (
    "fact",  # a rule, a definition, a clause
    "number",  # an amount, a rate, a quantity (多少, 比例, 几年)
    "date",  # when something was issued, takes effect, expires (a document fact)
    "list",  # which items (有哪些课程)
    "count",  # how many items (有几门, 多少个项目)
    "comparison",  # two values side by side (调整后比原来涨了多少, 新旧有什么不同)
    "yes_no",  # whether (能不能, 是否, 吗)
    "coverage",  # the state of indicators / 观测点 against their targets
)

# The kinds of record a lookup can return, and the words a question names them by.
RECORD_KINDS = ("course", "training", "demand", "supply", "achievement", "policy")


@dataclass(frozen=True)
class Concept:
    """A content word of the question and its search-mode parts ("职工教育经费" → 职工,
    教育, 经费…): a passage holds the concept when it holds the word, in any of its forms."""

    word: str
    parts: tuple[str, ...] = ()


@dataclass(frozen=True)
class QuestionSpec:
    """A question, read. Immutable; made by `read_question` and passed down."""

    text: str
    norm: str
    language: str = "zh"  # "zh" or "foreign" (English and other scripts)
    intent: str = "fact"
    concepts: tuple[Concept, ...] = ()
    asked: tuple[Concept, ...] = ()  # the attribute asked for: "学费" in "…的学费是多少"
    facts: tuple[str, ...] = ()  # document facts asked: issue_date, validity, title, doc_number
    places: tuple[str, ...] = ()
    years: tuple[int, ...] = ()
    since: str = ""  # ISO date: the start of a date range the question asks about
    until: str = ""  # ISO date: its end
    labels: tuple[str, ...] = ()  # grades and categories: "三级", "e类", "国家级"
    doc_numbers: tuple[str, ...] = ()  # 文号, normalised
    codes: tuple[str, ...] = ()  # 观测点 codes: "8.5.2"
    quoted: tuple[str, ...] = ()  # phrases in quotation marks, meant literally
    record_kind: str = ""  # one of RECORD_KINDS when the question is about such records
    negated: bool = False  # "哪些没完成", "不包括哪些"
    extras: dict = field(default_factory=dict, compare=False, hash=False)

    @property
    def is_foreign(self) -> bool:
        return self.language == "foreign"

    @property
    def concept_words(self) -> tuple[str, ...]:
        return tuple(c.word for c in self.concepts)


_QUOTED = re.compile(r"[“\"「『]([^”\"」』]{2,40})[”\"」』]")
_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?:\s*年|(?=\D|$))")


def read_question(text: str) -> QuestionSpec:
    """Read `text` into a QuestionSpec (cached: the same question is read once)."""
    return _read(text.strip())


@lru_cache(maxsize=1024)
def _read(text: str) -> QuestionSpec:
    norm = compact(text)
    language = "foreign" if is_foreign(text) else "zh"
    facts = wanted_facts(text)
    return QuestionSpec(
        text=text,
        norm=norm,
        language=language,
        intent="date" if facts else "fact",
        concepts=tuple(Concept(w, tuple(p)) for w, p in concepts(text)),
        asked=tuple(Concept(w, tuple(p)) for w, p in asked_attributes(text)),
        facts=facts,
        places=tuple(places(text)),
        years=tuple(int(y) for y in _YEAR.findall(text)),
        doc_numbers=tuple(normalize_doc_number(m.group(0)) for m in DOC_NUMBER.finditer(text)),
        codes=tuple(codes_in(text)),
        quoted=tuple(m.group(1) for m in _QUOTED.finditer(text)),
    )
