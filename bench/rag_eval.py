"""The RAG evaluation's wall time before and after batched generation: same questions, same answers.

Before: one `generate` call per question (batch 1, no prompt cache), as every evaluation ran before
`chat_batch`. After: the evaluation's default, 8 questions per left-padded `generate` call. Then the same
batched run with int4 weights (`TAILOR_QUANTIZE=int4`), whose numerics differ. All runs answer the same
questions with greedy decoding in this process, one after the other; the bench prints the wall times, the
ratios, how many answers are identical to the float32 ones, and each run's answer correctness.

    python bench/rag_eval.py              # all 96 questions (about 8 minutes on 2 idle cores)
    python bench/rag_eval.py --limit 24   # a quicker look
"""

from __future__ import annotations

import argparse
import os
import time

os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
os.environ.setdefault("HF_HUB_OFFLINE", "1")


def timed_evaluation(batch: int, items, store, quantize: str | None = None) -> tuple[float, dict]:
    from rag.answer import REPETITION_PENALTY
    from rag.evaluate import evaluate
    from tailor.backends.local import LocalBackend

    backend = LocalBackend(repetition_penalty=REPETITION_PENALTY, prompt_cache=False, quantize=quantize)
    backend.chat("Hi", max_tokens=2)  # load before the clock starts: both runs time generation alone
    started = time.perf_counter()
    report = evaluate(backend, store, items, batch=batch, techniques=("generative",))  # the one that generates
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
    int4_s, int4 = timed_evaluation(8, items, store, quantize="int4")
    print(f"\nRAG evaluation, {len(items)} questions ({len(items)} grounded + "
          f"{sum(it['answerable'] for it in items)} closed-book answers), local model, greedy")
    rows = [("before: one generate per question", before_s, before),
            ("after:  chat_batch, 8 per generate", after_s, after),
            ("after, with int4 weights", int4_s, int4)]
    for label, seconds, report in rows:
        same = sum(a["generative"]["answer"] == b["generative"]["answer"]
                   for a, b in zip(before["per_item"], report["per_item"], strict=True))
        print(f"   {label:<36} {seconds:7.1f} s   {before_s / seconds:5.2f}x   answers identical {same}/{len(items)}"
              f"   correctness {report['answers']['answer_correctness']}")

if __name__ == "__main__":
    main()
