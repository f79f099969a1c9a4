"""The demo's evaluation: the trained model beside its baseline, and optionally beside an LLM on the same rows.

    python -m custom_ml.evaluate                              # model vs Dummy on the held-out rows
    python -m custom_ml.evaluate --data wine --llm --limit 24 # + the configured LLM, zero- and few-shot

Every task kind (binary breast_cancer, multi-class wine, regression diabetes) gets the same comparison:
the model, the LLM asked zero-shot, the LLM with a few labelled training rows in its prompt, and the
answer that ignores the features (the majority label or the training mean), all on the same test rows.
Writes runs_dir()/eval/custom_ml.json (breast_cancer) or custom_ml_<data>.json; every number measured now.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from datetime import datetime, timezone

import numpy as np

from custom_ml.metrics import COLUMNS
from tailor.runfiles import eval_path, write_json

KEYS = ("roc_auc", "accuracy", "sensitivity", "specificity", "brier", "threshold")


def metric_keys(task: str) -> list[str]:
    return [key for _, key in COLUMNS[task]] + (["threshold"] if task == "binary" else [])


def label_metrics(truth: list[str], predicted: list[str], positive: str | None = None) -> dict:
    """Accuracy, balanced accuracy and macro F1 of hard labels (an LLM gives no probability to rank by);
    sensitivity and specificity for the positive class of a binary task."""
    from sklearn.metrics import balanced_accuracy_score, f1_score

    truth, predicted = np.asarray(truth), np.asarray(predicted)
    out = {"accuracy": float(np.mean(truth == predicted)),
           "balanced_accuracy": float(balanced_accuracy_score(truth, predicted)),
           "macro_f1": float(f1_score(truth, predicted, labels=np.unique(truth), average="macro",
                                      zero_division=0))}
    if positive is not None:
        pos, neg = truth == positive, truth != positive
        out["sensitivity"] = float(np.mean(predicted[pos] == positive)) if pos.any() else float("nan")
        out["specificity"] = float(np.mean(predicted[neg] != positive)) if neg.any() else float("nan")
    return out


def value_metrics(truth: np.ndarray, predicted: list[float]) -> dict:
    """MAE, RMSE, R^2 of predicted numbers; a reply that did not parse counts as the worst miss seen."""
    from custom_ml.metrics import regression_metrics

    predicted = np.asarray(predicted, dtype=float)
    missing = np.isnan(predicted)
    if missing.any():  # an unanswered row is not skipped: it gets the farthest value from the truth
        far = np.where(truth > np.median(truth), truth.min(), truth.max())
        predicted = np.where(missing, far, predicted)
    return {**regression_metrics(truth, predicted), "no_answer": int(missing.sum())}


def stratified_rows(y: np.ndarray, limit: int) -> np.ndarray:
    """`limit` test row indices whose class mix matches the whole test split (each class spread evenly)."""
    if y.dtype.kind == "f":  # regression: the split is already in random order
        return np.arange(min(limit, len(y)))
    rank = np.empty(len(y))
    for label in np.unique(y):
        where = np.flatnonzero(y == label)
        rank[where] = (np.arange(len(where)) + 0.5) / len(where)  # 0..1 within each class
    return np.argsort(rank, kind="stable")[:limit]


def names(result, y: np.ndarray) -> list:
    """Answers as the LLM sees them: binary 1/0 back to class names; other tasks unchanged."""
    if result.task == "binary":
        return list(np.where(y == 1, result.positive, result.negative))
    return list(y)


def score_answers(result, rows: np.ndarray, answers: list) -> dict:
    truth = names(result, result.y_test[rows])
    if result.task == "regression":
        return value_metrics(np.asarray(truth, dtype=float), answers)
    return {**label_metrics(truth, answers, result.positive), "label_counts": dict(Counter(map(str, answers)))}


def classifier_on_rows(result, rows: np.ndarray) -> dict:
    """The chosen model on the given test rows: its answers' metrics and its time per row."""
    from custom_ml.predict import labelled
    from custom_ml.train import predictions, threads_for

    X, best = result.X_test[rows], result.best
    with threads_for(len(X)):
        started = time.perf_counter()
        p = predictions(best.pipeline, X, result.task)
        seconds = time.perf_counter() - started
    meta = {"task": result.task, "threshold": best.threshold, "positive": result.positive,
            "negative": result.negative, "classes": result.classes}
    answers = [row["prediction"] for row in labelled(p, meta)]
    return {**score_answers(result, rows, answers), "seconds_per_row": seconds / len(X), "usd": 0.0}


def llm_on_rows(result, backend, rows: np.ndarray, shots: int = 0) -> dict:
    """The backend's answers for the given test rows (zero-shot, or with `shots` training rows first)."""
    from custom_ml.llm import ask_rows

    labels = None if result.task == "regression" else sorted(
        [result.positive, result.negative] if result.task == "binary" else result.classes)  # no order hint
    examples = [(x, names(result, np.array([y]))[0]) for x, y in result.examples[:shots]]
    table = result.table
    answers, replies = ask_rows(backend, result.X_test[rows], table.features, labels, table.ask(), examples)
    costs = [reply.cost().usd for reply in replies]
    return {**score_answers(result, rows, answers), "shots": len(examples),
            "seconds_per_row": float(np.mean([reply.latency_s for reply in replies])),
            "usd": None if None in costs else float(sum(costs)),
            "prompt_tokens_per_row": float(np.mean([reply.usage.prompt_tokens for reply in replies]))}


def featureless_on_rows(result, rows: np.ndarray) -> dict:
    """The answer that ignores the row: the majority label (classification) or the training mean."""
    base = result.candidates["baseline"]
    if result.task == "regression":
        return score_answers(result, rows, [float(base.p_test[0])] * len(rows))
    counts = Counter(names(result, result.y_test))
    return score_answers(result, rows, [counts.most_common(1)[0][0]] * len(rows))


