"""Which task a target column asks for, and whether it has enough rows of each kind to learn it.

    binary      two classes (the rarer one is the class to catch, unless --positive names it)
    multiclass  three or more classes
    regression  a number with more than CLASSES_AS_NUMBERS distinct values (a quantity, not a code)

`--task` overrides the guess, e.g. a 1-5 rating is multiclass by default but can be regression.
"""

from __future__ import annotations

import numpy as np

from custom_ml.csvfile import to_number
from tailor.errors import UsageError

CLASSES_AS_NUMBERS = 10  # a numeric target with more distinct values than this is a quantity
MIN_ROWS_PER_CLASS = 8  # 5-fold CV on the 75% training split needs at least 5 of each class
MIN_ROWS_REGRESSION = 20  # five folds of at least a few rows each
TASKS = ("binary", "multiclass", "regression")


def detect_task(values: list[str], target: str, task: str | None = None) -> tuple[str, np.ndarray]:
    """(task, y): y holds floats for regression and stripped strings for the classification tasks."""
    numbers = [to_number(v) for v in values]
    numeric = all(n is not None for n in numbers)
    distinct = len(set(v.strip() for v in values))
    if task is None:
        task = ("regression" if numeric and distinct > CLASSES_AS_NUMBERS
                else "binary" if distinct <= 2 else "multiclass")
    if task == "regression":
        if not numeric:
            bad = next(v for v, n in zip(values, numbers, strict=True) if n is None)
            raise UsageError(f"--task regression needs numbers in {target!r}, but it holds {bad!r}; "
                             "use --task binary or multiclass for labels")
        y = np.asarray(numbers, dtype=float)
    else:
        y = np.array([v.strip() for v in values], dtype=str)
    check_target(task, y, target)
    return task, y


def check_target(task: str, y: np.ndarray, target: str) -> None:
    """Enough rows, more than one value, and for classification enough rows of every class."""
    if task == "regression":
        if len(np.unique(y)) == 1:
            raise UsageError(f"target column {target!r} has the same value ({y[0]:g}) in every row; there is "
                             "nothing to predict: choose a column whose value varies")
        if len(y) < MIN_ROWS_REGRESSION:
            raise UsageError(f"target column {target!r} has {len(y)} labelled rows; regression needs at "
                             f"least {MIN_ROWS_REGRESSION}")
        return
    labels, counts = np.unique(y, return_counts=True)
    if len(labels) < 2:
        only = str(labels[0]) if len(labels) else "nothing"
        raise UsageError(f"target column {target!r} has one class ({only}); a classifier needs two")
    if task == "binary" and len(labels) > 2:
        raise UsageError(f"--task binary needs two classes, but {target!r} has {len(labels)}; "
                         "use --task multiclass (or leave --task out)")
    if counts.min() < MIN_ROWS_PER_CLASS:
        rare = labels[counts < MIN_ROWS_PER_CLASS]
        raise UsageError(f"class {str(rare[0])!r} of {target!r} has {counts.min()} row(s); cross-validation needs "
                         f"at least {MIN_ROWS_PER_CLASS} of each class: add rows, or merge or remove "
                         f"{'that class' if len(rare) == 1 else f'the {len(rare)} rare classes'}")
