"""`python -m rag.evaluate [--limit N]`: the knowledge-base assistant measured on data/rag/qa.jsonl.

Measured in one run, each beside its baseline:
- retrieval recall@1, recall@5 and MRR for dense (the baseline), BM25 and hybrid;
- per answer technique (rag/answer.py: extractive, generative, rerank, short-context), one row each:
  answer correctness (every required fact in the answer), citation correctness (the cited passages hold the
  facts), answers cut at the token limit, reply sentences dropped as unsupported, latency; beside closed-book;
- abstention precision and recall on the unanswerable questions. The threshold is chosen by 5-fold
  cross-validation: each question is gated by a threshold chosen on the other four folds, so no question
  is scored by a threshold fitted to it. `--threshold T` uses T instead (a corpus nobody tuned on).
Writes runs_dir()/eval/rag.json.

    python -m rag.evaluate                                          # the bundled knowledge base
    python -m rag.evaluate --kb data/rag/heldout/kb --qa data/rag/heldout/qa.jsonl --threshold 0.53
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

from rag.answer import (
    ABSTAIN,
    ABSTAIN_THRESHOLD,
    MAX_TOKENS,
    TECHNIQUES,
    Answer,
    build_prompt,
    closed_book_prompt,
    context_for,
    finish,
    support,
)
from rag.extractive import extract, rank_sentences
from rag.retrieve import MODES, retrieve
from rag.sentences import trim_to_sentence
from tailor.config import data_dir, runs_dir
from tailor.runfiles import read_jsonl, write_json

FOLDS = 5
SEED = 0  # the fold assignment


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


def document(source: str, item) -> str | None:
    """The item's source document this chunk source is, if any ("kb/it/vpn.md" is "it/vpn.md")."""
    return next((s for s in item["sources"] if source == s or source.endswith("/" + s)), None)


def gold(hit, item) -> bool:
    return document(hit.source, item) is not None


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
            found = {document(h.source, item) for h in hits} - {None}
            r1.append((document(hits[0].source, item) is not None) / len(item["sources"]))
            rk.append(len(found) / len(item["sources"]))
            rr.append(next((1 / n for n, h in enumerate(hits, 1) if gold(h, item)), 0.0))
        metrics[mode] = {"recall@1": _mean(r1), f"recall@{k}": _mean(rk), "mrr": _mean(rr),
                         "latency_p50_s": _pct(times, 50), "latency_p95_s": _pct(times, 95),
                         "questions": len(answerable)}
    return metrics, kept, seconds


def rank_all(store, items, hits_by_id) -> tuple[dict, dict]:
    """Every question's sentences ranked (one embedding call each) and the seconds it took."""
    ranked, seconds = {}, {}
    for item in items:
        began = time.perf_counter()
        ranked[item["id"]] = rank_sentences(item["question"], hits_by_id[item["id"]], store.embed)
        seconds[item["id"]] = time.perf_counter() - began
    return ranked, seconds


# --- the abstention threshold, chosen on other questions than it gates -------------------------------------

def choose_threshold(scores: list[float], answerable: list[bool]) -> float:
    """The threshold with the best balanced accuracy (answer the answerable, abstain on the rest), placed
    midway between two neighbouring scores."""
    values = sorted(set(scores))
    cuts = [values[0] - 1e-3] + [(a + b) / 2 for a, b in zip(values, values[1:], strict=False)]
    pos = [s for s, a in zip(scores, answerable, strict=True) if a]
    neg = [s for s, a in zip(scores, answerable, strict=True) if not a]

    def balanced(t):
        kept = np.mean([s >= t for s in pos]) if pos else 0.0
        refused = np.mean([s < t for s in neg]) if neg else 0.0
        return (kept + refused) / 2

    return round(float(max(cuts, key=lambda t: (balanced(t), -abs(t - ABSTAIN_THRESHOLD)))), 4)


