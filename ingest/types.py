"""Pure value types shared by every layer.

`ingest` produces `Section`s and `Chunk`s; `assistant` turns retrieved chunks into `Hit`s,
`Citation`s and `Answer`s. They live in the lower layer so nothing has to import upward, and
they import only the standard library so any module (and any test) can use them freely.
Behaviour does not live here.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from pathlib import PurePath

_HAN = re.compile("[\u4e00-\u9fff]")
_BRACKETED = re.compile(r"[（(][^（()）]*[)）]")  # "(2020-03-26)", "（12.11）"

DOC_TYPES = (
    "policy",
    "standard",
    "charter",
    "course",
    "demand",
    "supply",
    "training",
    "achievement",
    "report",
    "law",
    "plan",
    "other",
)


# Who may see a document, from most to least open (sidecar `visibility`, default public).
VISIBILITIES = ("public", "member", "secretariat")


@dataclass(frozen=True)
class Section:
    """A stretch of a loaded document with one location: a PDF page, a table row, a part.

    `kind` is "text" for prose (split further by the splitter) and "record" for one table
    row rendered as "列名：值；列名：值" (kept whole, never split mid-row).
    """

    text: str
    page: int | None = None
    sheet: str | None = None
    row: int | None = None
    kind: str = "text"
    heading: str = ""
    # For kind="record": the row's cells as (column name, cell text) pairs, in column order,
    # with merged headers resolved to the real column names. Empty for prose.
    fields: tuple[tuple[str, str], ...] = ()
    # Text read by OCR from a page image (a scan, a garbled text layer, an image file), and
    # the recogniser's mean confidence (0–1); text from a text layer is exact: 1.0.
    ocr: bool = False
    confidence: float = 1.0


@dataclass(frozen=True)
class Record:
    """What a lookup reads of one table row or one policy notice, typed, stored beside its chunk.

    `kind` is one of RECORD_KINDS. `fields` are the public (column, text) pairs exactly as
    the source shows them; `restricted` the contact columns (联系人, 联系电话, …), which
    never enter a chunk's text, search text or vector and are shown to members only.
    `values` holds the typed reading of the fields (ISO dates or [start, end] ranges,
    numbers, booleans) and, for a policy notice, what was read off its text (status,
    amounts, deadlines, conditions with their clauses). Both dicts are JSON-ready.
    """

    kind: str
    fields: tuple[tuple[str, str], ...] = ()
    restricted: tuple[tuple[str, str], ...] = ()
    values: dict = field(default_factory=dict, compare=False, hash=False)

    def to_json(self) -> dict:
        return {
            "kind": self.kind,
            "fields": [list(p) for p in self.fields],
            "restricted": [list(p) for p in self.restricted],
            "values": self.values,
        }

    @classmethod
    def from_json(cls, data: dict) -> Record:
        return cls(
            kind=data.get("kind", ""),
            fields=tuple((str(k), str(v)) for k, v in data.get("fields", ())),
            restricted=tuple((str(k), str(v)) for k, v in data.get("restricted", ())),
            values=dict(data.get("values") or {}),
        )


RECORD_KINDS = ("policy", "demand", "supply", "achievement", "course", "training")


@dataclass(frozen=True)
class DocMeta:
    """What is known about a whole document; every chunk carries a copy."""

    doc_id: str
    source: str
    title: str
    doc_type: str = "other"
    issuer: str = ""
    doc_number: str = ""
    date: str = ""
    year: int = 0
    visibility: str = "public"
    is_sample: bool = False
    status: str = ""
    valid_until: str = ""
    content_hash: str = ""

    @property
    def file_name(self) -> str:
        """The name the file was given, without its folder, extension and bracketed notes
        ("2026政治考纲" for 2026政治考纲.pdf, whose title says 考试说明): people call a
        document by it as often as by its title. Empty when it is a generated id in Latin
        letters and digits, or says nothing the title does not."""
        name = _BRACKETED.sub("", PurePath(self.source.replace("\\", "/")).stem)
        if not _HAN.search(name) or name.replace(" ", "") in self.title.replace(" ", ""):
            return ""
        return name


@dataclass(frozen=True)
class Chunk:
    """One retrievable passage.

    `text` is the passage exactly as it stands in the source (what a citation quotes);
    `search_text` is `text` with its heading path in front, which is what gets embedded and
    keyword-indexed so that a chunk "knows" the section it belongs to.
    """

    chunk_id: str
    doc: DocMeta
    text: str
    search_text: str
    page: int | None = None
    sheet: str | None = None
    row: int | None = None
    heading: str = ""
    start: int = 0
    end: int = 0
    kind: str = "text"
    ocr: bool = False  # read by OCR from a page image: a reader should check the original
    confidence: float = 1.0  # OCR's mean confidence on the page (1.0 for a text layer)
    record: Record | None = None  # a table row's or a policy notice's typed fields

    @property
    def context(self) -> str:
        """The title and heading path in front of `text` in `search_text`."""
        return self.search_text[: len(self.search_text) - len(self.text)]


@dataclass(frozen=True)
class Hit:
    """A chunk returned by a retriever, with its fused score and where it came from."""

    chunk: Chunk
    score: float
    rank: int
    via: tuple[str, ...] = ()
    keyword_score: float = 0.0
    dense_score: float = 0.0


@dataclass(frozen=True)
class Citation:
    """A source a reader can open: file, page or row, and the exact quoted passage."""

    n: int
    source: str
    title: str
    chunk_id: str
    quote: str
    page: int | None = None
    sheet: str | None = None
    row: int | None = None
    ocr: bool = False  # the quote was read by OCR (shown as "（OCR识别）")
    confidence: float = 1.0

    def to_json(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class Dropped:
    """A sentence removed from an answer by citation verification, and why."""

    sentence: str
    reason: str

    def to_json(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class Answer:
    """An answer to one question. `mode` says which path produced it."""

    question: str
    answer: str
    found: bool
    mode: str
    citations: tuple[Citation, ...] = ()
    dropped: tuple[Dropped, ...] = ()
    notice: str = ""
    suggestions: tuple[dict, ...] = field(default=())
    searched_as: str = ""  # the stand-alone question a follow-up was searched as
    # answered (found), not_direct (something close, not the thing asked: the nearest
    # passages are shown) or refused (nothing relevant); "" = taken from `found`
    status: str = ""

    @property
    def outcome(self) -> str:
        return self.status or ("answered" if self.found else "refused")

    def to_json(self) -> dict:
        return {
            "question": self.question,
            "answer": self.answer,
            "found": self.found,
            "status": self.outcome,
            "mode": self.mode,
            "citations": [c.to_json() for c in self.citations],
            "dropped": [d.to_json() for d in self.dropped],
            "notice": self.notice,
            "suggestions": list(self.suggestions),
            "searched_as": self.searched_as,
        }


def citation_for(n: int, chunk: Chunk) -> Citation:
    """The citation of `chunk` numbered `n`."""
    return Citation(
        n=n,
        source=chunk.doc.source,
        title=chunk.doc.title,
        chunk_id=chunk.chunk_id,
        quote=chunk.text,
        page=chunk.page,
        sheet=chunk.sheet,
        row=chunk.row,
        ocr=chunk.ocr,
        confidence=chunk.confidence,
    )
