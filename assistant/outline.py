"""A document's outline: its parts, chapters or categories, for questions that ask how a
named document is laid out ("…办法一共几章", "…手册把问题分成哪几大类", "…通知正文分哪几
部分") or which of its parts covers something ("…汇编第几部分讲担保贷款").

No sentence of a document states its own outline: the answer stands in its headings, which
ingest keeps as each passage's heading path. The outline is the top level of those paths in
document order, one numbering style (a notice's "一、二、三、" without the "（六）" of a table
caption that ingest took for a heading), each part cited by its first passage.
"""

from __future__ import annotations

import re
from difflib import SequenceMatcher
from itertools import takewhile

from ingest.numbers import clause_forms, clause_refs, in_numerals
from ingest.tokens import compact, is_number
from ingest.types import Answer, Chunk, citation_for

from .decision import ANSWERED
from .question import QuestionSpec, cue_words, has_cue

# Share of the question's weighted concepts a document's title (with its 文号) must hold
# for the question to name it: an outline is asked of one document, named.
TITLE_HELD = 0.4
SEARCHED = 10  # passages whose documents are candidates
_STYLES = (
    ("chapter", re.compile(r"^第[一二三四五六七八九十百零〇\d]+[章节编篇部]")),
    ("cn", re.compile(r"^[一二三四五六七八九十百]+[、.．]")),
    ("paren", re.compile(r"^[（(][一二三四五六七八九十百\d]+[)）]")),
    ("arabic", re.compile(r"^\d+[、.．](?!\d)")),
)


def style(heading: str) -> str:
    """The numbering style a heading starts with, "plain" for none."""
    return next((name for name, pattern in _STYLES if pattern.match(heading)), "plain")


def top_headings(chunks: list[Chunk], title: str) -> list[tuple[str, Chunk]]:
    """The outline of a document from its passages in order: the first level of each heading
    path (below the title when the path starts with it), cut at the first space — ingest
    joins a heading with the line that follows it — each with its first passage; of one
    numbering style, the highest level used twice or more, or all when none is numbered."""
    first: dict[str, Chunk] = {}
    for chunk in chunks:
        path = [p.strip() for p in chunk.heading.split(" > ") if p.strip()]
        if path and compact(path[0]) == compact(title):
            path = path[1:]
        if not path:
            continue
        words = path[0].split()
        # "第一章 总则": a number alone is not the heading; its name follows it, whole when
        # its characters are spaced out ("第八章 附 则")
        head = words[0]
        if len(words) > 1 and _bare_number(words[0]):
            spaced = list(takewhile(lambda w: len(w) == 1, words[1:]))
            head += " " + ("".join(spaced) if len(spaced) > 1 else words[1])
        first.setdefault(head, chunk)
    styles = [style(h) for h in first]
    # the highest level used at least twice: "一、" over the "（1）" beneath it
    keep = next((name for name, _ in _STYLES if styles.count(name) >= 2), "plain")
    return [(h, c) for (h, c), s in zip(first.items(), styles, strict=True) if s == keep]


_PART_KINDS = ("章", "节")


def asked_parts(norm: str) -> list[str]:
    """The parts of a document a question names by their place ("第五章", "最后一章"), when
    it names no article or clause: "第五章叫什么" asks a heading, "第三章第二十条" asks an
    article's text. "last" stands for the last part."""
    refs = [ref for _, _, ref in clause_refs(norm)]
    if any(not ref.endswith(_PART_KINDS) for ref in refs):
        return []
    return [*refs, *(["last"] if has_cue(norm, "outline_last") else [])]


def of_parts(outline: list[tuple[str, Chunk]], parts: list[str]) -> list[tuple[str, Chunk]] | None:
    """The outline's entries for the parts asked, in the order asked; None when one of them
    is not among its headings."""
    out = []
    for part in parts:
        if part == "last":
            found = outline[-1]
        else:
            forms = clause_forms(part)
            found = next((e for e in outline if compact(e[0]).startswith(forms)), None)
        if found is None:
            return None
        if found not in out:
            out.append(found)
    return out


_NUMBERED_PART = re.compile(r"第([一二三四五六七八九十百零〇]+|\d+)([章节编篇])")


def _count_of(outline: list[tuple[str, Chunk]]) -> str:
    """How many parts, said as the document numbers them: "共九章" for chapters numbered
    第一章…第九章, else "按标题分为N个部分"."""
    found = [_NUMBERED_PART.match(head) for head, _ in outline]
    kinds = {m.group(2) for m in found if m}
    if all(found) and len(kinds) == 1:
        n = len(outline)
        numerals = not found[0].group(1).isdigit()
        return f"共{in_numerals(n) if numerals else n}{kinds.pop()}"
    return f"按标题分为{len(outline)}个部分"


def _covering(
    outline: list[tuple[str, Chunk]], chunks: list[Chunk], rest: list, retriever
) -> list[tuple[str, Chunk]]:
    """The parts of the outline whose passages hold every word the question asks a part to
    cover ("…第几部分讲创业担保贷款": the two parts on 担保贷款), each part running from its
    first passage to the next part's; none when no part holds them all."""
    at = {c.chunk_id: i for i, c in enumerate(chunks)}
    starts = [at[c.chunk_id] for _, c in outline] + [len(chunks)]
    out = []
    for (head, chunk), start, end in zip(outline, starts, starts[1:]):
        text = compact(f"{head}" + "".join(c.text for c in chunks[start:end]))
        if all(retriever.credit(w, p, text) >= 1 for w, p in rest):
            out.append((head, chunk))
    return out


