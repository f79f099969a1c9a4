"""Training with an honest estimate: cross-validation on a training split, then one test.

    1. hold out 25% of the rows (stratified by class for classification, fixed seed); touched once, at the end
    2. for each candidate, out-of-fold predictions on the training rows (5 folds; 3 above LARGE_ROWS rows)
       give the CV metrics, and for a binary task the decision threshold (the highest one meeting the
       sensitivity target)
    3. `auto` keeps the candidate with the best CV score (ROC-AUC; RMSE for regression); every candidate is
       refitted on all training rows and scored once on the held-out rows
"""

from __future__ import annotations

import sys
import time
import warnings
from dataclasses import dataclass, field

import numpy as np

from custom_ml.data import Table
from custom_ml.llm import pick_examples
from custom_ml.metrics import (
    COLUMNS,
    SELECTION,
    SENSITIVITY_TARGET,
    binary_metrics,
    choose_threshold,
    multiclass_metrics,
    regression_metrics,
)
from custom_ml.models import SEED, candidate, candidate_names
from tailor.errors import UsageError

TEST_SHARE = 0.25
FOLDS = 5
LARGE_ROWS = 100_000  # above this, 3 folds: each fit takes long, and the estimate is already tight
PROGRESS_ROWS = 50_000  # above this, a line on stderr as each candidate starts and ends
# Below this many rows one thread is faster: OpenMP start-up costs more than a few hundred rows' work
# (HistGradientBoosting fitted 427 rows in 0.18 s on one thread, 3.1 s with two busy cores contending).
SINGLE_THREAD_ROWS = 20_000


@dataclass
class Fitted:
    """One candidate after training: its fitted Pipeline and its numbers."""

    name: str
    pipeline: object
    threshold: float | None  # binary only: the cut-off on the positive class's probability
    cv: dict  # metrics on the out-of-fold training predictions
    test: dict  # metrics on the held-out rows
    p_test: np.ndarray  # binary: P(positive) per row; multiclass: (rows, classes); regression: the values
    fit_seconds: float


@dataclass
class TrainResult:
    table: Table
    positive: str | None  # binary only
    negative: str | None
    chosen: str
    candidates: dict[str, Fitted]
    X_test: np.ndarray
    y_test: np.ndarray  # binary: 1 = positive class; multiclass: labels; regression: values
    sensitivity_target: float
    seconds: float
    rows_train: int = 0
    notes: list[str] = field(default_factory=list)
    classes: list[str] = field(default_factory=list)  # classification: the labels, in probability order
    folds: int = FOLDS
    examples: list[tuple] = field(default_factory=list)  # a few training rows with answers: few-shot prompts

    @property
    def best(self) -> Fitted:
        return self.candidates[self.chosen]

    @property
    def task(self) -> str:
        return self.table.task


def progress(rows: int, message: str) -> None:
    if rows >= PROGRESS_ROWS:
        print(message, file=sys.stderr, flush=True)


def positive_label(y: np.ndarray, positive: str | None) -> tuple[str, str]:
    """(positive, negative) labels; by default the rarer class is the one to detect."""
    labels, counts = np.unique(y, return_counts=True)
    if positive is None:
        positive = str(labels[counts.argmin()])
    elif positive not in labels:
        raise UsageError(f"--positive {positive!r} is not a class of the target; classes: "
                         f"{', '.join(map(str, labels))}")
    negative = str(next(label for label in labels if label != positive))
    return positive, negative


def predictions(pipeline, X: np.ndarray, task: str) -> np.ndarray:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # categories never seen in training: encoded as zeros
        if task == "regression":
            return pipeline.predict(X)
        P = pipeline.predict_proba(X)
        return P[:, 1] if task == "binary" else P


def score(task: str, y: np.ndarray, p: np.ndarray, threshold: float | None, classes: list[str]) -> dict:
    if task == "binary":
        return binary_metrics(y, p, threshold)
    if task == "multiclass":
        return multiclass_metrics(y, p, classes)
    return regression_metrics(y, p)


