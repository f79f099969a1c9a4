"""Answering: abstain when the knowledge base does not hold the answer, else answer with a citation per sentence.

    hits = retrieve(store, question)
    reply = answer(backend, question, hits, embed=store.embed)     # Answer(text, citations, abstained, ...)
    print(reply.text); print(reply.sources())

Four techniques, measured side by side by rag.evaluate (rag/README.md has the table):

    extractive     quote the best supporting sentences of the passages, each with its [n] (no model call;
                   the default: it measured best with the 135M model)
    generative     the model answers from the first CONTEXT_HITS passages in retrieval order
    rerank         the same, after re-ranking the passages by their best sentence
    short-context  the model sees only the SHORT_SENTENCES best sentences, under their passage numbers

Every technique ends the same way: a reply cut by the token limit loses its unfinished sentence (and says
so), and each sentence must cite a passage that supports it (rag/citations.py), or it is dropped.
Abstention is decided before any generation, from the best sentence's score (rag/extractive.py): below
`threshold` (chosen by cross-validation in rag.evaluate) the model is not asked at all. Retrieved text is
data: a passage that gives the assistant orders is never quoted and never counts as support.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field, replace

from rag.citations import Citation, ground
from rag.extractive import extract, rank_sentences, rerank
from rag.prompts import ABSTAIN, CLOSED_BOOK_SYSTEM, SYSTEM, documents_block, user_message
from rag.retrieve import Hit, check_question
from rag.sentences import trim_to_sentence

TECHNIQUES = ("extractive", "generative", "rerank", "short-context")
DEFAULT_TECHNIQUE = "extractive"
# Best sentence score below this: abstain. Chosen on all 96 bundled questions (rag.evaluate's calibration);
# the README's abstention numbers come from cross-validation instead, never from the questions it was set on.
ABSTAIN_THRESHOLD = 0.526
CONTEXT_HITS = 2  # passages shown to the model: fewer, shorter passages suit a 135M model
SHORT_SENTENCES = 4  # sentences shown to the model by short-context
MAX_TOKENS = 48  # one or two sentences; also bounds a loop
CUT_NOTE = "(cut at the length limit)"
# transformers' repetition_penalty also penalizes every prompt token, i.e. the very facts to copy from the
# passages: with 1.15 the 135M model answered 0 of 6 sample questions, without it 3 of 6. Loops are cut by
# the sentence de-duplication in ground() and by max_tokens instead.
REPETITION_PENALTY = None
# The engine when --backend / TAILOR_BACKEND name none: transformers, not the project's llamacpp default. A RAG
# prompt is long (passages) and its answer short, and llama.cpp's prompt processing (this wheel has no AVX-512)
# is slower than torch's here: on 32 questions, 2026-12-02, one thread each, the same correctness (0.500
# local, 0.538 llamacpp; citations 0.800 both) but p50 1.33 s against 3.48 s a question (rag/README.md).
ENGINE = "local"


@dataclass
class Answer:
    question: str
    text: str
    hits: list[Hit]  # the passages the citations number
    citations: list[Citation] = field(default_factory=list)
    abstained: bool = False
    support: float = 0.0  # the best sentence's score against the question
    latency_s: float = 0.0
    cut: bool = False  # the reply reached the token limit and lost its unfinished sentence
    dropped: list[str] = field(default_factory=list)  # reply sentences no passage supports
    technique: str = DEFAULT_TECHNIQUE
    result: object = None  # the backend's ChatResult, when one was made

    def sources(self) -> str:
        """The lines printed under an answer: [n] source § heading, exactly the numbers in the text."""
        return "\n".join(f"[{c.number}] {c.hit.label()}" + ("" if c.written else " (attributed)")
                         for c in self.citations)


def check_technique(technique: str) -> str:
    from tailor.errors import UsageError

    if technique not in TECHNIQUES:
        raise UsageError(f"technique must be one of {', '.join(TECHNIQUES)}, got {technique!r}")
    return technique


def build_prompt(question: str, hits: list[Hit], system: str = SYSTEM) -> list[dict]:
    """The chat messages for a grounded answer: the rules, then the documents as data, then the question.

    `system` replaces the rules, for an app with its own voice (finetune_rag/'s tutor)."""
    question = check_question(question)
    block = documents_block([h.text for h in hits], [h.label() for h in hits])
    return [{"role": "system", "content": system}, {"role": "user", "content": user_message(question, block)}]


def closed_book_prompt(question: str) -> list[dict]:
    return [{"role": "system", "content": CLOSED_BOOK_SYSTEM},
            {"role": "user", "content": check_question(question)}]


def support(ranked) -> float:
    return ranked[0].score if ranked else 0.0


def context_for(technique: str, hits: list[Hit], ranked) -> list[Hit]:
    """The passages a generating technique shows the model (numbered 1.. in the prompt)."""
    if technique == "rerank":
        return rerank(hits, ranked)[:CONTEXT_HITS]
    if technique == "short-context":
        return short_context(hits, ranked)
    return hits[:CONTEXT_HITS]


def short_context(hits: list[Hit], ranked, limit: int = SHORT_SENTENCES) -> list[Hit]:
    """Each passage reduced to its best sentences (at most `limit` in all), passages in order of their best."""
    chosen: dict[int, list[str]] = {}
    for c in ranked[:limit]:
        chosen.setdefault(c.passage, []).append(c.text)
    return [replace(hits[n - 1], text="\n".join(texts)) for n, texts in chosen.items()]


def answer(backend, question: str, hits: list[Hit], *, embed=None, technique: str = DEFAULT_TECHNIQUE,
           threshold: float = ABSTAIN_THRESHOLD, max_tokens: int = MAX_TOKENS, on_text=None) -> Answer:
    """Answer from the hits (or abstain). `embed(texts)` gives unit vectors for sentence scoring (the store's
    embedder); `backend` is only used by the generating techniques. `on_text(text)` receives the final text."""
    started = time.perf_counter()
    question, technique = check_question(question), check_technique(technique)
    ranked = rank_sentences(question, hits, embed)
    if support(ranked) < threshold:
        reply = Answer(question, ABSTAIN, hits, abstained=True, support=support(ranked), technique=technique)
    elif technique == "extractive":
        reply = finish(question, extract(ranked), hits, technique=technique)
    else:
        shown = context_for(technique, hits, ranked)
        result = backend.chat(build_prompt(question, shown), max_tokens=max_tokens)
        reply = finish(question, result.text, shown, cut=result.finish_reason == "length", technique=technique,
                       result=result)
    reply.support, reply.latency_s = support(ranked), time.perf_counter() - started
    if on_text:
        on_text(reply.text)
    return reply


def finish(question: str, text: str, shown: list[Hit], *, cut: bool = False, technique: str = DEFAULT_TECHNIQUE,
           result=None) -> Answer:
    """A raw reply made an answer: trimmed to whole sentences, each sentence cited or dropped."""
    text, was_cut = trim_to_sentence(text, cut)
    if text.lower().startswith(ABSTAIN.lower()[:12]):  # the model itself said it does not know
        return Answer(question, ABSTAIN, shown, abstained=True, technique=technique, result=result)
    grounded = ground(dedupe(text), shown)
    if not grounded.citations:  # nothing it said is in the passages: better no answer than an unsupported one
        return Answer(question, ABSTAIN, shown, abstained=True, cut=was_cut, dropped=grounded.dropped,
                      technique=technique, result=result)
    final = f"{grounded.text} {CUT_NOTE}" if was_cut else grounded.text
    return Answer(question, final, shown, grounded.citations, cut=was_cut, dropped=grounded.dropped,
                  technique=technique, result=result)


def dedupe(text: str) -> str:
    """Drop repeated sentences (a small model's loop)."""
    from rag.sentences import split_sentences, words

    kept, seen = [], set()
    for sentence in split_sentences(text):
        key = " ".join(words(sentence))
        if key not in seen:
            seen.add(key)
            kept.append(sentence)
    return " ".join(kept)


def clean(text: str) -> str:
    """A reply without repeated sentences (kept for finetune_rag/'s tutor, which is not grounded sentence by
    sentence: its closing question quotes nothing)."""
    return dedupe(text.strip())


def closed_book(backend, question: str, *, max_tokens: int = MAX_TOKENS, on_text=None) -> Answer:
    """The baseline: the same model, no retrieval, trimmed to whole sentences like every answer."""
    started = time.perf_counter()
    result = backend.chat(closed_book_prompt(question), max_tokens=max_tokens)
    text, cut = trim_to_sentence(result.text, result.finish_reason == "length")
    text = dedupe(text) + (f" {CUT_NOTE}" if cut else "")
    if on_text:
        on_text(text)
    return Answer(question, text, [], cut=cut, latency_s=time.perf_counter() - started, result=result)
