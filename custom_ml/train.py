"""Training with an honest estimate: stratified cross-validation on a training split, then one test.

    1. hold out 25% of the rows (stratified, fixed seed); they are touched once, at the end
    2. for each candidate, 5-fold out-of-fold probabilities on the training rows give the CV metrics
       and the decision threshold (the highest one meeting the sensitivity target)
    3. `auto` keeps the candidate with the best CV ROC-AUC; every candidate is refitted on all
       training rows and scored once on the held-out rows with its own threshold
"""

from __future__ import annotations

import time
import warnings
from dataclasses import dataclass, field

import numpy as np

from custom_ml.data import Table
from custom_ml.metrics import SENSITIVITY_TARGET, binary_metrics, choose_threshold
from custom_ml.models import SEED, candidate, candidate_names
from tailor.errors import UsageError

TEST_SHARE = 0.25
FOLDS = 5
# Below this many rows one thread is faster: OpenMP start-up costs more than a few hundred rows' work
# (HistGradientBoosting fitted 427 rows in 0.18 s on one thread, 3.1 s with two busy cores contending).
SINGLE_THREAD_ROWS = 20_000


@dataclass
class Fitted:
    """One candidate after training: its fitted Pipeline and its numbers."""

    name: str
    pipeline: object
    threshold: float
    cv: dict  # metrics on the out-of-fold training probabilities
    test: dict  # metrics on the held-out rows
    p_test: np.ndarray  # probability of the positive class, one per test row
    fit_seconds: float


@dataclass
class TrainResult:
    table: Table
    positive: str
    negative: str
    chosen: str
    candidates: dict[str, Fitted]
    X_test: np.ndarray
    y_test: np.ndarray  # 1 = positive class
    sensitivity_target: float
    seconds: float
    rows_train: int = 0
    notes: list[str] = field(default_factory=list)

    @property
    def best(self) -> Fitted:
        return self.candidates[self.chosen]


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


def fit_candidate(name: str, table: Table, X: np.ndarray, y: np.ndarray, target: float) -> Fitted:
    """Cross-validate one candidate on the training rows, pick its threshold, refit on all of them."""
    from sklearn.model_selection import StratifiedKFold, cross_val_predict

    folds = StratifiedKFold(n_splits=FOLDS, shuffle=True, random_state=SEED)
    pipeline = candidate(name, table.kinds)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # a category seen in one fold only: handled by design
        p_oof = cross_val_predict(pipeline, X, y, cv=folds, method="predict_proba")[:, 1]
        threshold = choose_threshold(y, p_oof, target)
        started = time.perf_counter()
        pipeline.fit(X, y)
        seconds = time.perf_counter() - started
    return Fitted(name, pipeline, threshold, binary_metrics(y, p_oof, threshold), {}, np.empty(0), seconds)


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


def _train(table: Table, choice: str, positive: str | None, target: float) -> TrainResult:
    from sklearn.model_selection import train_test_split

    if not 0 < target < 1:
        raise UsageError(f"the sensitivity target must lie between 0 and 1, got {target}")
    started = time.perf_counter()
    positive, negative = positive_label(table.y, positive)
    y = (table.y == positive).astype(int)
    X_train, X_test, y_train, y_test = train_test_split(table.X, y, test_size=TEST_SHARE, stratify=y,
                                                        random_state=SEED)
    fitted = {name: fit_candidate(name, table, X_train, y_train, target) for name in candidate_names(choice)}
    for model in fitted.values():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            model.p_test = model.pipeline.predict_proba(X_test)[:, 1]
        model.test = binary_metrics(y_test, model.p_test, model.threshold)
    # ties go to the first listed, the simpler linear model
    chosen = max((name for name in fitted if name != "baseline"), key=lambda name: fitted[name].cv["roc_auc"])
    return TrainResult(table, positive, negative, chosen, fitted, X_test, y_test, target,
                       time.perf_counter() - started, rows_train=len(y_train))


def summary_table(result: TrainResult) -> str:
    """The comparison as fixed-width text: CV (training folds) and test numbers for every candidate."""
    lines = [f"{'model':<9}{'split':<6}{'ROC-AUC':>8}{'accuracy':>9}{'sensitivity':>12}{'specificity':>12}"
             f"{'Brier':>7}{'threshold':>10}"]
    for name, model in result.candidates.items():
        mark = " *" if name == result.chosen else ""
        for split, m in (("cv", model.cv), ("test", model.test)):
            lines.append(f"{name:<9}{split:<6}{m['roc_auc']:>8.3f}{m['accuracy']:>9.3f}{m['sensitivity']:>12.3f}"
                         f"{m['specificity']:>12.3f}{m['brier']:>7.3f}{model.threshold:>10.3f}"
                         f"{mark if split == 'test' else ''}")
    return "\n".join(lines)
