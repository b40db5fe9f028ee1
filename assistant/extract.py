"""Extractive answers: the sentences of the best passages that answer the question.

Used when no LLM is configured or the LLM fails. Each sentence is quoted as it stands in
its source and ends in its citation marker; sentences are chosen by how much of the
question's (IDF-weighted) information they hold, kept in source order within a passage,
and de-duplicated across overlapping chunks. Pure: hits and a scoring function in, answer text out.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from ingest.clean import heading_level
from ingest.tokens import normalize
from ingest.types import Chunk, Hit

MAX_SENTENCES = 4
MAX_CHARS = 420
MAX_PASSAGES = 4
_SENTENCE = re.compile(r"[^。！？!?；;\n]+[。！？!?；;]?")
ASKS_QUANTITY = re.compile(r"多少|几|金额|标准|比例|数量|数目|百分|率|期限|多久|多长")
QUANTITY = re.compile(
    r"\d+(?:\.\d+)?\s*(?:%|％|元|万元|亿元|人次|人|个|项|家|小时|学时|学分|天|日|周|月|年|倍|岁|名|次|本|门|所)"
    r"|[一二三四五六七八九十百千两]+(?:个月|年|日|天|周|倍|人)"
)


@dataclass(frozen=True)
class Picked:
    text: str
    chunk: Chunk
    hit_rank: int
    position: int
    score: float


def sentences_of(chunk: Chunk) -> list[tuple[int, str]]:
    """(offset, sentence) pairs; a table row is one sentence."""
    if chunk.kind == "record":
        return [(0, chunk.text.strip())]
    out = []
    for m in _SENTENCE.finditer(chunk.text):
        s = m.group(0).strip().lstrip("#").strip()
        # Headings lead a chunk so its text is whole, but a heading answers nothing.
        if len(s) >= 4 and heading_level(s) is None:
            out.append((m.start(), s))
    return out


def _similar(a: str, b: str) -> bool:
    """Near-duplicates (the same sentence in two overlapping chunks or two versions)."""
    if a in b or b in a:
        return True
    sa, sb = set(a), set(b)
    return len(sa & sb) / max(1, len(sa | sb)) > 0.85


def pick_sentences(question: str, hits: list[Hit], holds: Callable[[str], float]) -> list[Picked]:
    """The sentences of the top passages that answer `question`, in source order.

    `holds(sentence)` is the share of the question's weighted concepts a sentence holds
    (the same measure the refusal gate uses). A question asking 多少/几/比例 prefers
    sentences that state a quantity ("附加率为3%") over the ones around them.
    """
    wants_quantity = bool(ASKS_QUANTITY.search(question))
    candidates: list[Picked] = []
    for hit in hits[:MAX_PASSAGES]:
        for pos, sentence in sentences_of(hit.chunk):
            score = holds(sentence)
            if wants_quantity and QUANTITY.search(sentence):
                score += 0.25
            score += 0.1 / hit.rank  # the retriever's judgment counts too
            candidates.append(Picked(sentence, hit.chunk, hit.rank, pos, score))
    if not candidates:
        return []
    best = max(c.score for c in candidates)
    chosen: list[Picked] = []
    used = 0
    for c in sorted(candidates, key=lambda c: -c.score):
        if c.score < best * 0.55 or len(chosen) >= MAX_SENTENCES:
            break
        if any(_similar(c.text, p.text) for p in chosen):
            continue
        if used + len(c.text) > MAX_CHARS and chosen:
            continue
        chosen.append(c)
        used += len(c.text)
    return sorted(chosen, key=lambda c: (c.hit_rank, c.position))
