"""The knowledge-base assistant in `tailor tour`: ingest, one answer with citations, the same question closed-book."""

from __future__ import annotations

QUESTION = "How long are database backups kept?"


def run(args) -> str:
    from rag.answer import answer, closed_book
    from rag.cli import rag_backend
    from rag.ingest import ingest
    from rag.retrieve import retrieve
    from rag.store import open_store
    from tailor.config import data_dir

    store = open_store()
    stats = ingest([data_dir() / "rag" / "kb"], store, progress=False)
    print(stats.summary())
    backend = rag_backend(args)

    def show(piece):
        print(piece, end="", flush=True)

    print(f"Q: {QUESTION}\nA (with retrieval, quoting the best supporting sentence): ", end="")
    hits = retrieve(store, QUESTION, k=5)
    grounded = answer(backend, QUESTION, hits, embed=store.embed, on_text=show)
    print("\n" + grounded.sources())
    print("A (closed book): ", end="")
    baseline = closed_book(backend, QUESTION, max_tokens=40, on_text=show)
    print()
    return (f"{stats.total} chunks; answered from {grounded.citations[0].hit.source if grounded.citations else '-'} "
            f"in {grounded.latency_s:.1f} s (closed book {baseline.latency_s:.1f} s)")
