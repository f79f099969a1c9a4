"""rag: the internal knowledge-base assistant (retrieval-augmented generation on Chroma). See README.md.

The public API, stable for other packages (finetune_rag/ ingests its own collection through it):

    from rag.store import open_store              # open_store(collection_name, chroma_url=None) -> Store
    from rag.ingest import ingest                 # ingest(paths, store, prune=False, progress=True) -> IngestStats
    from rag.retrieve import retrieve, Hit        # retrieve(store, question, k=5, mode="hybrid") -> list[Hit]
    from rag.answer import build_prompt, answer   # build_prompt(question, hits);
                                                  # answer(backend, question, hits, embed=store.embed, technique=...)
    from rag.citations import ground              # ground(reply, hits): each sentence cited by its passage

Nothing heavy is imported here, so `tailor --help` stays instant.
"""
