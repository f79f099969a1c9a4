"""Retrieval: dense (Chroma, cosine), keyword (BM25) or both fused by reciprocal rank fusion.

    hits = retrieve(store, "How long are backups kept?", k=5, mode="hybrid")

Reciprocal rank fusion scores a chunk by sum(1 / (RRF_K + rank)) over the rankings that contain it: it
needs no score calibration between the two retrievers, only their orders. Every hit also carries its
cosine `similarity` to the question, the one score comparable across questions, which the answer step
uses to decide whether the knowledge base supports an answer at all.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from tailor.errors import UsageError

MODES = ("dense", "bm25", "hybrid")
MAX_K = 50
MAX_QUESTION_CHARS = 1000
RRF_K = 60  # the usual constant: damps the weight of the very top ranks
CANDIDATES = 20  # depth of each ranking before fusion


@dataclass
class Hit:
    id: str
    text: str
    source: str
    headings: str  # heading path, "Expense policy > Approval"
    score: float  # the mode's ranking score (cosine, BM25 or RRF)
    similarity: float = 0.0  # cosine similarity to the question, in [-1, 1]

    def label(self) -> str:
        return f"{self.source} § {self.headings}" if self.headings else self.source


def check_question(question: str) -> str:
    if not isinstance(question, str) or not question.strip():
        raise UsageError("the question is empty; ask something")
    if len(question) > MAX_QUESTION_CHARS:
        raise UsageError(f"the question has {len(question)} characters; the limit is {MAX_QUESTION_CHARS}")
    return question.strip()


def check_k(k) -> int:
    if isinstance(k, bool) or not isinstance(k, int) or not 1 <= k <= MAX_K:
        raise UsageError(f"k must be a whole number from 1 to {MAX_K}, got {k!r}")
    return k


def retrieve(store, question: str, k: int = 5, mode: str = "hybrid") -> list[Hit]:
    """The k best chunks for the question, best first."""
    question, k = check_question(question), check_k(k)
    if mode not in MODES:
        raise UsageError(f"mode must be one of {', '.join(MODES)}, got {mode!r}")
    if store.count() == 0:
        raise UsageError(f"the collection {store.name!r} is empty; run `tailor kb ingest` first")
    vector = store.embed([question])[0]
    depth = max(k, CANDIDATES)
    if mode == "dense":
        hits = dense(store, vector, k)
    elif mode == "bm25":
        hits = keyword(store, question, k)
    else:
        hits = fuse([dense(store, vector, depth), keyword(store, question, depth)], k)
    return with_similarity(store, vector, hits)


def dense(store, vector: np.ndarray, k: int) -> list[Hit]:
    found = store.collection.query(query_embeddings=[vector], n_results=min(k, store.count()),
                                   include=["documents", "metadatas", "distances"])
    return [Hit(i, text, meta.get("source", ""), meta.get("headings", ""), 1.0 - dist, 1.0 - dist)
            for i, text, meta, dist in zip(found["ids"][0], found["documents"][0], found["metadatas"][0],
                                           found["distances"][0], strict=False)]


def keyword(store, question: str, k: int) -> list[Hit]:
    from rag.keyword import search

    index, ids, texts, metas = store.bm25()
    return [Hit(ids[p], texts[p], metas[p].get("source", ""), metas[p].get("headings", ""), score)
            for p, score in search(index, question, k)]


def fuse(rankings: list[list[Hit]], k: int) -> list[Hit]:
    """Reciprocal rank fusion of several rankings; keeps the first-seen Hit object of each chunk."""
    scores: dict[str, float] = {}
    first: dict[str, Hit] = {}
    for ranking in rankings:
        for rank, hit in enumerate(ranking, 1):
            scores[hit.id] = scores.get(hit.id, 0.0) + 1.0 / (RRF_K + rank)
            first.setdefault(hit.id, hit)
    best = sorted(scores, key=lambda i: (-scores[i], i))[:k]
    return [Hit(**{**first[i].__dict__, "score": scores[i]}) for i in best]


def with_similarity(store, vector: np.ndarray, hits: list[Hit]) -> list[Hit]:
    """Fill in the cosine similarity of hits that came from BM25 only (their vectors are in Chroma)."""
    missing = [h.id for h in hits if h.similarity == 0.0]
    if missing:
        got = store.collection.get(ids=missing, include=["embeddings"])
        sims = dict(zip(got["ids"], np.asarray(got["embeddings"], dtype=np.float32) @ vector, strict=False))
        for hit in hits:
            if hit.id in sims:
                hit.similarity = float(sims[hit.id])
    return hits
