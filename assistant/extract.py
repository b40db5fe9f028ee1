"""Extractive answers: the sentences of the best passages that answer the question.

Used when no LLM is configured or the LLM fails. Each sentence is quoted as it stands in
its source and ends in its citation marker; sentences are chosen by how much of the
question's (IDF-weighted) information they hold, kept in source order within a passage,
and de-duplicated across overlapping chunks. Pure: hits and weights in, answer text out.
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
_NUMBER_QUESTION = re.compile(r"多少|几|金额|标准|比例|数量|数目|多少钱|万元|元|人次|期限|多久|哪一年|何时|什么时候")


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


def _sentence_score(sentence: str, terms: list[str], weight: Callable[[str], float]) -> float:
    norm = normalize(sentence).replace(" ", "")
    total = sum(weight(t) for t in terms) or 1.0
    return sum(weight(t) for t in terms if t in norm) / total


def _similar(a: str, b: str) -> bool:
    """Near-duplicates (the same sentence in two overlapping chunks or two versions)."""
    if a in b or b in a:
        return True
    sa, sb = set(a), set(b)
    return len(sa & sb) / max(1, len(sa | sb)) > 0.85


def pick_sentences(
    question: str, hits: list[Hit], terms: list[str], weight: Callable[[str], float]
) -> list[Picked]:
    wants_number = bool(_NUMBER_QUESTION.search(question))
    candidates: list[Picked] = []
    for hit in hits[:MAX_PASSAGES]:
        for pos, sentence in sentences_of(hit.chunk):
            score = _sentence_score(sentence, terms, weight)
            if wants_number and re.search(r"\d|[一二三四五六七八九十百千万]", sentence):
                score += 0.1
            score += 0.15 / hit.rank  # the retriever's judgment counts too
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
