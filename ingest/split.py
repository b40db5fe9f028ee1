"""Structure-aware chunking of cleaned sections into retrievable passages.

Prose is cut at headings (一、 （一） 1. 第X章 PART 0X …), preferably at articles (第X条), then
packed into chunks of a few hundred characters at paragraph and sentence ends, with a short
overlap. Every chunk's `text` is an exact slice of its section, so a citation quotes the
source verbatim; its `search_text` carries the title and heading path in front. Table rows
are records and stay whole. Pure: sections in, chunks out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from langchain_text_splitters import RecursiveCharacterTextSplitter

from .clean import heading_level, is_article
from .types import Chunk, DocMeta, Section

TARGET_CHARS = 360
MAX_CHARS = 520
MIN_ARTICLE_SPLIT = 120
OVERLAP_CHARS = 90
RECORD_MAX_CHARS = 1500

_SENTENCE_SPLITTER = RecursiveCharacterTextSplitter(
    chunk_size=TARGET_CHARS,
    chunk_overlap=OVERLAP_CHARS,
    separators=["\n", "。", "！", "？", "；", "!", "?", ";", "，", ",", " ", ""],
    keep_separator="end",
    add_start_index=True,
    strip_whitespace=False,
)
_SENTENCE_END = re.compile(r"[。！？；!?;]")


@dataclass
class _Span:
    start: int
    end: int


def _overlap_start(text: str, start: int, end: int) -> int:
    """Where the overlap for the next chunk begins: the last sentence of [start, end)."""
    window_start = max(start, end - OVERLAP_CHARS)
    tail = text[window_start:end].rstrip()
    ends = [m.end() for m in _SENTENCE_END.finditer(tail)]
    # The last sentence end inside the window, excluding the chunk's own final mark.
    inner = [e for e in ends if e < len(tail)]
    if not inner:
        return end
    return window_start + inner[-1]


# A paragraph longer than this is given to the splitter a window at a time. On one long run
# without separators the splitter falls back to single characters and merges them one by
# one: a 2-million-character line took a minute and 40x its size in memory (issue 13, a
# hostile or broken text file). No real paragraph comes near it.
_WINDOW_CHARS = 20_000


def _windows(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """[start, end) cut into windows of at most _WINDOW_CHARS, at a sentence end or a line
    break near each cut when there is one."""
    out = []
    while end - start > _WINDOW_CHARS:
        cut = start + _WINDOW_CHARS
        near = [m.end() for m in _SENTENCE_END.finditer(text, cut - 2000, cut)]
        cut = near[-1] if near else cut
        out.append((start, cut))
        start = cut
    out.append((start, end))
    return out


def _long_paragraph_spans(text: str, start: int, end: int) -> list[_Span]:
    spans = []
    for w_start, w_end in _windows(text, start, end):
        docs = _SENTENCE_SPLITTER.create_documents([text[w_start:w_end]])
        for d in docs:
            s = w_start + d.metadata["start_index"]
            spans.append(_Span(s, s + len(d.page_content)))
    return spans


def _paragraph_spans(text: str) -> list[_Span]:
    spans, pos = [], 0
    for line in text.split("\n"):
        if line.strip():
            spans.append(_Span(pos, pos + len(line)))
        pos += len(line) + 1
    return spans


def _pack_prose(text: str, stack: list[tuple[int, str]]) -> list[tuple[_Span, list[str]]]:
    """Group the paragraphs of one section into chunk spans, each with its heading path.

    `stack` is the heading outline so far; it is updated in place so that headings carry
    over page breaks.
    """
    out: list[tuple[_Span, list[str]]] = []
    cur: _Span | None = None
    cur_path: list[str] = []
    # Where the headings just read begin: the next chunk starts there, so its text holds
    # its headings and nothing is lost when a wrapped line was mistaken for a heading.
    heading_start: int | None = None

    def flush(overlap: bool = False) -> int | None:
        nonlocal cur
        if cur is None:
            return None
        out.append((cur, cur_path))
        nxt = _overlap_start(text, cur.start, cur.end) if overlap else None
        cur = None
        return nxt

    for para in _paragraph_spans(text):
        line = text[para.start : para.end]
        level = heading_level(line)
        if level is not None:
            flush()
            while stack and stack[-1][0] >= level:
                stack.pop()
            stack.append((level, line.strip().lstrip("#").strip()))
            if heading_start is None:
                heading_start = para.start
            continue
        path = [h for _, h in stack]
        if cur is not None and path != cur_path:
            flush()
        if cur is not None and is_article(line) and cur.end - cur.start >= MIN_ARTICLE_SPLIT:
            flush()
        if para.end - para.start > MAX_CHARS:
            flush()
            pieces = _long_paragraph_spans(text, para.start, para.end)
            if (
                heading_start is not None
                and pieces
                and pieces[0].end - heading_start <= MAX_CHARS + 80
            ):
                pieces[0] = _Span(heading_start, pieces[0].end)
            heading_start = None
            for piece in pieces:
                out.append((piece, path))
            continue
        if cur is not None and para.end - cur.start > MAX_CHARS:
            nxt = flush(overlap=True)
            start = nxt if nxt is not None and para.start - nxt < OVERLAP_CHARS + 2 else para.start
            cur = _Span(start, para.end)
            cur_path = path
            continue
        if cur is None:
            start = para.start if heading_start is None else heading_start
            cur, cur_path = _Span(start, para.end), path
            heading_start = None
        else:
            cur.end = para.end
        if cur.end - cur.start >= TARGET_CHARS and not _awaits_more(line):
            flush()
    flush()
    return out


# A line that puts a question ("问：…？") or announces what follows ("需提供以下材料："): the
# paragraph after it answers it, and a chunk that ends on it holds the lead without its
# answer.
_LEAD_LINE = re.compile(r"^\s*(?:问\s*[:：]|Q\s*[:：]).*|.*[？?:：]\s*$")


def _awaits_more(line: str) -> bool:
    return bool(_LEAD_LINE.match(line)) and "答" not in line


def _heading_prefix(doc: DocMeta, path: list[str], extra: str = "") -> str:
    parts = [doc.title] + ([extra] if extra else []) + path
    return " > ".join(p for p in parts if p)


def split_document(doc: DocMeta, sections: list[Section]) -> list[Chunk]:
    """Cut a document's cleaned sections into chunks; ids are stable for the same content."""
    chunks: list[Chunk] = []
    stack: list[tuple[int, str]] = []

    # Offsets are document-wide (sections laid end to end), so no two chunks of a document
    # share one, even when Word text stands before and after a table.
    offset = 0

    def add(text: str, section: Section, start: int, end: int, path: list[str]) -> None:
        body = text[start:end].strip()
        if not body:
            return
        lead = len(text[start:end]) - len(text[start:end].lstrip())
        heading = " > ".join(path)
        prefix = _heading_prefix(doc, path, section.sheet or "")
        chunks.append(
            Chunk(
                chunk_id=f"{doc.doc_id}-{doc.content_hash[:10]}-{len(chunks):05d}",
                doc=doc,
                text=body,
                search_text=f"{prefix}\n{body}",
                page=section.page,
                sheet=section.sheet,
                row=section.row,
                heading=heading,
                start=offset + start + lead,
                end=offset + start + lead + len(body),
                kind=section.kind,
                ocr=section.ocr,
                confidence=section.confidence,
            )
        )

    for section in sections:
        text = section.text
        if chunks:
            offset = chunks[-1].end + 1
        if section.kind == "record":
            path = [section.heading] if section.heading else []
            if len(text) <= RECORD_MAX_CHARS:
                add(text, section, 0, len(text), path)
            else:
                for span in _long_paragraph_spans(text, 0, len(text)):
                    add(text, section, span.start, span.end, path)
            continue
        base = [section.heading] if section.heading else []
        if section.heading:
            stack = []  # a new part (sheet, HTML article) starts its own outline
        for span, path in _pack_prose(text, stack):
            add(text, section, span.start, span.end, base + path)
    return chunks
