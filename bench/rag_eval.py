"""The RAG evaluation's wall time before and after batched generation: same questions, same answers.

Before: one `generate` call per question (batch 1, no prompt cache), as every evaluation ran before
`chat_batch`. After: the evaluation's default, 8 questions per left-padded `generate` call. Both runs
answer the same questions on the same model with greedy decoding in this process, one after the other;
the bench prints both wall times, the ratio, and how many answers are identical.

    python bench/rag_eval.py              # all 96 questions (about 8 minutes on 2 idle cores)
    python bench/rag_eval.py --limit 24   # a quicker look
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

# `python bench/rag_eval.py` puts bench/ first on the path, where bench/rag.py would shadow the rag package.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
os.environ.setdefault("HF_HUB_OFFLINE", "1")


def timed_evaluation(batch: int, items, store) -> tuple[float, dict]:
    from rag.answer import REPETITION_PENALTY
    from rag.evaluate import evaluate
    from tailor.backends.local import LocalBackend

    backend = LocalBackend(repetition_penalty=REPETITION_PENALTY, prompt_cache=False)
    backend.chat("Hi", max_tokens=2)  # load before the clock starts: both runs time generation alone
    started = time.perf_counter()
    report = evaluate(backend, store, items, batch=batch)
    return time.perf_counter() - started, report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=None, help="N evenly spaced questions (default: all)")
    args = parser.parse_args()
    from rag.evaluate import load_qa
    from rag.ingest import ingest
    from rag.store import open_store
    from tailor.config import data_dir, quiet_libraries

    quiet_libraries()
    items = load_qa(limit=args.limit)
    store = open_store("rag_eval")
    ingest([data_dir() / "rag" / "kb"], store, progress=False)
    before_s, before = timed_evaluation(1, items, store)
    after_s, after = timed_evaluation(8, items, store)
    same = sum(a["answer"] == b["answer"] for a, b in zip(before["per_item"], after["per_item"], strict=True))
    print(f"\nRAG evaluation, {len(items)} questions ({len(items)} grounded + "
          f"{sum(it['answerable'] for it in items)} closed-book answers), local model, greedy")
    print(f"   before: one generate per question   {before_s:7.1f} s   1.00x")
    print(f"   after:  chat_batch, 8 per generate  {after_s:7.1f} s   {before_s / after_s:4.2f}x faster")
    print(f"   answers identical: {same}/{len(items)}; correctness {before['answers']['answer_correctness']} "
          f"before, {after['answers']['answer_correctness']} after")


if __name__ == "__main__":
    main()
