"""The knowledge-base tab: one question, four ways, on the ES-101 course notes (data/finetune_rag/course).

    closed book        the base model alone                      finetune_rag variant `base`
    RAG                the base model + the retrieved passages   variant `rag`
    tutor adapter      the tutor LoRA, no passages               variant `ft`
    fine-tuning + RAG  the grounded LoRA + the passages          variant `ft+rag`

Each column is `tailor course ask --variant ...`'s own path (finetune_rag/variants.py: rag/'s hybrid
retrieval, the abstain gate, one generation, then rag/'s citation rules); the passages are retrieved once
and shared. A citation [n] links to the passage it points at, shown in full under the answer.
"""

from __future__ import annotations

from playground import inputs
from playground.events import measured

COLUMNS = [("base", "closed book"), ("rag", "RAG"), ("ft", "tutor adapter"), ("ft+rag", "fine-tuning + RAG")]
EXAMPLE = "What is the upper fence for the croissant sales?"
MAX_QUESTION_CHARS = 1000  # `tailor course ask`'s limit


def check(body: dict) -> str:
    from rag.retrieve import check_question

    return inputs.checked(check_question, inputs.text(body, "question", MAX_QUESTION_CHARS))


def run(question: str, ctx, emit) -> None:
    from finetune_rag import variants as v

    emit.columns((key, title, v.variant(key).label) for key, title in COLUMNS)
    emit("progress", message="opening the course notes")
    store = course_store(emit)
    emit("progress", message="retrieving passages (hybrid: vectors + BM25)")
    hits = v.retrieve_for(store, question)
    for key, _ in COLUMNS:
        chosen = v.variant(key)
        measured(emit, key, lambda chosen=chosen: backend_for(chosen, ctx),
                 lambda meter, chosen=chosen: answer(question, chosen, meter, hits, store))


def course_store(emit):
    """The course collection, ingested on first use (seconds), as `tailor tour` does."""
    from finetune_rag import variants as v
    from finetune_rag.course import COLLECTION
    from finetune_rag.pipeline import ingest_course
    from rag.store import open_store

    if open_store(COLLECTION).count() == 0:
        emit("progress", message="ingesting the course notes (first run only)")
        ingest_course(progress=False)
    return v.open_course_store()


def backend_for(chosen, ctx):
    """The configured backend with the variant's adapter; an adapter on a backend without LoRA is its error."""
    from finetune_rag import variants as v

    options = v.backend_options(chosen, ctx.backend, ctx.model)
    options.pop("model")
    return ctx.make_backend(**{k: value for k, value in options.items() if value is not None})


def answer(question: str, chosen, meter, hits, store) -> dict:
    from finetune_rag import variants as v

    ready = v.prepare(question, chosen, hits if chosen.retrieval else None, embed=store.embed)
    reply = v.final_reply(v.generate(meter, [ready])[0], ready.hits)
    whole = {hit.id: hit.text for hit in hits}  # the passage as stored, not only the sentences shown
    citations = [{"number": c.number, "label": c.hit.label(), "source": c.hit.source, "written": c.written,
                  "text": whole.get(c.hit.id, c.hit.text)} for c in reply.citations]
    note = ("abstained: nothing in the notes supports an answer" if ready.abstain
            else "no retrieval, so no sources" if not chosen.retrieval else "")
    return {"text": reply.text, "citations": citations, "note": note,
            "support": None if ready.support is None else round(ready.support, 3)}
