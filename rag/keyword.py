"""Keyword retrieval: BM25 over the chunk texts, through bm25s.

Dense vectors find paraphrases; BM25 finds exact rare words (a tool name, a room number, "YubiKey") that a
small embedding model blurs. The index lives in memory and is rebuilt from the collection after a write.
"""

from __future__ import annotations

import numpy as np


def _tokens(texts: list[str]):
    import bm25s

    return bm25s.tokenize(texts, stopwords="en", show_progress=False)


def build_index(texts: list[str]):
    """A bm25s index over texts (None for an empty collection)."""
    import bm25s

    if not texts:
        return None
    index = bm25s.BM25()
    index.index(_tokens(texts), show_progress=False)
    return index


def search(index, query: str, k: int) -> list[tuple[int, float]]:
    """The top-k (position in the indexed texts, BM25 score) with a score above zero."""
    if index is None:
        return []
    tokens = _tokens([query])
    if not tokens.vocab:  # only stopwords: nothing to match
        return []
    k = min(k, index.scores["num_docs"])
    positions, scores = index.retrieve(tokens, k=k, show_progress=False, n_threads=0)
    return [(int(p), float(s)) for p, s in zip(np.ravel(positions), np.ravel(scores), strict=False) if s > 0]
