"""The demo's evaluation: the trained classifier beside its baseline, and optionally beside an LLM.

    python -m custom_ml.evaluate                    # classifier vs DummyClassifier on the held-out rows
    python -m custom_ml.evaluate --llm --limit 40   # + the configured LLM, zero-shot, on 40 of those rows

Writes runs_dir()/eval/custom_ml.json (every number measured in this run).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from datetime import datetime, timezone

import numpy as np

from tailor.runfiles import eval_path, write_json

KEYS = ("roc_auc", "accuracy", "sensitivity", "specificity", "brier", "threshold")


def label_metrics(truth: list[str], predicted: list[str], positive: str) -> dict:
    """Accuracy, sensitivity and specificity of hard labels (an LLM gives no probability to rank by)."""
    truth, predicted = np.asarray(truth), np.asarray(predicted)
    pos, neg = truth == positive, truth != positive
    return {
        "accuracy": float(np.mean(truth == predicted)),
        "sensitivity": float(np.mean(predicted[pos] == positive)) if pos.any() else float("nan"),
        "specificity": float(np.mean(predicted[neg] != positive)) if neg.any() else float("nan"),
    }


def stratified_rows(y: np.ndarray, limit: int) -> np.ndarray:
    """`limit` test row indices whose class mix matches the whole test split (each class spread evenly)."""
    rank = np.empty(len(y))
    for label in np.unique(y):
        where = np.flatnonzero(y == label)
        rank[where] = (np.arange(len(where)) + 0.5) / len(where)  # 0..1 within each class
    return np.argsort(rank, kind="stable")[:limit]


def classifier_on_rows(result, rows: np.ndarray) -> dict:
    """The chosen model on the given test rows: its labels' metrics and its time per row."""
    from custom_ml.train import threads_for

    X, best = result.X_test[rows], result.best
    with threads_for(len(X)):
        started = time.perf_counter()
        p = best.pipeline.predict_proba(X)[:, 1]
        seconds = time.perf_counter() - started
    names = np.where(p >= best.threshold, result.positive, result.negative)
    truth = np.where(result.y_test[rows] == 1, result.positive, result.negative)
    return {**label_metrics(list(truth), list(names), result.positive), "seconds_per_row": seconds / len(X),
            "usd": 0.0}


def llm_on_rows(result, backend, rows: np.ndarray) -> dict:
    """The backend's zero-shot labels for the given test rows, with latency, tokens and cost."""
    from custom_ml.llm import classify_rows

    labels = sorted([result.positive, result.negative])  # alphabetical: no hint which one is the positive
    predicted, replies = classify_rows(backend, result.X_test[rows], result.table.columns, labels)
    truth = np.where(result.y_test[rows] == 1, result.positive, result.negative)
    costs = [reply.cost().usd for reply in replies]
    return {**label_metrics(list(truth), predicted, result.positive),
            "seconds_per_row": float(np.mean([reply.latency_s for reply in replies])),
            "usd": None if None in costs else float(sum(costs)),
            "prompt_tokens_per_row": float(np.mean([reply.usage.prompt_tokens for reply in replies])),
            "label_counts": dict(Counter(predicted)),
            "majority_label_accuracy": float(np.mean(truth == result.negative))}


def evaluate(backend=None, limit: int | None = None) -> dict:
    """Train on the bundled data, score the held-out rows; with a backend, compare the LLM on them."""
    from custom_ml.data import breast_cancer
    from custom_ml.train import train

    result = train(breast_cancer())
    best, base = result.best, result.candidates["baseline"]
    report = {
        "demo": "custom_ml", "timestamp": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "dataset": result.table.source, "items": len(result.y_test), "positive": result.positive,
        "classifier": result.chosen, "sensitivity_target": result.sensitivity_target,
        # the language model compared against (None without --llm); the classifier itself is local
        "backend": backend.name if backend is not None else None,
        "model": backend.model if backend is not None else None,
        "metrics": {key: best.test[key] for key in KEYS},
        "baseline": {"name": "DummyClassifier(prior)", **{key: base.test[key] for key in KEYS}},
        "cv": {name: {key: m.cv[key] for key in KEYS} for name, m in result.candidates.items()},
        "train_seconds": round(result.seconds, 3), "rows": len(result.table.y),
        # the classifier's time per row over all test rows, predicted as one batch
        "seconds_per_row": classifier_on_rows(result, np.arange(len(result.y_test)))["seconds_per_row"],
    }
    if backend is not None:
        rows = stratified_rows(result.y_test, limit or len(result.y_test))
        report["llm"] = {"backend": backend.name, "model": backend.model, "items": len(rows),
                         "llm": llm_on_rows(result, backend, rows),
                         "classifier": classifier_on_rows(result, rows)}
    return report


def write_report(report: dict):
    return write_json(eval_path("custom_ml"), report)


def print_report(report: dict) -> None:
    m, b = report["metrics"], report["baseline"]
    print(f"held-out test rows: {report['items']}  (positive class: {report['positive']}, "
          f"model: {report['classifier']}, threshold {m['threshold']:.3f})")
    print(f"{'':<24}{'ROC-AUC':>8}{'accuracy':>9}{'sensitivity':>12}{'specificity':>12}{'Brier':>7}")
    for name, row in ((report["classifier"], m), ("baseline (Dummy)", b)):
        print(f"{name:<24}{row['roc_auc']:>8.3f}{row['accuracy']:>9.3f}{row['sensitivity']:>12.3f}"
              f"{row['specificity']:>12.3f}{row['brier']:>7.3f}")
    if "llm" in report:
        llm = report["llm"]
        print(f"\nsame {llm['items']} test rows, hard labels; LLM = {llm['backend']}:{llm['model']} zero-shot")
        print(f"{'':<34}{'accuracy':>9}{'sensitivity':>12}{'specificity':>12}{'s/row':>10}{'USD':>10}")
        for name, row in ((f"classifier ({report['classifier']})", llm["classifier"]),
                          ("LLM", llm["llm"])):
            usd = "n/a" if row["usd"] is None else f"{row['usd']:.4f}"
            print(f"{name:<34}{row['accuracy']:>9.3f}{row['sensitivity']:>12.3f}{row['specificity']:>12.3f}"
                  f"{row['seconds_per_row']:>10.4f}{usd:>10}")
        print(f"always answering the majority label would score {llm['llm']['majority_label_accuracy']:.3f}; "
              f"the LLM answered {llm['llm']['label_counts']}")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from tailor.cliutil import positive_int

    parser.add_argument("--llm", action="store_true", help="also ask the configured backend, zero-shot")
    parser.add_argument("--limit", type=positive_int, default=None,
                        help="LLM rows, a stratified subset of the 143 test rows (default: all; the local "
                             "model takes seconds per row)")


def main(argv=None) -> int:
    from tailor.cliutil import evaluation_main

    return evaluation_main(sys.modules[__name__], argv)


def run(args) -> int:
    from tailor.cliutil import backend_from_args

    report = evaluate(backend_from_args(args) if args.llm else None, args.limit)
    print_report(report)
    print(f"\nwritten: {write_report(report)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
