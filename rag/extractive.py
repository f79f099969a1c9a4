"""Extractive answering and sentence-level re-ranking: quote the passages' best sentences, with their number.

    ranked = rank_sentences(question, hits, embed)     # every sentence of every passage, best first
    text = extract(ranked)                             # "The hotel limit is €180 per night [1]."
    hits = rerank(hits, ranked)                        # passages ordered by their best sentence

A 135M model copies the right fact from a passage about half the time; picking the sentence itself is
more reliable, and a quoted sentence is supported by its passage by construction. A sentence's score mixes
its meaning (cosine of MiniLM vectors, the heading path in front so "Hotels" gives "€180 per night" its
context) with the question's words it contains (IDF-weighted over the candidates, so rare words like
"London" weigh more than "limit"), plus a small prior for the passage's retrieval rank.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from rag.sentences import is_instruction, split_sentences, words

SEMANTIC_WEIGHT = 0.5  # cosine similarity of sentence and question
KEYWORD_WEIGHT = 0.5  # IDF-weighted share of the question's content words in the sentence (and its headings)
RANK_WEIGHT = 0.05  # prior for the passage's retrieval rank: 1/rank
SECOND_SENTENCE = 0.9  # quote a second sentence only if it scores at least this share of the best
MAX_SENTENCES = 2


@dataclass
class Candidate:
    text: str  # the sentence as it will be quoted
    passage: int  # 1-based number of its passage among the hits
    score: float = 0.0


def candidates(hits) -> list[Candidate]:
    """Each factual sentence of each passage; instruction-like sentences are never candidates."""
    return [Candidate(s, n) for n, hit in enumerate(hits, 1)
            for s in split_sentences(hit.text)  # stored text starts with its heading path: not a sentence
            if s != hit.headings and not is_instruction(s) and len(words(s)) >= 2]


def rank_sentences(question: str, hits, embed=None) -> list[Candidate]:
    """All candidate sentences scored against the question, best first. `embed(texts) -> (n, d)` unit vectors;
    None scores by words alone."""
    found = candidates(hits)
    if not found:
        return []
    contexts = [f"{hits[c.passage - 1].headings}: {c.text}" for c in found]
    lexical = keyword_scores(question, contexts)
    semantic = [0.0] * len(found)
    if embed is not None:
        vectors = embed([question] + contexts)
        semantic = [float(v) for v in vectors[1:] @ vectors[0]]
    for c, sem, lex in zip(found, semantic, lexical, strict=True):
        c.score = SEMANTIC_WEIGHT * sem + KEYWORD_WEIGHT * lex + RANK_WEIGHT / c.passage
    return sorted(found, key=lambda c: (-c.score, c.passage))


def keyword_scores(question: str, texts: list[str]) -> list[float]:
    """For each text, the IDF-weighted share of the question's content words it contains."""
    asked = set(words(question))
    bags = [set(words(t)) for t in texts]
    idf = {w: math.log(1 + len(bags) / (1 + sum(w in b for b in bags))) for w in asked}
    total = sum(idf.values()) or 1.0
    return [sum(idf[w] for w in asked & bag) / total for bag in bags]


def extract(ranked: list[Candidate], max_sentences: int = MAX_SENTENCES, ratio: float = SECOND_SENTENCE) -> str:
    """The best sentence with its citation, plus close runners-up that add new words."""
    if not ranked:
        return ""
    chosen = [ranked[0]]
    for c in ranked[1:]:
        if len(chosen) >= max_sentences or c.score < ratio * ranked[0].score:
            break
        if not set(words(c.text)) <= set().union(*(words(x.text) for x in chosen)):
            chosen.append(c)
    return " ".join(quote(c) for c in chosen)


def quote(c: Candidate) -> str:
    """A sentence as an answer sentence: ends with a full stop, then its citation."""
    text = c.text.rstrip()
    end = "" if text[-1] in ".!?" else "."
    return f"{text[:-1]} [{c.passage}]{text[-1]}" if not end else f"{text} [{c.passage}]."


def rerank(hits, ranked: list[Candidate]) -> list:
    """The hits ordered by their best sentence's score (a passage with none keeps its place at the end)."""
    best: dict[int, float] = {}
    for c in ranked:
        best.setdefault(c.passage, c.score)
    order = sorted(range(1, len(hits) + 1), key=lambda n: (-best.get(n, -1e9), n))
    return [hits[n - 1] for n in order]
