"""`tailor kb ingest [PATH ...]` and `tailor kb ask "QUESTION"`: the knowledge-base assistant's commands.

Light at import time (no chromadb, torch or transformers here), so `tailor --help` stays instant.
"""

from __future__ import annotations

import argparse
import sys

from tailor.cliutil import positive_int

TECHNIQUES = ("extractive", "generative", "rerank", "short-context")  # rag.answer.TECHNIQUES, without its imports


def add_commands(subparsers, common) -> None:
    kb = subparsers.add_parser("kb", help="knowledge-base assistant (RAG on Chroma): ingest, ask")
    commands = kb.add_subparsers(dest="kb_command", metavar="ACTION", required=True)
    store = argparse.ArgumentParser(add_help=False)
    store.add_argument("--collection", default=None, help="Chroma collection (default knowledge_base)")
    store.add_argument("--chroma-url", default=None,
                       help="a Chroma server, http://HOST:PORT (env CHROMA_HOST/CHROMA_PORT; default: embedded "
                            "store under TAILOR_HOME/chroma)")

    ingest = commands.add_parser("ingest", parents=[store], help="read, chunk, embed and upsert documents")
    ingest.add_argument("paths", nargs="*", help="files or folders (.md, .txt, .pdf; default data/rag/kb)")
    ingest.add_argument("--prune", action="store_true", help="remove chunks of files that no longer exist")
    ingest.set_defaults(func=run_ingest)

    ask = commands.add_parser("ask", parents=[common, store], help="answer from the knowledge base, with citations")
    ask.add_argument("question", help="the question ('-' reads standard input)")
    ask.add_argument("--k", type=positive_int, default=5, help="chunks to retrieve, 1 to 50 (default 5)")
    ask.add_argument("--mode", choices=("dense", "bm25", "hybrid"), default="hybrid",
                     help="retrieval: dense (vectors), bm25 (keywords) or hybrid (both, fused; default)")
    ask.add_argument("--technique", choices=TECHNIQUES, default="extractive",
                     help="extractive: quote the best supporting sentences (default, no model call); generative, "
                          "rerank, short-context: the model writes the answer (see rag/README.md)")
    ask.add_argument("--closed-book", action="store_true", help="answer without retrieval, for comparison")
    ask.add_argument("--show-context", action="store_true", help="print the retrieved chunks too")
    ask.set_defaults(func=run_ask)


def open_from_args(args):
    from rag.store import DEFAULT_COLLECTION, open_store

    return open_store(args.collection or DEFAULT_COLLECTION, chroma_url=args.chroma_url)


def run_ingest(args) -> int:
    from rag.ingest import ingest
    from rag.loaders import check_paths
    from tailor.config import data_dir

    paths = args.paths or [str(data_dir() / "rag" / "kb")]
    check_paths(paths)  # before the store exists: a refused path writes nothing
    stats = ingest(paths, open_from_args(args), prune=args.prune, progress=True)
    print(stats.summary())
    return 0


def rag_backend(args):
    """The chosen backend (else rag's engine, answer.ENGINE), with the repetition guard a 135M model needs."""
    from rag.answer import ENGINE, REPETITION_PENALTY
    from tailor.cliutil import backend_from_args

    return backend_from_args(args, default=ENGINE, repetition_penalty=REPETITION_PENALTY)


def quiet_progress() -> None:
    """No library progress bars in an answer's output ("Loading weights ..."): transformers reads this
    setting when it is first imported, which in `kb ask` is later than here."""
    import os

    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")


def run_ask(args) -> int:
    from rag.answer import answer, closed_book
    from rag.retrieve import check_k, check_question, retrieve
    from tailor.cliutil import read_prompt

    quiet_progress()
    question = check_question(read_prompt(args.question, what="question", limit=100_000))
    check_k(args.k)
    if args.closed_book:
        reply = closed_book(rag_backend(args), question)
        print(reply.text)
        print(f"(closed book: no retrieval, no sources) [{reply.latency_s:.1f} s]", file=sys.stderr)
        return 0
    store = open_from_args(args)
    hits = retrieve(store, question, k=args.k, mode=args.mode)
    if args.show_context:
        for n, hit in enumerate(hits, 1):
            print(f"--- {n}. {hit.label()} (score {hit.score:.3f}, similarity {hit.similarity:.2f})\n{hit.text}")
        print("---")
    backend = rag_backend(args) if args.technique != "extractive" else None  # extractive needs no model
    reply = answer(backend, question, hits, embed=store.embed, technique=args.technique)
    print(reply.text)
    if reply.citations:
        print(reply.sources())
    note = "abstained: " if reply.abstained else ""
    print(f"[{note}support {reply.support:.2f}, {args.technique}, {args.mode} retrieval, {reply.latency_s:.1f} s]",
          file=sys.stderr)
    return 0