def _line_holding(
    chunks: list[Chunk], first: Chunk, rest: list, retriever
) -> tuple[str, Chunk] | None:
    """The first line, from the part that starts at `first`, holding every word asked (an
    article, "第二十三条 …"), with its passage."""
    start = next(i for i, c in enumerate(chunks) if c.chunk_id == first.chunk_id)
    for chunk in chunks[start:]:
        for line in chunk.text.splitlines():
            if line.strip() and all(retriever.credit(w, p, compact(line)) >= 1 for w, p in rest):
                return line.strip(), chunk
    return None


def _covered(norm: str, title: str) -> tuple[int, int]:
    """How much of `title` stands in the question as one run of characters, and (negated)
    how much of it does not."""
    match = SequenceMatcher(None, norm, title, autojunk=False).find_longest_match()
    return match.size, match.size - len(title)


def _bare_number(word: str) -> bool:
    return any((m := pattern.match(word)) and m.end() == len(word) for _, pattern in _STYLES)


def answer_outline(spec: QuestionSpec, retriever, filters) -> Answer | None:
    """The outline of the document the question names, when it asks for one; None when it
    does not, names no document, or the document has fewer than two parts."""
    which = has_cue(spec.norm, "outline_which")
    parts = [] if which else asked_parts(spec.norm)
    if not (which or parts or has_cue(spec.norm, "outline")):
        return None
    hits = retriever.search(spec, k=SEARCHED, filters=filters)
    if not hits:
        return None
    # the words that ask for the outline ("第几", "部分") or speak of the document itself
    # ("正文", "标题") name nothing it must hold
    cues = [
        c
        for c in (*cue_words("outline"), *cue_words("outline_which"), *cue_words("outline_last"))
        if c in spec.norm
    ]
    cues += [ref for _, _, ref in clause_refs(spec.norm)] if parts else []
    plain = set(cue_words("document_words"))
    items = [
        i
        for i in retriever.weighted_concepts(spec)
        if not any(i[0] in c for c in cues) and i[0] not in plain
    ]
    docs = {}
    for h in hits:
        docs.setdefault(h.chunk.doc.doc_id, h.chunk.doc)

    view = retriever.view()

    def named(doc) -> tuple[bool, float]:
        """Whether the question names the document's 文号, and the share of its words the
        title holds, of those it does not leave to the document's text (what a part covers
        is in the text, not the title); a year alone names no document."""
        number = compact(doc.doc_number or "")
        if number and any(compact(d) == number for d in spec.doc_numbers):
            return True, 1.0
        title, text = compact(f"{doc.title}{doc.doc_number or ''}"), view.doc_text(doc.doc_id)
        asked = [
            (w, p, x)
            for w, p, x in items
            if retriever.credit(w, p, title) >= 1 or retriever.credit(w, p, text) < 1
        ]
        if all(is_number(w) for w, _, _ in asked):
            return False, 0.0
        return False, retriever.holds(asked, title)

    # of titles that hold the name alike, the one holding the longest run of the question,
    # then the shortest ("教育法" names 《教育法》, not 《高等教育法》; "…实施条例" the 条例,
    # not the law; "职业教育法" the law, not a city's 职业教育条例)
    doc = max(docs.values(), key=lambda d: (named(d), *_covered(spec.norm, compact(d.title))))
    if named(doc)[1] < TITLE_HELD:
        return None
    # the year of its date names the document too ("2022年职业教育法")
    title = compact(f"{doc.title}{doc.doc_number or ''}{doc.date[:4]}")
    rest = [(w, p) for w, p, _ in items if retriever.credit(w, p, title) < 1]
    if which:
        # which part covers something: the document must hold it ("…第几部分讲创业担保
        # 贷款"); "某某公寓管理办法" is not another 办法 that lacks 公寓
        text = view.doc_text(doc.doc_id)
        if any(retriever.credit(w, p, text) < 1 for w, p in rest):
            return None
    elif rest:
        # the parts of something in it ("语言知识包括哪几部分", "考核分哪几部分") are its
        # content's, not the document's outline
        return None
    chunks = [view.chunks[p] for p in view.positions_of(doc.doc_id)]
    outline = top_headings(chunks, doc.title)
    if len(outline) < 2:
        return None
    shown = of_parts(outline, parts) if parts else outline
    if shown is None:
        return None
    covering = _covering(outline, chunks, rest, retriever) if which and rest else []
    # "…是第几条？在哪一章？": the line that holds it is quoted under its part
    quoted = {}
    if covering and has_cue(spec.norm, "ordinal"):
        quoted = {head: _line_holding(chunks, chunk, rest, retriever) for head, chunk in covering}
    citations, lines, numbers = [], [], {}
    for i, (head, chunk) in enumerate(covering or shown, 1):
        n = numbers.get(chunk.chunk_id)
        if n is None:
            n = numbers[chunk.chunk_id] = len(numbers) + 1
            citations.append(citation_for(n, chunk))
        lines.append(f"{i}. {head}[{n}]" if not (parts or covering) else f"{head}[{n}]")
        if found := quoted.get(head):
            line, holder = found
            m = numbers.get(holder.chunk_id)
            if m is None:
                m = numbers[holder.chunk_id] = len(numbers) + 1
                citations.append(citation_for(m, holder))
            lines.append(f"{line}[{m}]")
    lead = f"《{doc.title}》{_count_of(outline)}" + (
        "，问到的是：" if parts else "，讲到所问内容的是：" if covering else "："
    )
    return Answer(
        spec.text,
        "\n".join([lead, *lines]),
        True,
        "extractive",
        tuple(citations),
        status=ANSWERED,
    )
