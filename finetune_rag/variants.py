"""The five variants and the one answer path they share: retrieve (or not), build the prompt, generate.

    base          the base model, prompting only (the tutor system prompt, no passages)
    ft            the plain tutor adapter from finetuning/ (runs/tutor/latest), no passages
    rag           the base model with the retrieved course-note passages
    ft+rag/tutor  the plain tutor adapter with the passages
    ft+rag        the grounded adapter (RAFT-style, runs/course/latest) with the passages

A variant is only two switches, retrieval on or off and which adapter, so the comparison measures those
and nothing else. Retrieval is rag/'s hybrid search over the course collection, then rag/'s extractive
step: every sentence of the passages is scored against the question (rag/extractive.py) and the model sees
only the SHORT_SENTENCES best ones, under their passage numbers (rag/answer.py `short_context`), because a
135M model reads three whole passages poorly. When even the best sentence supports the question too little
(below ABSTAIN_SUPPORT), the tutor abstains without generating: the gate, not the model, decides that
nothing in the notes answers. Generation is the backend's `chat_batch`, the same call for every variant.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from finetune_rag.course import COLLECTION, RUN_NAME, TUTOR_RUN_NAME
from finetune_rag.prompts import closed_book_messages, grounded_messages
from tailor.errors import UsageError

K = 3  # passages per question (the grounded adapter is trained on prompts with 3)
MODE = "hybrid"  # rag/'s dense + BM25 fused by reciprocal rank
MAX_TOKENS = 128  # the voice allows 80 words, about 110 tokens
REPETITION_PENALTY = 1.1  # the 135M model loops without it (servers decode their own way)
# The engine when --backend / TAILOR_BACKEND name none: transformers, as for rag/ (rag/answer.py ENGINE). With
# passages the prompt is what costs, and llama.cpp processes prompts slower here: on 16 questions, 2026-12-02,
# one thread each, ft+rag gave the same answers' scores on both engines (correct 29%, cited ok 57%, voice
# 100%) at 2.25 s an answer on local against 4.85 s on llamacpp (finetune_rag/README.md).
ENGINE = "local"
SHORT_SENTENCES = 4  # best sentences shown to the model (the RAFT set trains on the same layout)
# Best sentence's score (rag/extractive.py) below this: abstain. Chosen by balanced accuracy on the 80
# course questions (rag.evaluate's choose_threshold); the evaluation's abstention numbers come from a
# threshold chosen by cross-validation instead, never on the questions it is scored on.
ABSTAIN_SUPPORT = 0.47
QUOTE_SUPPORT = 0.9  # a reply sentence this close to a shown sentence is taken as a quote of it (restore_quotes)


@dataclass(frozen=True)
class Variant:
    name: str
    retrieval: bool
    run: str | None  # the training run whose `latest` adapter it loads; None = the base model
    label: str


VARIANTS = {v.name: v for v in [
    Variant("base", False, None, "base model, prompting only"),
    Variant("ft", False, TUTOR_RUN_NAME, "tutor adapter, no retrieval"),
    Variant("rag", True, None, "base model + retrieval"),
    Variant("ft+rag/tutor", True, TUTOR_RUN_NAME, "plain tutor adapter + retrieval"),
    Variant("ft+rag", True, RUN_NAME, "grounded (RAFT) adapter + retrieval"),
]}
TRAIN_COMMAND = {RUN_NAME: "tailor course train", TUTOR_RUN_NAME: "tailor tutor train"}


@dataclass
class Prepared:
    """One question made ready for one variant: the prompt and the passages it shows."""

    question: str
    messages: list[dict]
    hits: list = field(default_factory=list)  # the passages as shown (their best sentences), numbered 1..
    support: float | None = None  # the best sentence's score; None without retrieval
    abstain: bool = False  # the gate: nothing supports an answer, so no generation


@dataclass(frozen=True)
class Selection:
    """What rag/'s extractive step kept of the retrieved passages for one question."""

    shown: list  # Hits reduced to their best sentences, in order of their best sentence
    support: float  # the best sentence's score against the question (0 when there is none)


def variant(name: str) -> Variant:
    if name not in VARIANTS:
        raise UsageError(f"unknown variant {name!r}; choose one of: {', '.join(VARIANTS)}")
    return VARIANTS[name]


