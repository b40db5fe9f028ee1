"""Evaluation metrics as pure functions that understand Chinese.

Whitespace tokenisation is meaningless for Chinese, so text is compared after folding
full-width forms and dropping spaces and punctuation, by characters. Gold evidence is a
short exact substring of the source, which keeps the question set valid however the
documents are chunked.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

_PUNCT = re.compile(
    r"[\s\u3000-\u303f\uff00-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff65"
    r"!-/:-@\[-`{-~“”‘’、，。；：？！…—·《》〈〉「」『』【】（）]+"
)


def norm(text: str) -> str:
    """Fold width and case, drop whitespace and punctuation."""
    return _PUNCT.sub("", unicodedata.normalize("NFKC", text or "").lower())


@dataclass(frozen=True)
class Gold:
    source: str
    evidence: str
    page: int | None = None


def gold_of(case: dict) -> list[Gold]:
    return [Gold(g["source"], g["evidence"], g.get("page")) for g in case.get("gold", [])]


# "列名：" at the start of a table record or after a "；": the labels a record puts in front
# of each cell.
_RECORD_LABEL = re.compile(r"(?:^|；)[^；：\n]{1,40}：")


def cell_values(text: str) -> str:
    """A table record "列名：值；列名：值" as its cells in order, without the labels.

    Evidence for a table row is often written as the row reads on the page (its cells one
    after another, "保定学院公办院校030102知识产权"); a loader that renders the row as a record
    puts column names between the cells. Comparing on the cells keeps such evidence valid
    whichever way the row is rendered. Prose is returned unchanged.
    """
    if len(_RECORD_LABEL.findall(text)) < 2:
        return text
    return _RECORD_LABEL.sub("", text)


def matches(text: str, source: str, gold: Gold) -> bool:
    """A retrieved passage is gold when it comes from the gold file and holds the evidence
    (as written, or — for a table record — as the row's cells read in order)."""
    name = source.rsplit("/", 1)[-1]
    gold_name = gold.source.rsplit("/", 1)[-1]
    if norm(gold_name) != norm(name):
        return False
    evidence = norm(gold.evidence)
    return evidence in norm(text) or evidence in norm(cell_values(text))


def first_gold_rank(results: Sequence[tuple[str, str]], golds: list[Gold]) -> int | None:
    """1-based rank of the first (text, source) result that matches any gold, else None."""
    for i, (text, source) in enumerate(results, start=1):
        if any(matches(text, source, g) for g in golds):
            return i
    return None


def recall_at(rank: int | None, k: int) -> float:
    return 1.0 if rank is not None and rank <= k else 0.0


def reciprocal_rank(rank: int | None, k: int) -> float:
    return 1.0 / rank if rank is not None and rank <= k else 0.0


def includes_all(answer: str, must_include: list[str]) -> bool:
    """Every required fact string appears in the answer (after normalisation)."""
    a = norm(answer)
    return all(norm(m) in a for m in must_include)


def char_f1(prediction: str, reference: str) -> float:
    """Character-level F1, the usual answer-overlap measure for Chinese."""
    p, r = Counter(norm(prediction)), Counter(norm(reference))
    common = sum((p & r).values())
    if not common:
        return 0.0
    precision, recall = common / sum(p.values()), common / sum(r.values())
    return 2 * precision * recall / (precision + recall)


def mean(values: Sequence[float]) -> float:
    return sum(values) / len(values) if values else 0.0


def percentile(values: Sequence[float], q: float) -> float:
    if not values:
        return 0.0
    s = sorted(values)
    idx = min(len(s) - 1, max(0, round(q / 100 * (len(s) - 1))))
    return s[idx]


# --- record lookups (issue 9) -------------------------------------------------------------


def record_key(source: str, sheet: str | None, row: int | None) -> tuple[str, str, int]:
    """A record's identity across the index and the source files: file name, sheet, row."""
    return (source.rsplit("/", 1)[-1], sheet or "", int(row or 0))


def set_precision(predicted: set, gold: set) -> float:
    """Share of the returned records that are gold; 1.0 when both are empty, 0.0 when only
    the prediction is."""
    if not predicted:
        return 1.0 if not gold else 0.0
    return len(predicted & gold) / len(predicted)


def set_recall(predicted: set, gold: set) -> float:
    """Share of the gold records returned; 1.0 when there are none to return."""
    if not gold:
        return 1.0
    return len(predicted & gold) / len(gold)


_COUNT = re.compile(r"共\s*(\d+)\s*[条门个项家]")


def stated_count(answer: str) -> int | None:
    """The number an answer states as its count ("共7条"), None when it states none."""
    m = _COUNT.search(answer or "")
    return int(m.group(1)) if m else None
