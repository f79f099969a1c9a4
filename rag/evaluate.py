"""`python -m rag.evaluate [--limit N]`: the knowledge-base assistant measured on data/rag/qa.jsonl.

Measured in one run, each beside its baseline:
- retrieval recall@1, recall@5 and MRR for dense (the baseline), BM25 and hybrid;
- answer correctness (every required fact in the answer) with retrieval, beside closed-book;
- citation correctness (the cited chunks hold the facts) and how often the model wrote a citation itself;
- abstention precision and recall on the unanswerable questions, beside the model's own abstentions,
  with a sweep of the similarity threshold (the calibration);
- latency p50 and p95 of retrieval alone and of retrieval + answer.
Writes runs_dir()/eval/rag.json.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

from rag.answer import ABSTAIN_THRESHOLD, MAX_TOKENS, build_prompt, closed_book_prompt, context_hits, finish
from rag.retrieve import MODES, retrieve
from tailor.config import data_dir, runs_dir
from tailor.runfiles import read_jsonl, write_json

THRESHOLDS = [round(float(t), 3) for t in np.arange(0.30, 0.625, 0.025)]


def load_qa(path: Path | None = None, limit: int | None = None) -> list[dict]:
    """The QA items; --limit takes evenly spaced items so both answerable and unanswerable ones remain."""
    items = read_jsonl(path or data_dir() / "rag" / "qa.jsonl")
    if limit and limit < len(items):
        items = [items[int(i * len(items) / limit)] for i in range(limit)]
    return items


def has_facts(text: str, facts: list[str]) -> bool:
    """Every fact present (case-insensitive); a fact may list alternatives separated by '|'."""
    low = text.lower()
    return all(any(alt.lower() in low for alt in fact.split("|")) for fact in facts)


def gold(hit, item) -> bool:
    return hit.source.split("/", 1)[-1] in item["sources"]


def retrieval_metrics(store, items, k: int = 5) -> tuple[dict, dict, dict]:
    """Per mode: recall@1, recall@k (share of gold documents found), MRR; the hybrid hits and seconds per item."""
    answerable = [it for it in items if it["answerable"]]
    metrics, kept, seconds = {}, {}, {}
    for mode in MODES:
        r1, rk, rr, times = [], [], [], []
        for item in items:
            began = time.perf_counter()
            hits = retrieve(store, item["question"], k=k, mode=mode)
            times.append(time.perf_counter() - began)
            if mode == "hybrid":
                kept[item["id"]], seconds[item["id"]] = hits, times[-1]
            if not item["answerable"]:
                continue
            found = {h.source.split("/", 1)[-1] for h in hits}
            r1.append(len({hits[0].source.split("/", 1)[-1]} & set(item["sources"])) / len(item["sources"]))
            rk.append(len(found & set(item["sources"])) / len(item["sources"]))
            rr.append(next((1 / n for n, h in enumerate(hits, 1) if gold(h, item)), 0.0))
        metrics[mode] = {"recall@1": _mean(r1), f"recall@{k}": _mean(rk), "mrr": _mean(rr),
                         "latency_p50_s": _pct(times, 50), "latency_p95_s": _pct(times, 95),
                         "questions": len(answerable)}
    return metrics, kept, seconds


def generate(backend, conversations, what: str, batch: int = 8) -> list:
    """Replies through chat_batch (batched on the local model), `batch` at a time for a progress bar."""
    import sys

    from tqdm import tqdm

    replies = []
    for start in tqdm(range(0, len(conversations), batch), desc=what, unit="batch", file=sys.stderr):
        replies += backend.chat_batch(conversations[start:start + batch], max_tokens=MAX_TOKENS)
    return replies


def answer_metrics(items, hits_by_id, replies, threshold: float) -> tuple[dict, dict]:
    """Correctness, citations and abstention at one threshold, from replies generated without the gate."""
    answers = {}
    for item, reply in zip(items, replies, strict=True):
        shown = context_hits(hits_by_id[item["id"]])
        answers[item["id"]] = finish(item["question"], reply.text, shown, reply.latency_s)
    gated = {i: bool(a.support < threshold) for i, a in answers.items()}
    abstained = {i: bool(gated[i] or a.abstained) for i, a in answers.items()}
    answerable = [it for it in items if it["answerable"]]
    unanswerable = [it for it in items if not it["answerable"]]
    correct = [not abstained[it["id"]] and has_facts(answers[it["id"]].text, it["facts"]) for it in answerable]
    answered = [it for it in answerable if not abstained[it["id"]]]
    cited_ok = [has_facts(" ".join(c.hit.text for c in answers[it["id"]].citations), it["facts"])
                for it in answered]
    written = [any(c.written for c in answers[it["id"]].citations) for it in answered]
    return {"threshold": threshold, "answer_correctness": _mean(correct),
            "citation_correctness": _mean(cited_ok), "citations_written_by_model": _mean(written),
            **_abstention(abstained, answerable, unanswerable),
            "model_only_abstention": _abstention({i: a.abstained for i, a in answers.items()},
                                                 answerable, unanswerable)}, {i: (a, abstained[i]) for i, a in
                                                                             answers.items()}


def _abstention(abstained: dict, answerable, unanswerable) -> dict:
    true_pos = int(sum(abstained[it["id"]] for it in unanswerable))
    false_pos = int(sum(abstained[it["id"]] for it in answerable))
    return {"abstention_precision": true_pos / (true_pos + false_pos) if true_pos + false_pos else None,
            "abstention_recall": true_pos / len(unanswerable) if unanswerable else None,
            "answerable_abstained": false_pos}


def calibrate(items, hits_by_id, replies) -> list[dict]:
    """The threshold sweep: abstention and correctness at each threshold (the calibration table)."""
    rows = []
    for threshold in THRESHOLDS:
        metrics, _ = answer_metrics(items, hits_by_id, replies, threshold)
        rows.append({key: metrics[key] for key in ("threshold", "answer_correctness", "abstention_precision",
                                                   "abstention_recall", "answerable_abstained")})
    return rows


def _mean(values) -> float | None:
    return round(float(np.mean(values)), 4) if len(values) else None


def _pct(values, q) -> float | None:
    return round(float(np.percentile(values, q)), 4) if len(values) else None


def evaluate(backend, store, items, threshold: float = ABSTAIN_THRESHOLD, batch: int = 8) -> dict:
    retrieval, hits_by_id, seconds = retrieval_metrics(store, items)
    answerable = [it for it in items if it["answerable"]]
    print(f"retrieval done; generating {len(items)} grounded and {len(answerable)} closed-book answers", flush=True)
    grounded = generate(backend, [build_prompt(it["question"], context_hits(hits_by_id[it["id"]]))
                                  for it in items], "grounded", batch)
    closed = generate(backend, [closed_book_prompt(it["question"]) for it in answerable], "closed book", batch)
    with_rag, answers = answer_metrics(items, hits_by_id, grounded, threshold)
    with_rag["prompt_tokens"] = _mean([r.usage.prompt_tokens for r in grounded])  # per grounded answer
    with_rag["completion_tokens"] = _mean([r.usage.completion_tokens for r in grounded])
    closed_ok = {it["id"]: has_facts(r.text, it["facts"]) for it, r in zip(answerable, closed, strict=True)}
    # An abstention costs retrieval only; an answer adds its share of its chat_batch call.
    end_to_end = [seconds[i] + (0.0 if gated else a.latency_s) for i, (a, gated) in answers.items()]
    return {"retrieval": retrieval, "answers": with_rag,
            "closed_book": {"answer_correctness": _mean(list(closed_ok.values()))},
            "calibration": calibrate(items, hits_by_id, grounded),
            "latency": {"retrieval_p50_s": _pct(list(seconds.values()), 50),
                        "retrieval_p95_s": _pct(list(seconds.values()), 95),
                        "end_to_end_p50_s": _pct(end_to_end, 50), "end_to_end_p95_s": _pct(end_to_end, 95),
                        "note": "end to end = hybrid retrieval + the answer's share of its chat_batch call"},
            "per_item": [{"id": it["id"], "answerable": it["answerable"], "abstained": answers[it["id"]][1],
                          "answer": answers[it["id"]][0].text, "sources": answers[it["id"]][0].sources(),
                          "closed_book_correct": closed_ok.get(it["id"])} for it in items]}


def retrieval_only(store, items, started: float) -> int:
    metrics, _, _ = retrieval_metrics(store, items)
    report = {"demo": "rag", "retrieval": metrics, "items": len(items), "k": 5,
              "timestamp": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
              "wall_s": round(time.perf_counter() - started, 1)}
    for mode, m in metrics.items():
        print(f"{mode:<8} recall@1 {m['recall@1']:.3f}  recall@5 {m['recall@5']:.3f}  MRR {m['mrr']:.3f}  "
              f"p50 {m['latency_p50_s'] * 1000:.0f} ms")
    print(f"wrote {write_report(report, 'rag_retrieval.json')}")
    return 0


def write_report(report: dict, name: str = "rag.json") -> Path:
    """Atomic write of runs_dir()/eval/<name> (a temporary file, then a rename)."""
    return write_json(runs_dir() / "eval" / name, report, default=float)  # numpy scalars


def print_summary(report: dict) -> None:
    print(f"\n{'mode':<8}{'recall@1':>10}{'recall@5':>10}{'MRR':>8}{'p50 ms':>9}")
    for mode, m in report["retrieval"].items():
        print(f"{mode:<8}{m['recall@1']:>10.3f}{m['recall@5']:>10.3f}{m['mrr']:>8.3f}{m['latency_p50_s'] * 1000:>9.1f}")
    a, c = report["answers"], report["closed_book"]
    print(f"\nanswer correctness: with retrieval {a['answer_correctness']:.3f}  |  closed book "
          f"{c['answer_correctness']:.3f} (baseline)")
    print(f"citation correctness {a['citation_correctness']}, written by the model {a['citations_written_by_model']}")
    own = a["model_only_abstention"]
    print(f"abstention at threshold {a['threshold']}: precision {a['abstention_precision']}, recall "
          f"{a['abstention_recall']}  |  model alone: precision {own['abstention_precision']}, "
          f"recall {own['abstention_recall']} (baseline)")
    lat = report["latency"]
    print(f"latency p50/p95: retrieval {lat['retrieval_p50_s']:.3f}/{lat['retrieval_p95_s']:.3f} s, "
          f"end to end {lat['end_to_end_p50_s']:.2f}/{lat['end_to_end_p95_s']:.2f} s")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from tailor.cliutil import positive_int

    parser.add_argument("--limit", type=int, default=None, help="evaluate N evenly spaced questions only")
    parser.add_argument("--batch-size", type=positive_int, default=8,
                        help="questions per batched generate call (1 = one at a time)")
    parser.add_argument("--threshold", type=float, default=ABSTAIN_THRESHOLD, help="abstention threshold")
    parser.add_argument("--retrieval-only", action="store_true",
                        help="measure retrieval only (no model; writes rag_retrieval.json)")


def run(args) -> int:
    from rag.answer import REPETITION_PENALTY
    from rag.ingest import ingest
    from rag.store import open_store
    from tailor.cliutil import backend_from_args

    started = time.perf_counter()
    items = load_qa(limit=args.limit)
    store = open_store("rag_eval")
    store.delete([i for ids in store.ids_by_source().values() for i in ids])  # the evaluation's own collection:
    began = time.perf_counter()                                                # emptied, so ingest is timed whole
    print(ingest([data_dir() / "rag" / "kb"], store, progress=False).summary(), flush=True)
    ingest_s = round(time.perf_counter() - began, 2)
    if args.retrieval_only:
        return retrieval_only(store, items, started)
    backend = backend_from_args(args, repetition_penalty=REPETITION_PENALTY)
    report = evaluate(backend, store, items, threshold=args.threshold, batch=args.batch_size)
    report.update(demo="rag", backend=backend.name, model=backend.model, items=len(items), ingest_s=ingest_s,
                  answerable=sum(it["answerable"] for it in items), k=5,
                  timestamp=time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                  wall_s=round(time.perf_counter() - started, 1))
    print_summary(report)
    print(f"\nwrote {write_report(report)} in {report['wall_s']} s")
    return 0


def main(argv=None) -> int:
    from tailor.cliutil import evaluation_main

    return evaluation_main(sys.modules[__name__], argv)


if __name__ == "__main__":
    sys.exit(main())
