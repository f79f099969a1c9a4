"""Scoring a binary classifier whose positive class is the one that must not be missed.

`y` is 1 for the positive class (malignant in the demo) and 0 otherwise; `p` is the predicted probability
of the positive class. Sensitivity = share of positives caught (recall), specificity = share of negatives
cleared. The threshold is picked on out-of-fold training probabilities for a sensitivity target, then
applied unchanged to the test rows.
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
    return {
        "roc_auc": float(roc_auc_score(y, p)),
        "brier": float(brier_score_loss(y, p)),
        "accuracy": (tp + tn) / len(y),
        "sensitivity": tp / (tp + fn) if tp + fn else float("nan"),
        "specificity": tn / (tn + fp) if tn + fp else float("nan"),
        "threshold": float(threshold),
        "confusion": {"tp": tp, "fn": fn, "tn": tn, "fp": fp},
        "rows": len(y),
    }


def accuracy(y_true, y_pred) -> float:
    return float(np.mean(np.asarray(y_true) == np.asarray(y_pred)))
