"""Benchmark of the knowledge-base assistant, each number beside its baseline measured in the same run.

- ingest throughput (chunks per second) of data/rag/kb, beside embedding alone (the floor ingest sits on);
- retrieval latency p50/p95 of hybrid retrieval at 1k, 10k and 100k synthetic chunks, beside dense alone
  (how it grows: BM25 scoring is linear in the vocabulary hits, HNSW roughly logarithmic);
- end-to-end answer latency (retrieval + one answer on the local model), hybrid beside dense.

    python bench/rag_speed.py                  # sizes 1000 10000 100000
    python bench/rag_speed.py --sizes 1000     # quick
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time

import numpy as np

os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
QUERIES = 20
WORDS = [f"w{i}" for i in range(5000)]  # synthetic vocabulary


def pct(values, q) -> float:
    return float(np.percentile(values, q))


def bench_ingest() -> None:
    from rag.chunking import chunk_document
    from rag.ingest import ingest
    from rag.loaders import find_files, read_document
    from rag.store import open_store
    from tailor.config import data_dir

    kb = data_dir() / "rag" / "kb"
    store = open_store("bench_ingest")
    store.embed(["warm up"])  # load the model outside the timings
    texts = [c.embedding_text() for path, source in find_files([kb])
             for c in chunk_document(read_document(path), source)]
    began = time.perf_counter()
    store.embed(texts)
    embed_rate = len(texts) / (time.perf_counter() - began)
    began = time.perf_counter()
    stats = ingest([kb], store, progress=False)
    ingest_rate = stats.added / (time.perf_counter() - began)
    print(f"ingest: {ingest_rate:.0f} chunks/s  |  embedding alone {embed_rate:.0f} chunks/s (baseline)  "
          f"ratio {ingest_rate / embed_rate:.2f}")


def synthetic_store(size: int, rng):
    from rag.store import open_store

    store = open_store(f"bench_{size}")
    dim = store.embed(["probe"]).shape[1]
    for start in range(0, size, 5000):
        n = min(5000, size - start)
        vectors = rng.normal(size=(n, dim)).astype(np.float32)
        vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
        texts = [" ".join(rng.choice(WORDS, size=40)) for _ in range(n)]
        store.upsert([f"c{start + i}" for i in range(n)], texts,
                     [{"source": f"doc{(start + i) // 10}.md", "headings": ""} for i in range(n)], vectors=vectors)
    return store


def bench_retrieval(sizes, rng) -> None:
    """Search time with the question already embedded (embedding one question costs the same at any size)."""
    from rag.retrieve import CANDIDATES, dense, fuse, keyword

    def hybrid(store, question, vector):
        return fuse([dense(store, vector, CANDIDATES), keyword(store, question, CANDIDATES)], 5)

    print(f"\n{'chunks':>8}{'hybrid p50 ms':>15}{'p95':>8}{'dense p50 ms':>14}{'p95':>8}{'ratio p50':>11}")
    for size in sizes:
        store = synthetic_store(size, rng)
        questions = [" ".join(rng.choice(WORDS, size=6)) for _ in range(QUERIES)]
        vectors = store.embed(questions)
        hybrid(store, questions[0], vectors[0])  # builds the BM25 index once, outside the timings
        times = {"hybrid": [], "dense": []}
        for question, vector in zip(questions, vectors, strict=True):
            for mode in times:
                began = time.perf_counter()
                hybrid(store, question, vector) if mode == "hybrid" else dense(store, vector, 5)
                times[mode].append((time.perf_counter() - began) * 1000)
        h, d = times["hybrid"], times["dense"]
        print(f"{size:>8}{pct(h, 50):>15.1f}{pct(h, 95):>8.1f}{pct(d, 50):>14.1f}{pct(d, 95):>8.1f}"
              f"{pct(h, 50) / pct(d, 50):>11.2f}")


def bench_end_to_end() -> None:
    from rag.answer import REPETITION_PENALTY, answer
    from rag.ingest import ingest
    from rag.retrieve import retrieve
    from rag.store import open_store
    from tailor.backends.local import LocalBackend
    from tailor.config import data_dir

    store = open_store("bench_ingest")
    ingest([data_dir() / "rag" / "kb"], store, progress=False)
    backend = LocalBackend(repetition_penalty=REPETITION_PENALTY)
    backend.chat("warm up", max_tokens=4)
    question = "How long are database backups kept?"
    for technique in ("extractive", "generative"):  # the default beside the model writing the answer
        times = []
        for _ in range(3):
            began = time.perf_counter()
            answer(backend, question, retrieve(store, question, k=5), embed=store.embed, technique=technique)
            times.append(time.perf_counter() - began)
        print(f"end to end ({technique}, hybrid): p50 {pct(times, 50):.2f} s over {len(times)} answers")


def main() -> None:
    parser = argparse.ArgumentParser(description="RAG benchmark")
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 100000])
    parser.add_argument("--skip-answer", action="store_true", help="skip the end-to-end answers")
    args = parser.parse_args()
    from tailor.config import home, quiet_libraries

    # A throwaway store; the converted model cache stays where it is (converting again takes ~20 s).
    os.environ.setdefault("TAILOR_MODEL_CACHE", str(home() / "models"))
    with tempfile.TemporaryDirectory() as scratch:
        os.environ["TAILOR_HOME"] = scratch

        quiet_libraries()
        bench_ingest()
        bench_retrieval(args.sizes, np.random.default_rng(0))
        if not args.skip_answer:
            bench_end_to_end()


if __name__ == "__main__":
    main()