def held_out_threshold(held_out: list[tuple[float, bool]]) -> float | None:
    """The threshold chosen on (support, answerable) of the questions a subset (--limit) left out; None
    unless they hold both kinds. Folds inside a subset of 10 or 12 questions hold 8 to 10, too few to place a
    threshold (finetune_rag's 10-question folds chose 0.69 to 0.72 on 2026-12-08, where its 80 give 0.46)."""
    if len({answerable for _, answerable in held_out}) < 2:
        return None
    return choose_threshold([s for s, _ in held_out], [a for _, a in held_out])


def left_out_support(store, items, everything) -> list[tuple[float, bool]]:
    """(support, answerable) of each question of `everything` not in `items`: retrieval and ranking, no model."""
    asked = {it["id"] for it in items}
    return [(support(rank_sentences(it["question"], retrieve(store, it["question"], k=5, mode="hybrid"),
                                    store.embed)), it["answerable"])
            for it in everything if it["id"] not in asked]


def cross_validated_gate(items, scores: dict, folds: int = FOLDS) -> tuple[dict, list[float]]:
    """Each item's abstain decision from a threshold chosen on the other folds; the folds' thresholds."""
    order = np.random.default_rng(SEED).permutation(len(items))
    fold_of = {items[i]["id"]: n % folds for n, i in enumerate(order)}
    gate, thresholds = {}, []
    for fold in range(folds):
        train = [it for it in items if fold_of[it["id"]] != fold]
        if not train:
            continue
        t = choose_threshold([scores[it["id"]] for it in train], [it["answerable"] for it in train])
        thresholds.append(t)
        gate.update({it["id"]: scores[it["id"]] < t for it in items if fold_of[it["id"]] == fold})
    return gate, thresholds


# --- the answers of each technique ------------------------------------------------------------------------

def technique_answers(backend, technique, items, hits_by_id, ranked, gate, batch: int) -> dict:
    """id -> Answer; gated questions abstain without generation, like `answer()` does."""
    answers = {it["id"]: Answer(it["question"], ABSTAIN, hits_by_id[it["id"]], abstained=True, technique=technique)
               for it in items if gate[it["id"]]}
    todo = [it for it in items if not gate[it["id"]]]
    if technique == "extractive":
        for it in todo:
            began = time.perf_counter()
            answers[it["id"]] = finish(it["question"], extract(ranked[it["id"]]), hits_by_id[it["id"]])
            answers[it["id"]].latency_s = time.perf_counter() - began
        return answers
    shown = {it["id"]: context_for(technique, hits_by_id[it["id"]], ranked[it["id"]]) for it in todo}
    replies = generate(backend, [build_prompt(it["question"], shown[it["id"]]) for it in todo], technique, batch)
    for it, reply in zip(todo, replies, strict=True):
        answers[it["id"]] = finish(it["question"], reply.text, shown[it["id"]], technique=technique,
                                   cut=reply.finish_reason == "length", result=reply)
        answers[it["id"]].latency_s = reply.latency_s
    return answers


def generate(backend, conversations, what: str, batch: int = 8) -> list:
    """Replies through chat_batch (batched on the local model), `batch` at a time for a progress bar."""
    from tqdm import tqdm

    replies = []
    for start in tqdm(range(0, len(conversations), batch), desc=what, unit="batch", file=sys.stderr):
        replies += backend.chat_batch(conversations[start:start + batch], max_tokens=MAX_TOKENS)
    return replies


def technique_metrics(items, answers: dict, ranked_s: dict, retrieval_s: dict) -> dict:
    """Correctness, citation correctness, abstention, cuts, dropped sentences and latency of one technique."""
    answerable = [it for it in items if it["answerable"]]
    unanswerable = [it for it in items if not it["answerable"]]
    answered = [it for it in answerable if not answers[it["id"]].abstained]
    correct = [it["id"] in {a["id"] for a in answered} and has_facts(answers[it["id"]].text, it["facts"])
               for it in answerable]
    cited_ok = [has_facts(" ".join(c.hit.text for c in answers[it["id"]].citations), it["facts"]) for it in answered]
    spoken = [a for a in answers.values() if not a.abstained or a.result is not None]
    generated = [it for it in answerable if answers[it["id"]].result is not None]
    # What the rules cost a generating technique: the facts in the model's raw reply, before trimming and the
    # sentence-to-passage check (an unsupported sentence is dropped even when it happens to hold the fact).
    raw = [has_facts(answers[it["id"]].result.text, it["facts"]) for it in generated]
    seconds = [retrieval_s[i] + ranked_s[i] + a.latency_s for i, a in answers.items()]
    return {"answer_correctness": _mean(correct), "citation_correctness": _mean(cited_ok),
            **_abstention({i: a.abstained for i, a in answers.items()}, answerable, unanswerable),
            "raw_reply_correctness": round(sum(raw) / len(answerable), 4) if generated else None,
            "cut_at_limit": _mean([a.cut for a in spoken]),
            "dropped_sentences_per_reply": _mean([len(a.dropped) for a in spoken]),
            "end_to_end_p50_s": _pct(seconds, 50), "end_to_end_p95_s": _pct(seconds, 95)}


