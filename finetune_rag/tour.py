"""The tour's stop for fine-tuning + RAG: one course question through every variant that is ready.

Ingests the course notes when the collection is empty (seconds). The adapters are not trained here (the
fine-tuning stop shows training); a variant whose adapter is missing is listed with the command to train it.
"""

from __future__ import annotations

from finetune_rag import variants as v
from finetune_rag.scoring import citation_correct, has_facts, voice
from tailor.errors import UsageError

QUESTION = "What is the upper fence for the croissant sales?"
FACTS, SOURCES = ["69"], ["09-outliers-and-fences.md"]
ORDER = ["base", "ft", "rag", "ft+rag"]


def ensure_ingested():
    from finetune_rag.course import COLLECTION
    from finetune_rag.pipeline import ingest_course
    from rag.store import open_store

    if open_store(COLLECTION).count() == 0:
        print(ingest_course(progress=False).summary())
    return v.open_course_store()


def run(args) -> str:
    store = ensure_ingested()
    hits = v.retrieve_for(store, QUESTION)
    print(f"Q: {QUESTION}  (the notes say: 69 croissants, section 09)")
    scores = []
    for name in ORDER:
        chosen = v.variant(name)
        try:
            backend = v.backend_for(chosen, args)
        except UsageError as missing:
            print(f"  {name:<7} skipped: {missing}")
            continue
        ready = v.prepare(QUESTION, chosen, hits if chosen.retrieval else None, embed=store.embed)
        reply = v.final_reply(v.generate(backend, [ready], max_tokens=96)[0], ready.hits)
        text = reply.text
        marks = (has_facts(text, FACTS), all(voice(QUESTION, text).values()),
                 bool(ready.hits) and citation_correct(text, reply.cited_sources(), SOURCES))
        scores.append((name, marks))
        print(f"  {name:<7} [facts {'ok' if marks[0] else 'no'}, voice {'ok' if marks[1] else 'no'}, "
              f"cites {'ok' if marks[2] else 'no'}] {' '.join(text.split())[:220]}")
    return f"{len(scores)} variants answered one course question: " + ", ".join(
        f"{name}{' (baseline)' if name == 'base' else ''} {what_worked(marks)}" for name, marks in reversed(scores))


def what_worked(marks) -> str:
    """(facts, voice, citation) -> "facts+voice+citation", or "nothing"."""
    return "+".join(word for word, ok in zip(("facts", "voice", "citation"), marks, strict=True) if ok) or "nothing"
