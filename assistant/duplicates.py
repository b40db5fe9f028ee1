"""The same passage found twice: one document saved as PDF and as Word, a notice and its
reprint. Pure functions over normalised texts; the retriever applies them to its ranking.
"""

from __future__ import annotations

from ingest.tokens import numbers_in

DUPLICATE_SHARE = 0.9
DUPLICATE_WINDOW = 10  # how far below the k-th place a distinct passage is looked for


def _shingles(text: str) -> set[str]:
    return {text[i : i + 3] for i in range(max(1, len(text) - 2))}


def same_passage(a: str, b: str) -> bool:
    """Whether two normalised passages say the same thing: one document saved twice (the
    charter as PDF and as Word, a notice and its reprint), cut at slightly different places.
    Nine in ten of the shorter one's character trigrams must be in the other, and their
    numbers must be the same — so two rows of one table ("档次1…200", "档次2…300") never are.
    """
    if numbers_in(a) != numbers_in(b) and not (a in b or b in a):
        return False
    sa, sb = _shingles(a), _shingles(b)
    return len(sa & sb) >= DUPLICATE_SHARE * min(len(sa), len(sb))


def fold_duplicates(
    ranked: list[tuple[int, float]], texts: list[str], k: int
) -> list[tuple[int, float]]:
    """Move a passage that repeats one ranked above it after the first `k` distinct ones.

    Two copies of one passage would take two of the five places a reader (or the answer)
    looks at, and push out a passage that says something else. The copy is kept, below,
    so nothing is lost to a reader who scrolls.
    """
    kept: list[tuple[int, float]] = []
    moved: list[tuple[int, float]] = []
    for item in ranked[: k + DUPLICATE_WINDOW]:
        if len(kept) < k and any(same_passage(texts[item[0]], texts[p]) for p, _ in kept):
            moved.append(item)
        else:
            kept.append(item)
    return kept[:k] + moved + kept[k:] + ranked[k + DUPLICATE_WINDOW :]