def adapter_path(chosen: Variant):
    """The adapter folder of a variant (None for the base model); missing is an error naming the command."""
    if chosen.run is None:
        return None
    from tailor.adapters import find

    found = find(chosen.run)  # the user's trained run first, else the one shipped in adapters/
    if found is None:
        raise UsageError(f"variant {chosen.name} needs the '{chosen.run}' adapter, which is not trained yet; "
                         f"run `{TRAIN_COMMAND[chosen.run]}` first")
    return found.path


def backend_for(chosen: Variant, args=None):
    """The backend a variant generates with: the configured one, with the variant's adapter."""
    from tailor.backends import get_backend

    name = getattr(args, "backend", None)
    return get_backend(name, default=ENGINE, **backend_options(chosen, name, getattr(args, "model", None)))


def backend_name(args=None) -> str:
    """The configured backend's name: the --backend flag, else TAILOR_BACKEND, else ENGINE."""
    from tailor.backends import chosen_backend

    return chosen_backend(getattr(args, "backend", None), getattr(args, "model", None), default=ENGINE).name


def backend_options(chosen: Variant, backend: str | None = None, model: str | None = None) -> dict:
    """What the variant changes in the backend: the adapter and nothing else (plus the repetition guard the
    135M model needs, which a server leaves to its own decoding)."""
    from tailor.backends import chosen_backend

    options = {"model": model, "adapter": None, "repetition_penalty": REPETITION_PENALTY}
    entry = chosen_backend(backend, model, default=ENGINE)
    if chosen.run is not None and "adapter" in entry.honours:
        options["adapter"] = adapter_path(chosen)
    elif chosen.run is not None and "adapter" not in entry.ignores:
        raise UsageError(f"variant {chosen.name} loads a LoRA adapter, which needs the local backend; "
                         "use --backend local or a variant without 'ft'")
    return options


def open_course_store():
    """The course collection; empty means nothing was ingested yet, which names the command to run."""
    from rag.store import open_store

    store = open_store(COLLECTION)
    if store.count() == 0:
        raise UsageError("the course notes are not ingested yet; run `tailor course ingest` first")
    return store


def retrieve_for(store, question: str, k: int = K) -> list:
    """rag/'s hybrid retrieval over the course collection (one call, shared by every retrieval variant)."""
    from rag.retrieve import retrieve

    return retrieve(store, question, k=k, mode=MODE)


def select(question: str, hits: list, embed=None, limit: int = SHORT_SENTENCES) -> Selection:
    """rag/'s sentence ranking over the passages and its short context (no copy of either here).
    `embed(texts)` gives unit vectors (the store's embedder); None ranks by words alone."""
    from rag.answer import short_context, support
    from rag.extractive import rank_sentences

    ranked = rank_sentences(question, hits, embed)
    return Selection(short_context(hits, ranked, limit), support(ranked))


def prepare(question: str, chosen: Variant, hits=None, *, selection: Selection | None = None, embed=None,
            abstain: bool | None = None) -> Prepared:
    """The prompt of one variant: the best sentences of the passages only when the variant retrieves.
    `abstain` overrides the gate (the evaluation passes its cross-validated decision)."""
    if not chosen.retrieval:
        return Prepared(question, closed_book_messages(question))
    if selection is None:
        if hits is None:
            raise ValueError("a retrieval variant needs the retrieved passages")
        selection = select(question, hits, embed)
    gate = (selection.support < ABSTAIN_SUPPORT) if abstain is None else abstain
    return Prepared(question, grounded_messages(question, selection.shown), list(selection.shown),
                    selection.support, gate or not selection.shown)


def generate(backend, prepared: list[Prepared], max_tokens: int = MAX_TOKENS):
    """One result per prepared question: the backend's batched generation, except where the gate abstains."""
    asked = [p for p in prepared if not p.abstain]
    results = iter(backend.chat_batch([p.messages for p in asked], max_tokens=max_tokens) if asked else [])
    return [abstained_result(backend) if p.abstain else next(results) for p in prepared]


