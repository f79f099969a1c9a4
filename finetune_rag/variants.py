"""The five variants and the one answer path they share: retrieve (or not), build the prompt, generate.

    base          the base model, prompting only (the tutor system prompt, no passages)
    ft            the plain tutor adapter from finetuning/ (runs/tutor/latest), no passages
    rag           the base model with the retrieved course-note passages
    ft+rag/tutor  the plain tutor adapter with the passages
    ft+rag        the grounded adapter (RAFT-style, runs/course/latest) with the passages

A variant is only two switches, retrieval on or off and which adapter, so the comparison measures those
and nothing else. Retrieval is rag/'s hybrid search over the course collection; generation is the
backend's `chat_batch`, the same call for every variant.
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
    hits: list = field(default_factory=list)


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
    return get_backend(name, **backend_options(chosen, name, getattr(args, "model", None)))


def backend_name(args=None) -> str:
    """The configured backend's name: the --backend flag, else TAILOR_BACKEND, else local."""
    from tailor.backends import chosen_backend

    return chosen_backend(getattr(args, "backend", None)).name


def backend_options(chosen: Variant, backend: str | None = None, model: str | None = None) -> dict:
    """What the variant changes in the backend: the adapter and nothing else (plus the repetition guard the
    135M model needs, which a server leaves to its own decoding)."""
    from tailor.backends import chosen_backend

    options = {"model": model, "adapter": None, "repetition_penalty": REPETITION_PENALTY}
    entry = chosen_backend(backend)
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


def prepare(question: str, chosen: Variant, hits=None) -> Prepared:
    """The prompt of one variant: the passages only when the variant retrieves."""
    if not chosen.retrieval:
        return Prepared(question, closed_book_messages(question))
    if hits is None:
        raise ValueError("a retrieval variant needs the retrieved passages")
    return Prepared(question, grounded_messages(question, hits), list(hits))


def generate(backend, prepared: list[Prepared], max_tokens: int = MAX_TOKENS):
    """One result per prepared question, through the backend's batched generation."""
    return backend.chat_batch([p.messages for p in prepared], max_tokens=max_tokens)


def answer(question: str, chosen: Variant, backend, store=None, k: int = K, max_tokens: int = MAX_TOKENS):
    """Answer one question with one variant: (ChatResult, Prepared)."""
    hits = retrieve_for(store, question, k) if chosen.retrieval else None
    ready = prepare(question, chosen, hits)
    return generate(backend, [ready], max_tokens)[0], ready


@dataclass
class Reply:
    """A reply as shown and scored: whole sentences, each fact sentence citing a passage that supports it."""

    text: str
    citations: list = field(default_factory=list)  # rag.citations.Citation, numbered as in the text
    cut: bool = False  # the reply reached max_tokens and lost its unfinished sentence

    def cited_sources(self) -> list[str]:
        """The source of [1], [2], ... as the text numbers them."""
        return [c.hit.source for c in self.citations]


def final_reply(result, hits=None) -> Reply:
    """rag/'s rules on a tutor reply: trimmed to its last whole sentence (saying so), repeated sentences
    dropped, and with passages each sentence cited by one that supports it or dropped (rag/citations.py).
    The tutor's greeting, closing question and abstain sentence quote nothing, so they need no citation."""
    from rag.answer import CUT_NOTE, dedupe
    from rag.citations import ground
    from rag.sentences import trim_to_sentence

    text, cut = trim_to_sentence(result.text, result.finish_reason == "length")
    text, citations = dedupe(text), []
    if hits:
        grounded = ground(text, hits, keep=tutor_frame)
        text, citations = grounded.text, grounded.citations
    return Reply(f"{text} {CUT_NOTE}" if cut else text, citations, cut)


def tutor_frame(sentence: str) -> bool:
    from finetune_rag.scoring import ABSTAIN_SENTENCE
    from finetuning.voice import GREETING

    sentence = sentence.strip()
    return sentence.startswith(GREETING) or sentence.endswith("?") or ABSTAIN_SENTENCE.lower() in sentence.lower()


def final_text(result) -> str:
    """The text of a reply without passages (whole sentences, no repeats)."""
    return final_reply(result).text
