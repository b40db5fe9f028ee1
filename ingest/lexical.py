"""BM25 keyword search over jieba tokens (bm25s), derived from what Chroma holds.

The BM25 index is never a second source of truth: it is rebuilt from the live chunks'
stored tokens whenever the registry signature changes, which takes well under a second
for thousands of chunks because no text is re-tokenised. The only module importing bm25s.
"""

from __future__ import annotations

import math
from collections import Counter

import bm25s
import numpy as np


class KeywordIndex:
    """BM25 over pre-tokenised documents, with document frequencies kept for weighting."""

    def __init__(self, token_lists: list[list[str]]):
        self.size = len(token_lists)
        self.df: Counter[str] = Counter()
        for tokens in token_lists:
            self.df.update(set(tokens))
        self._bm25 = None
        if self.size:
            self._bm25 = bm25s.BM25()
            # An empty document would break the index; give it a token no query contains.
            self._bm25.index([t or ["\x00"] for t in token_lists], show_progress=False)
            self._vocab = self._bm25.vocab_dict

    def idf(self, token: str) -> float:
        """Inverse document frequency: how much finding `token` says about a passage."""
        df = self.df.get(token, 0)
        return math.log(1 + (self.size - df + 0.5) / (df + 0.5))

    def idf_at(self, df: int) -> float:
        """The IDF a term found in `df` passages would have."""
        return math.log(1 + (self.size - df + 0.5) / (df + 0.5))

    def search(
        self, query_tokens: list[str], k: int, allowed: np.ndarray | None = None
    ) -> list[tuple[int, float]]:
        """Top-k (document position, score) pairs with a positive score.

        `allowed` is a boolean mask over positions (metadata filters); hits outside it are
        dropped before ranking, so a filter never empties the top k.
        """
        if self._bm25 is None:
            return []
        known = [t for t in query_tokens if t in self._vocab]
        if not known:
            return []  # bm25s would return score-0 "hits" for an all-unknown query
        k = min(k, self.size)
        docs, scores = self._bm25.retrieve(
            [known],
            k=k,
            show_progress=False,
            weight_mask=None if allowed is None else allowed.astype(np.float32),
        )
        out = []
        for pos, score in zip(docs[0].tolist(), scores[0].tolist()):
            if score <= 0:
                continue
            if allowed is not None and not allowed[pos]:
                continue
            out.append((int(pos), float(score)))
            if len(out) >= k:
                break
        return out
