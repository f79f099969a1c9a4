"""Answering: the grounded prompt, abstention when retrieval is weak, and numbered citations.

    hits = retrieve(store, question)
    reply = answer(backend, question, hits)       # Answer(text, citations, abstained, support, ...)
    print(reply.text); print(reply.sources())

Abstention is decided before generation, from retrieval alone: if the best hit's cosine similarity to the
question is below `threshold` (calibrated on data/rag/qa.jsonl by rag.evaluate), the knowledge base does
not support an answer and the model is not asked at all. Citations are the [n] markers the model wrote;
a small model often writes none, and then the answer is attributed to the passage sharing the most words
with it (marked "attributed"), so every answer still points at its source.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field

from rag.prompts import ABSTAIN, CLOSED_BOOK_SYSTEM, SYSTEM, documents_block, user_message
from rag.retrieve import Hit, check_question

ABSTAIN_THRESHOLD = 0.45  # best-hit cosine similarity below this: abstain (see README for the measurement)
CONTEXT_HITS = 2  # passages shown to the model: fewer, shorter passages suit a 135M model
MAX_TOKENS = 48  # one sentence; also bounds a loop
# transformers' repetition_penalty also penalizes every prompt token, i.e. the very facts to copy from the
# passages: with 1.15 the 135M model answered 0 of 6 sample questions, without it 3 of 6. Loops are cut by
# clean() and max_tokens instead.
REPETITION_PENALTY = None


@dataclass
class Citation:
    number: int
    hit: Hit
    written: bool  # True: the model wrote [n]; False: attributed by word overlap


@dataclass
class Answer:
    question: str
    text: str
    hits: list[Hit]
    citations: list[Citation] = field(default_factory=list)
    abstained: bool = False
    support: float = 0.0  # best hit's similarity
    latency_s: float = 0.0
    result: object = None  # the backend's ChatResult, when one was made

    def sources(self) -> str:
        """The lines printed under an answer: [n] source § heading."""
        return "\n".join(f"[{c.number}] {c.hit.label()}" + ("" if c.written else " (attributed)")
                         for c in self.citations)


def context_hits(hits: list[Hit], limit: int = CONTEXT_HITS) -> list[Hit]:
    return hits[:limit]


def build_prompt(question: str, hits: list[Hit], system: str = SYSTEM) -> list[dict]:
    """The chat messages for a grounded answer: the rules, then the documents as data, then the question.

    `system` replaces the rules, for an app with its own voice (finetune_rag/'s tutor)."""
    question = check_question(question)
    block = documents_block([h.text for h in hits], [h.label() for h in hits])
    return [{"role": "system", "content": system}, {"role": "user", "content": user_message(question, block)}]


def closed_book_prompt(question: str) -> list[dict]:
    return [{"role": "system", "content": CLOSED_BOOK_SYSTEM},
            {"role": "user", "content": check_question(question)}]


def support(hits: list[Hit]) -> float:
    return max((h.similarity for h in hits), default=0.0)


def should_abstain(hits: list[Hit], threshold: float = ABSTAIN_THRESHOLD) -> bool:
    return support(hits) < threshold


def answer(backend, question: str, hits: list[Hit], *, threshold: float = ABSTAIN_THRESHOLD,
           max_tokens: int = MAX_TOKENS, on_text=None) -> Answer:
    """Answer from the hits (or abstain). `on_text(piece)` receives the answer as it streams."""
    started = time.perf_counter()
    shown = context_hits(hits)
    if should_abstain(shown, threshold):
        if on_text:
            on_text(ABSTAIN)
        return Answer(question, ABSTAIN, shown, abstained=True, support=support(shown),
                      latency_s=time.perf_counter() - started)
    messages = build_prompt(question, shown)
    if on_text:
        text, result = "", None
        for piece in backend.stream(messages, max_tokens=max_tokens):
            on_text(piece)
            text += piece
    else:
        result = backend.chat(messages, max_tokens=max_tokens)
        text = result.text
    return finish(question, text, shown, time.perf_counter() - started, result)


def finish(question: str, text: str, shown: list[Hit], latency_s: float, result=None) -> Answer:
    """Clean a raw reply and attach its citations (also used on chat_batch results by the evaluation)."""
    text = clean(text)
    said_no = text.lower().startswith(ABSTAIN.lower()[:12])
    return Answer(question, text, shown, citations=[] if said_no else cite(text, shown), abstained=said_no,
                  support=support(shown), latency_s=latency_s, result=result)


def clean(text: str) -> str:
    """Drop repeated sentences (a small model's loop) and surrounding space."""
    kept, seen = [], set()
    for sentence in re.split(r"(?<=[.!?])\s+", text.strip()):
        key = re.sub(r"\W+", " ", sentence.lower()).strip()
        if key and key not in seen:
            seen.add(key)
            kept.append(sentence)
    return " ".join(kept).strip()


def cite(text: str, hits: list[Hit]) -> list[Citation]:
    """The [n] the model wrote (valid numbers only), else the passage with the most shared words."""
    numbers = sorted({int(n) for n in re.findall(r"\[(\d+)\]", text) if 1 <= int(n) <= len(hits)})
    if numbers:
        return [Citation(n, hits[n - 1], True) for n in numbers]
    if not hits or not text:
        return []
    words = set(re.findall(r"\w+", text.lower()))
    overlap = [len(words & set(re.findall(r"\w+", h.text.lower()))) for h in hits]
    best = max(range(len(hits)), key=lambda i: (overlap[i], -i))
    return [Citation(best + 1, hits[best], False)]


def closed_book(backend, question: str, *, max_tokens: int = MAX_TOKENS, on_text=None) -> Answer:
    """The baseline: the same model, no retrieval."""
    started = time.perf_counter()
    messages = closed_book_prompt(question)
    text = ""
    for piece in backend.stream(messages, max_tokens=max_tokens):
        if on_text:
            on_text(piece)
        text += piece
    return Answer(question, clean(text), [], latency_s=time.perf_counter() - started)
