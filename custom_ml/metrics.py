"""Scoring each task: binary (with a sensitivity threshold), multi-class, and regression.

Binary: `y` is 1 for the positive class (malignant in the demo) and 0 otherwise; `p` is the predicted probability
of the positive class. Sensitivity = share of positives caught (recall), specificity = share of negatives
cleared. The threshold is picked on out-of-fold training probabilities for a sensitivity target, then
applied unchanged to the test rows. Multi-class: the most probable class is the prediction and ROC-AUC is
one-vs-rest. Regression: errors in the target's own units (MAE, RMSE) and R^2.
"""

from __future__ import annotations

import numpy as np

SENSITIVITY_TARGET = 0.95  # catch at least 95 of 100 malignant cases; a miss costs more than a false alarm


def choose_threshold(y: np.ndarray, p: np.ndarray, target: float = SENSITIVITY_TARGET) -> float:
    """The highest threshold whose sensitivity on (y, p) reaches the target: the most specificity for it.

    Higher thresholds flag fewer rows, so sensitivity only falls as the threshold rises; the highest one
    that still meets the target clears the most negatives.
    """
    positives = np.sort(p[y == 1])[::-1]  # positive-class scores, highest first
    needed = int(np.ceil(target * len(positives)))  # how many positives must score >= the threshold
    return float(positives[max(needed, 1) - 1])


def binary_metrics(y: np.ndarray, p: np.ndarray, threshold: float) -> dict:
    """ROC-AUC and Brier (threshold-free), then accuracy, sensitivity, specificity at the threshold."""
    from sklearn.metrics import brier_score_loss, roc_auc_score

    flagged = p >= threshold
    tp, fn = int(np.sum(flagged & (y == 1))), int(np.sum(~flagged & (y == 1)))
    tn, fp = int(np.sum(~flagged & (y == 0))), int(np.sum(flagged & (y == 0)))
    sensitivity = tp / (tp + fn) if tp + fn else float("nan")
    specificity = tn / (tn + fp) if tn + fp else float("nan")
    return {
        "roc_auc": float(roc_auc_score(y, p)),
        "brier": float(brier_score_loss(y, p)),
        "accuracy": (tp + tn) / len(y),
        "balanced_accuracy": (sensitivity + specificity) / 2,
        "macro_f1": _macro_f1(tp, fn, tn, fp),
        "sensitivity": sensitivity,
        "specificity": specificity,
        "threshold": float(threshold),
        "confusion": {"tp": tp, "fn": fn, "tn": tn, "fp": fp},
        "rows": len(y),
    }


def accuracy(y_true, y_pred) -> float:
    return float(np.mean(np.asarray(y_true) == np.asarray(y_pred)))


def _macro_f1(tp: int, fn: int, tn: int, fp: int) -> float:
    """The mean of the positive class's F1 and the negative class's F1 (each 0 when it is never right)."""
    f1_pos = 2 * tp / (2 * tp + fn + fp) if tp else 0.0
    f1_neg = 2 * tn / (2 * tn + fp + fn) if tn else 0.0
    return (f1_pos + f1_neg) / 2


def multiclass_metrics(y: np.ndarray, P: np.ndarray, classes: list[str]) -> dict:
    """Accuracy, balanced accuracy, macro F1 of the most probable class; one-vs-rest ROC-AUC; per class."""
    from sklearn.metrics import (
        balanced_accuracy_score,
        classification_report,
        confusion_matrix,
        f1_score,
        roc_auc_score,
    )

    predicted = np.asarray(classes)[P.argmax(axis=1)]
    report = classification_report(y, predicted, labels=classes, output_dict=True, zero_division=0)
    return {
        "roc_auc": float(roc_auc_score(y, P, multi_class="ovr", labels=classes)),
        "accuracy": float(np.mean(predicted == y)),
        "balanced_accuracy": float(balanced_accuracy_score(y, predicted)),
        "macro_f1": float(f1_score(y, predicted, labels=classes, average="macro", zero_division=0)),
        "per_class": {c: {k: float(v) for k, v in report[c].items()} for c in classes},
        "confusion": confusion_matrix(y, predicted, labels=classes).tolist(),
        "rows": len(y),
    }


def regression_metrics(y: np.ndarray, predicted: np.ndarray) -> dict:
    """Mean absolute error, root mean squared error (both in the target's units) and R^2 (1 is perfect)."""
    from sklearn.metrics import r2_score

    error = predicted - y
    return {"mae": float(np.mean(np.abs(error))), "rmse": float(np.sqrt(np.mean(error ** 2))),
            "r2": float(r2_score(y, predicted)), "rows": len(y)}


# The columns of every metric table, per task: (header, key). Tables in the CLI, the card and the README.
COLUMNS = {
    "binary": [("ROC-AUC", "roc_auc"), ("accuracy", "accuracy"), ("bal.acc", "balanced_accuracy"),
               ("macro F1", "macro_f1"), ("sensitivity", "sensitivity"), ("specificity", "specificity"),
               ("Brier", "brier")],
    "multiclass": [("ROC-AUC ovr", "roc_auc"), ("accuracy", "accuracy"), ("bal.acc", "balanced_accuracy"),
                   ("macro F1", "macro_f1")],
    "regression": [("MAE", "mae"), ("RMSE", "rmse"), ("R^2", "r2")],
}
# What picks the model on the training folds: higher ROC-AUC for classification, lower RMSE for regression.
SELECTION = {"binary": ("roc_auc", 1), "multiclass": ("roc_auc", 1), "regression": ("rmse", -1)}