def evaluate(backend=None, limit: int | None = None, data: str = "breast_cancer", shots: int | None = None) -> dict:
    """Train on a bundled data set, score the held-out rows; with a backend, compare the LLM on them."""
    from custom_ml.bundled import load
    from custom_ml.llm import SHOTS
    from custom_ml.train import train

    result = train(load(data))
    best, base, keys = result.best, result.candidates["baseline"], metric_keys(result.task)
    report = {
        "demo": "custom_ml", "data": data, "task": result.task,
        "timestamp": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "dataset": result.table.source, "items": len(result.y_test), "positive": result.positive,
        "classifier": result.chosen, "sensitivity_target": result.sensitivity_target,
        # the language model compared against (None without --llm); the classifier itself is local
        "backend": backend.name if backend is not None else None,
        "model": backend.model if backend is not None else None,
        "metrics": {key: best.test[key] for key in keys},
        "baseline": {"name": type(base.pipeline[-1]).__name__ + f"({base.pipeline[-1].strategy})",
                     **{key: base.test[key] for key in keys}},
        "cv": {name: {key: m.cv[key] for key in keys} for name, m in result.candidates.items()},
        "train_seconds": round(result.seconds, 3), "rows": len(result.table.y),
        # the classifier's time per row over all test rows, predicted as one batch
        "seconds_per_row": classifier_on_rows(result, np.arange(len(result.y_test)))["seconds_per_row"],
    }
    if backend is not None:
        rows = stratified_rows(result.y_test, limit or len(result.y_test))
        report["llm"] = {"backend": backend.name, "model": backend.model, "items": len(rows),
                         "llm": llm_on_rows(result, backend, rows),
                         "few_shot": llm_on_rows(result, backend, rows, SHOTS if shots is None else shots),
                         "classifier": classifier_on_rows(result, rows),
                         "featureless": featureless_on_rows(result, rows)}
        if result.task != "regression":
            report["llm"]["llm"]["majority_label_accuracy"] = report["llm"]["featureless"]["accuracy"]
    return report


def write_report(report: dict):
    data = report.get("data", "breast_cancer")
    return write_json(eval_path("custom_ml" if data == "breast_cancer" else f"custom_ml_{data}"), report)


def _row(name: str, values: dict, keys: list[str], extra: str = "") -> str:
    return f"{name:<36}" + "".join(f"{values[k]:>10.3f}" for k in keys) + extra


def print_report(report: dict) -> None:
    task = report.get("task", "binary")
    keys = [k for _, k in COLUMNS[task]]
    titles = "".join(f"{t:>10}" for t, _ in COLUMNS[task])
    threshold = f", threshold {report['metrics']['threshold']:.3f}" if task == "binary" else ""
    print(f"{report['data']} ({task}), held-out test rows: {report['items']}  (model: {report['classifier']}"
          f"{threshold})")
    print(f"{'':<36}{titles}")
    print(_row(report["classifier"], report["metrics"], keys))
    print(_row(f"baseline ({report['baseline']['name']})", report["baseline"], keys))
    if "llm" in report:
        print_llm(report["llm"], report["classifier"], task)


def print_llm(llm: dict, chosen: str, task: str) -> None:
    keys = ["mae", "rmse", "r2"] if task == "regression" else ["accuracy", "balanced_accuracy", "macro_f1"]
    titles = ["MAE", "RMSE", "R^2"] if task == "regression" else ["accuracy", "bal.acc", "macro F1"]
    print(f"\nsame {llm['items']} test rows; LLM = {llm['backend']}:{llm['model']}")
    print(f"{'':<36}" + "".join(f"{t:>10}" for t in titles) + f"{'s/row':>10}{'tokens/row':>11}")
    sides = ((f"model ({chosen})", llm["classifier"]), ("LLM zero-shot", llm["llm"]),
             (f"LLM {llm['few_shot']['shots']}-shot", llm["few_shot"]),
             ("no features (majority or mean)", llm["featureless"]))
    for name, side in sides:
        tokens = f"{side['prompt_tokens_per_row']:>11.0f}" if "prompt_tokens_per_row" in side else ""
        per_row = f"{side['seconds_per_row']:>10.4f}" if "seconds_per_row" in side else f"{'-':>10}"
        print(_row(name, side, keys, per_row + tokens))
    for name in ("llm", "few_shot"):
        if "label_counts" in llm[name]:
            print(f"{name.replace('llm', 'zero-shot')} answered {llm[name]['label_counts']}")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from tailor.cliutil import positive_int

    parser.add_argument("--data", choices=("breast_cancer", "wine", "diabetes"), default="breast_cancer",
                        help="bundled data set: breast_cancer (binary), wine (3 classes), diabetes (regression)")
    parser.add_argument("--llm", action="store_true", help="also ask the configured backend, zero- and few-shot")
    parser.add_argument("--limit", type=positive_int, default=None,
                        help="LLM rows, a stratified subset of the test rows (default: all; the local model "
                             "takes seconds per row)")
    parser.add_argument("--shots", type=positive_int, default=None, help="labelled rows in the few-shot prompt "
                                                                         "(default 4)")


def main(argv=None) -> int:
    from tailor.cliutil import evaluation_main

    return evaluation_main(sys.modules[__name__], argv)


def run(args) -> int:
    from tailor.cliutil import backend_from_args

    report = evaluate(backend_from_args(args) if args.llm else None, args.limit, args.data, args.shots)
    print_report(report)
    print(f"\nwritten: {write_report(report)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