def fit_candidate(name: str, table: Table, X: np.ndarray, y: np.ndarray, target: float, folds: int,
                  classes: list[str]) -> Fitted:
    """Cross-validate one candidate on the training rows, pick its threshold (binary), refit on all of them."""
    from sklearn.model_selection import KFold, StratifiedKFold, cross_val_predict

    task = table.task
    splitter = (KFold if task == "regression" else StratifiedKFold)(n_splits=folds, shuffle=True,
                                                                   random_state=SEED)
    pipeline = candidate(name, table.feature_kinds, task)
    method = "predict" if task == "regression" else "predict_proba"
    progress(len(y), f"{name}: {folds}-fold cross-validation on {len(y):,} rows ...")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # a category seen in one fold only: handled by design
        oof = cross_val_predict(pipeline, X, y, cv=splitter, method=method)
        oof = oof[:, 1] if task == "binary" else oof
        threshold = choose_threshold(y, oof, target) if task == "binary" else None
        started = time.perf_counter()
        pipeline.fit(X, y)
        seconds = time.perf_counter() - started
    progress(len(y), f"{name}: refitted on all training rows in {seconds:.1f} s")
    return Fitted(name, pipeline, threshold, score(task, y, oof, threshold, classes), {}, np.empty(0), seconds)


def threads_for(rows: int):
    """A context that caps native threads for small data (see SINGLE_THREAD_ROWS)."""
    from contextlib import nullcontext

    import sklearn.ensemble  # noqa: F401  (loads OpenMP first: a limit reaches only libraries already loaded)
    from threadpoolctl import threadpool_limits

    return threadpool_limits(limits=1) if rows < SINGLE_THREAD_ROWS else nullcontext()


def train(table: Table, choice: str = "auto", positive: str | None = None,
          target: float = SENSITIVITY_TARGET) -> TrainResult:
    """Compare the baseline and the chosen model(s) by CV, then score each once on the held-out rows."""
    with threads_for(len(table.y)):
        return _train(table, choice, positive, target)


def encode_target(table: Table, positive: str | None) -> tuple[np.ndarray, str | None, str | None, list[str]]:
    """(y as the models see it, positive, negative, classes): binary becomes 1/0 for the positive class."""
    if table.task == "binary":
        positive, negative = positive_label(table.y, positive)
        return (table.y == positive).astype(int), positive, negative, [negative, positive]
    if positive is not None:
        raise UsageError(f"--positive only applies to a binary target; {table.target!r} is {table.task}")
    classes = [] if table.task == "regression" else [str(c) for c in np.unique(table.y)]
    return table.y, None, None, classes


def _train(table: Table, choice: str, positive: str | None, target: float) -> TrainResult:
    from sklearn.model_selection import train_test_split

    if not 0 < target < 1:
        raise UsageError(f"the sensitivity target must lie between 0 and 1, got {target}")
    started = time.perf_counter()
    y, positive, negative, classes = encode_target(table, positive)
    stratify = None if table.task == "regression" else y
    X_train, X_test, y_train, y_test = train_test_split(table.X, y, test_size=TEST_SHARE, stratify=stratify,
                                                        random_state=SEED)
    folds = FOLDS if len(y_train) < LARGE_ROWS else 3
    fitted = {name: fit_candidate(name, table, X_train, y_train, target, folds, classes)
              for name in candidate_names(choice)}
    for model in fitted.values():
        model.p_test = predictions(model.pipeline, X_test, table.task)
        model.test = score(table.task, y_test, model.p_test, model.threshold, classes)
    key, sign = SELECTION[table.task]
    # ties go to the first listed, the simpler linear model
    chosen = max((name for name in fitted if name != "baseline"), key=lambda name: sign * fitted[name].cv[key])
    return TrainResult(table, positive, negative, chosen, fitted, X_test, y_test, target,
                       time.perf_counter() - started, rows_train=len(y_train), classes=classes, folds=folds,
                       examples=pick_examples(X_train, y_train, table.task))


def summary_table(result: TrainResult) -> str:
    """The comparison as fixed-width text: CV (training folds) and test numbers for every candidate."""
    columns = COLUMNS[result.task]
    binary = result.task == "binary"
    header = f"{'model':<9}{'split':<6}" + "".join(f"{title:>{max(9, len(title) + 2)}}" for title, _ in columns)
    lines = [header + (f"{'threshold':>10}" if binary else "")]
    for name, model in result.candidates.items():
        mark = " *" if name == result.chosen else ""
        for split, m in (("cv", model.cv), ("test", model.test)):
            cells = "".join(f"{m[key]:>{max(9, len(title) + 2)}.3f}" for title, key in columns)
            lines.append(f"{name:<9}{split:<6}{cells}" + (f"{model.threshold:>10.3f}" if binary else "")
                         + (mark if split == "test" else ""))
    return "\n".join(lines)