def _abstention(abstained: dict, answerable, unanswerable) -> dict:
    true_pos = int(sum(abstained[it["id"]] for it in unanswerable))
    false_pos = int(sum(abstained[it["id"]] for it in answerable))
    return {"abstention_precision": round(true_pos / (true_pos + false_pos), 4) if true_pos + false_pos else None,
            "abstention_recall": round(true_pos / len(unanswerable), 4) if unanswerable else None,
            "answerable_abstained": false_pos}


def closed_book_correctness(backend, items, batch: int) -> dict:
    answerable = [it for it in items if it["answerable"]]
    replies = generate(backend, [closed_book_prompt(it["question"]) for it in answerable], "closed book", batch)
    texts = [trim_to_sentence(r.text, r.finish_reason == "length")[0] for r in replies]
    return {"answer_correctness": _mean([has_facts(t, it["facts"]) for t, it in zip(texts, answerable, strict=True)])}


def _mean(values) -> float | None:
    return round(float(np.mean(values)), 4) if len(values) else None


def _pct(values, q) -> float | None:
    return round(float(np.percentile(values, q)), 4) if len(values) else None


def evaluate(backend, store, items, threshold: float | None = None, batch: int = 8,
             techniques=TECHNIQUES, closed_book: bool = True, held_out: list | None = None) -> dict:
    """The whole measurement. threshold None: abstention by a threshold chosen on `held_out` (support,
    answerable) when given with both kinds, else cross-validated; a number: that fixed threshold."""
    retrieval, hits_by_id, retrieval_s = retrieval_metrics(store, items)
    ranked, ranked_s = rank_all(store, items, hits_by_id)
    scores = {i: support(r) for i, r in ranked.items()}
    chosen = held_out_threshold(held_out or []) if threshold is None else None
    if chosen is not None:
        gate = {i: s < chosen for i, s in scores.items()}
        calibration = {"method": f"chosen on the {len(held_out)} questions outside the subset, balanced accuracy",
                       "threshold": chosen}
    elif threshold is None:
        gate, thresholds = cross_validated_gate(items, scores)
        calibration = {"method": f"{FOLDS}-fold cross-validation (seed {SEED}), balanced accuracy",
                       "fold_thresholds": thresholds,
                       "all_questions_threshold": choose_threshold(list(scores.values()),
                                                                   [it["answerable"] for it in items])}
    else:
        gate = {i: s < threshold for i, s in scores.items()}
        calibration = {"method": "fixed threshold, not tuned on these questions", "threshold": threshold}
    rows, answers = {}, {}
    for technique in techniques:
        print(f"[{technique}] answering {len(items)} questions", file=sys.stderr, flush=True)
        answers[technique] = technique_answers(backend, technique, items, hits_by_id, ranked, gate, batch)
        rows[technique] = technique_metrics(items, answers[technique], ranked_s, retrieval_s)
    default = techniques[0]
    return {"retrieval": retrieval, "techniques": rows, "answers": {"technique": default, **rows[default]},
            "closed_book": closed_book_correctness(backend, items, batch) if closed_book else None,
            "calibration": calibration,
            "per_item": [{"id": it["id"], "answerable": it["answerable"], "support": round(scores[it["id"]], 4),
                          **{t: per_item(answers[t][it["id"]]) for t in techniques}} for it in items]}