def abstained_result(backend):
    """The tutor's abstention, as a result that cost no generation."""
    from finetune_rag.prompts import ABSTAIN_REPLY
    from tailor.backends.base import ChatResult, Usage

    return ChatResult(text=ABSTAIN_REPLY, usage=Usage(0, 0), latency_s=0.0, model=backend.model, backend="gate")


def answer(question: str, chosen: Variant, backend, store=None, k: int = K, max_tokens: int = MAX_TOKENS):
    """Answer one question with one variant: (ChatResult, Prepared)."""
    hits = retrieve_for(store, question, k) if chosen.retrieval else None
    ready = prepare(question, chosen, hits, embed=store.embed if hits is not None else None)
    return generate(backend, [ready], max_tokens)[0], ready


@dataclass
class Reply:
    """A reply as shown and scored: whole sentences, each fact sentence citing a passage that supports it."""

    text: str
    citations: list = field(default_factory=list)  # rag.citations.Citation, numbered as in the text
    cut: bool = False  # the reply reached max_tokens and lost its unfinished sentence
    replaced: bool = False  # nothing the model wrote was supported, so the tutor's fixed reply stands instead

    def cited_sources(self) -> list[str]:
        """The source of [1], [2], ... as the text numbers them."""
        return [c.hit.source for c in self.citations]


def final_reply(result, hits=None) -> Reply:
    """rag/'s rules on a tutor reply: trimmed to its last whole sentence (saying so), repeated sentences
    dropped, and with passages each sentence cited by one that supports it or dropped (rag/citations.py).
    The tutor's greeting, closing question and abstain sentence quote nothing, so they need no citation.
    A reply left with no supported sentence at all (empty, or only a greeting and a question) says so
    instead, as rag/ abstains then: a user should not get a blank or a content-free answer."""
    from finetune_rag.prompts import UNSUPPORTED_REPLY
    from finetune_rag.scoring import abstains
    from rag.answer import CUT_NOTE, dedupe
    from rag.citations import ground
    from rag.sentences import trim_to_sentence

    text, cut = trim_to_sentence(result.text, result.finish_reason == "length")
    text, citations = dedupe(text), []
    if hits:
        grounded = ground(restore_quotes(text, hits), hits, keep=tutor_frame)
        text, citations = grounded.text, grounded.citations
        if not citations and not abstains(text):
            return Reply(UNSUPPORTED_REPLY, replaced=True)
    return Reply(f"{text} {CUT_NOTE}" if cut else text, citations, cut)


def restore_quotes(text: str, hits) -> str:
    """Each reply sentence that is a near copy of one shown sentence (QUOTE_SUPPORT of its words and all of its
    numbers there) becomes that sentence word for word, with the reply's own citation. The grounded adapter is
    trained to quote; a 135M model's copy sometimes drops or swaps a word ("the upper fence is 39 - 18 = 21"
    from "the lower fence is 39 - 18 = 21 and the upper fence is 51 + 18 = 69"). The model still chooses what
    to quote; the notes supply the wording. A restored reply over the voice's word limit is left as it was."""
    from finetuning.voice import MAX_WORDS
    from rag.citations import with_marks
    from rag.sentences import CITATION, split_sentences, strip_citations, supports

    shown = [s.lstrip("-* ").strip() for hit in hits for s in split_sentences(hit.text)]
    restored = []
    for sentence in split_sentences(text):
        body = strip_citations(sentence)
        best = max(shown, key=lambda s: supports(body, s), default=None)
        if best is None or tutor_frame(sentence) or supports(body, best) < QUOTE_SUPPORT:
            restored.append(sentence)
        else:
            restored.append(with_marks(best, [f"[{n}]" for n in dict.fromkeys(CITATION.findall(sentence))]))
    joined = " ".join(restored)
    return joined if len(joined.split()) <= MAX_WORDS else text


def tutor_frame(sentence: str) -> bool:
    from finetune_rag.scoring import ABSTAIN_SENTENCE
    from finetuning.voice import GREETING

    sentence = sentence.strip()
    return sentence.startswith(GREETING) or sentence.endswith("?") or ABSTAIN_SENTENCE.lower() in sentence.lower()


def final_text(result) -> str:
    """The text of a reply without passages (whole sentences, no repeats)."""
    return final_reply(result).text
