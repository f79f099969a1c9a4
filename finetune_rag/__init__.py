"""finetune_rag: the Brightpath tutor grounded in its course notes (fine-tuning + RAG). See README.md.

    from finetune_rag import ingest_course, train_course, answer, variant
    ingest_course()                                   # the notes into the 'course' Chroma collection
    run = train_course()                              # the grounded (RAFT-style) adapter
    result, ready = answer(question, variant("ft+rag"), backend, store)
"""

from finetune_rag.pipeline import ingest_course, train_course
from finetune_rag.variants import VARIANTS, answer, variant

__all__ = ["VARIANTS", "answer", "ingest_course", "train_course", "variant"]