def per_item(reply: Answer) -> dict:
    row = {"answer": reply.text, "sources": reply.sources()}
    if reply.result is not None:
        row.update(raw=reply.result.text, dropped=reply.dropped)
    return row


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
    print(f"\n{'technique':<15}{'correct':>8}{'cited ok':>9}{'abst. P':>8}{'abst. R':>8}{'cut':>6}{'dropped':>8}"
          f"{'p50 s':>7}")
    for name, r in report["techniques"].items():
        print(f"{name:<15}{_f(r['answer_correctness']):>8}{_f(r['citation_correctness']):>9}"
              f"{_f(r['abstention_precision']):>8}{_f(r['abstention_recall']):>8}{_f(r['cut_at_limit']):>6}"
              f"{_f(r['dropped_sentences_per_reply']):>8}{_f(r['end_to_end_p50_s']):>7}")
    if report["closed_book"]:
        print(f"{'closed book':<15}{_f(report['closed_book']['answer_correctness']):>8}  (baseline: no retrieval)")
    print(f"abstention threshold: {report['calibration']}")


def _f(value) -> str:
    return "-" if value is None else f"{value:.3f}"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from tailor.cliutil import positive_int

    parser.add_argument("--limit", type=int, default=None, help="evaluate N evenly spaced questions only")
    parser.add_argument("--batch-size", type=positive_int, default=8,
                        help="questions per batched generate call (1 = one at a time)")
    parser.add_argument("--threshold", type=float, default=None,
                        help="a fixed abstention threshold (default: chosen by cross-validation)")
    parser.add_argument("--techniques", nargs="+", choices=TECHNIQUES, default=list(TECHNIQUES),
                        help="answer techniques to measure, one row each (the first is the headline)")
    parser.add_argument("--kb", type=Path, default=None, help="documents folder (default data/rag/kb)")
    parser.add_argument("--qa", type=Path, default=None, help="question file (default data/rag/qa.jsonl)")
    parser.add_argument("--no-closed-book", action="store_true", help="skip the closed-book baseline")
    parser.add_argument("--retrieval-only", action="store_true",
                        help="measure retrieval only (no model; writes rag_retrieval.json)")


def run(args) -> int:
    from rag.cli import rag_backend
    from rag.ingest import ingest
    from rag.store import open_store

    started = time.perf_counter()
    everything = load_qa(args.qa)
    items = load_qa(args.qa, limit=args.limit)
    store = open_store("rag_eval")
    store.delete([i for ids in store.ids_by_source().values() for i in ids])  # the evaluation's own collection:
    began = time.perf_counter()                                                # emptied, so ingest is timed whole
    print(ingest([args.kb or data_dir() / "rag" / "kb"], store, progress=False).summary(), flush=True)
    ingest_s = round(time.perf_counter() - began, 2)
    if args.retrieval_only:
        return retrieval_only(store, items, started)
    needs_model = not args.no_closed_book or any(t != "extractive" for t in args.techniques)
    backend = rag_backend(args) if needs_model else None
    held_out = left_out_support(store, items, everything) if args.threshold is None else None
    report = evaluate(backend, store, items, threshold=args.threshold, batch=args.batch_size,
                      techniques=args.techniques, closed_book=not args.no_closed_book, held_out=held_out)
    report.update(demo="rag", backend=getattr(backend, "name", None), model=getattr(backend, "model", None),
                  items=len(items), ingest_s=ingest_s, answerable=sum(it["answerable"] for it in items), k=5,
                  kb=str(args.kb or "data/rag/kb"), timestamp=time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                  wall_s=round(time.perf_counter() - started, 1))
    print_summary(report)
    name = "rag.json" if args.kb is None and args.qa is None else "rag_heldout.json"
    print(f"\nwrote {write_report(report, name)} in {report['wall_s']} s")
    return 0


def main(argv=None) -> int:
    from tailor.cliutil import evaluation_main

    return evaluation_main(sys.modules[__name__], argv)


if __name__ == "__main__":
    sys.exit(main())
