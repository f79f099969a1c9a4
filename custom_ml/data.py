"""The data a classifier learns from: the bundled diagnosis data set, or any CSV with a target column.

Everything becomes one `Table`: a 2-D object array of features (numbers as floats with NaN for a missing
value, categories as strings with NaN for a missing value), the column names and kinds, and the labels.
Plain `csv` keeps pandas out of the dependencies; bad input is a one-line `UsageError`.
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from tailor.errors import UsageError

# Spellings of "no value" in exported spreadsheets; compared case-insensitively after stripping spaces.
MISSING = {"", "na", "n/a", "nan", "null", "none", "?", "-"}
# A column whose non-missing values are at least this share numbers is numeric; the rest is garbage.
NUMERIC_SHARE = 0.9
MIN_ROWS_PER_CLASS = 8  # 5-fold CV on the 75% training split needs at least 5 of each class


@dataclass
class Table:
    X: np.ndarray  # (rows, columns), dtype object: floats for numeric columns, str for categorical ones
    columns: list[str]
    kinds: list[str]  # "numeric" or "categorical", one per column
    y: np.ndarray  # (rows,) labels as strings
    source: str  # where the rows came from, for the model card
    target: str = "target"
    dropped: dict[str, str] = field(default_factory=dict)  # column left out -> why


def breast_cancer() -> Table:
    """Breast Cancer Wisconsin (Diagnostic): 569 tumours, 30 measurements, ships inside scikit-learn."""
    from sklearn.datasets import load_breast_cancer

    bunch = load_breast_cancer()
    # scikit-learn codes malignant as 0 and benign as 1; names are clearer than codes in every report
    y = np.asarray(bunch.target_names)[bunch.target].astype(str)
    columns = [str(name) for name in bunch.feature_names]
    return Table(X=bunch.data.astype(object), columns=columns, kinds=["numeric"] * len(columns), y=y,
                 source="Breast Cancer Wisconsin (Diagnostic), UCI, as bundled in scikit-learn",
                 target="diagnosis")


def is_missing(value: str) -> bool:
    return value.strip().lower() in MISSING


def to_number(value: str) -> float | None:
    """A float, NaN for a missing value, or None when the text is not a number."""
    if is_missing(value):
        return math.nan
    try:
        number = float(value.strip())
    except ValueError:
        return None
    return number if math.isfinite(number) else None


def read_rows(path: str | Path) -> tuple[list[str], list[list[str]]]:
    """The header and the data rows of a CSV file, every row as wide as the header."""
    file = Path(path)
    if not file.is_file():
        raise UsageError(f"CSV file {file} does not exist; give the path of a CSV file with a header row")
    try:
        with file.open(newline="", encoding="utf-8-sig") as handle:
            rows = list(csv.reader(handle))
    except (UnicodeDecodeError, csv.Error) as error:
        raise UsageError(f"{file} is not a readable UTF-8 CSV file: {error}") from error
    rows = [row for row in rows if any(cell.strip() for cell in row)]
    if len(rows) < 2:
        raise UsageError(f"{file} has no data rows; it needs a header row and at least one row of values")
    header = [name.strip() for name in rows[0]]
    if len(set(header)) != len(header) or "" in header:
        raise UsageError(f"{file}: every column needs a distinct, non-empty name in the header row")
    for number, row in enumerate(rows[1:], start=2):
        if len(row) != len(header):
            raise UsageError(f"{file} line {number} has {len(row)} values but the header has {len(header)}")
    return header, rows[1:]


def infer_kind(name: str, values: list[str]) -> str:
    """numeric, categorical, or empty; a mostly numeric column with stray text is an error, not a category."""
    present = [v for v in values if not is_missing(v)]
    if not present:
        return "empty"
    bad = [(i, v) for i, v in enumerate(values) if not is_missing(v) and to_number(v) is None]
    if not bad:
        return "numeric"
    if len(bad) <= (1 - NUMERIC_SHARE) * len(present):
        row, value = bad[0]
        raise UsageError(f"column {name!r} holds numbers but row {row + 1} has {value!r}; "
                         "fix or blank that value")
    return "categorical"


def column_values(kind: str, name: str, values: list[str]) -> list:
    """Parsed values of one column: floats for numeric (NaN if missing), strings or NaN for categorical."""
    if kind == "categorical":
        return [math.nan if is_missing(v) else v.strip() for v in values]
    parsed = [to_number(v) for v in values]
    for row, number in enumerate(parsed):
        if number is None:
            raise UsageError(f"column {name!r} must hold numbers but row {row + 1} has {values[row]!r}; "
                             "fix or blank that value")
    return parsed


def read_table(path: str | Path, target: str) -> Table:
    """A labelled CSV as a Table: kinds inferred, unusable columns dropped, the target checked."""
    header, rows = read_rows(path)
    if target not in header:
        raise UsageError(f"target column {target!r} is not in {path}; its columns are: {', '.join(header)}")
    at = header.index(target)
    labelled = [row for row in rows if not is_missing(row[at])]
    y = np.array([row[at].strip() for row in labelled], dtype=str)
    check_target(y, target)
    names, kinds, columns, dropped = [], [], [], {}
    for j, name in enumerate(header):
        if j == at:
            continue
        values = [row[j] for row in labelled]
        kind = infer_kind(name, values)
        reason = unusable_reason(kind, values)
        if reason:
            dropped[name] = reason
            continue
        names.append(name)
        kinds.append(kind)
        columns.append(column_values(kind, name, values))
    if not names:
        raise UsageError(f"{path} has no usable feature column besides {target!r} "
                         f"(left out: {_listing(dropped) or 'none'}); add columns with values")
    X = np.empty((len(labelled), len(names)), dtype=object)
    for j, values in enumerate(columns):
        X[:, j] = values
    return Table(X=X, columns=names, kinds=kinds, y=y, source=str(path), target=target, dropped=dropped)


def _listing(dropped: dict[str, str]) -> str:
    return ", ".join(f"{name} ({why})" for name, why in dropped.items())


def unusable_reason(kind: str, values: list[str]) -> str:
    """Why a column cannot help a model: empty, one constant value, or an identifier (all values distinct)."""
    if kind == "empty":
        return "no values"
    distinct = {v.strip() for v in values if not is_missing(v)}
    if len(distinct) == 1:
        return "one constant value"
    if kind == "categorical" and len(distinct) == len(values) and len(values) > 20:
        return "a different text in every row, like an identifier"
    return ""


def check_target(y: np.ndarray, target: str) -> None:
    """Two classes, each with enough rows to cross-validate."""
    labels, counts = np.unique(y, return_counts=True)
    if len(labels) < 2:
        only = labels[0] if len(labels) else "nothing"
        raise UsageError(f"target column {target!r} has one class ({only}); a classifier needs two")
    if len(labels) > 2:
        raise UsageError(f"target column {target!r} has {len(labels)} classes; this classifier handles two "
                         "(merge classes or make one column per question)")
    if counts.min() < MIN_ROWS_PER_CLASS:
        raise UsageError(f"class {labels[counts.argmin()]!r} of {target!r} has {counts.min()} rows; "
                         f"cross-validation needs at least {MIN_ROWS_PER_CLASS} of each class")


def features_for(path: str | Path, columns: list[str], kinds: list[str], known: list[str]) -> np.ndarray:
    """The feature array of a CSV to predict, in the model's column order; columns must match training.

    `known` are the other columns seen at training (the target, the dropped ones): they may be present.
    """
    header, rows = read_rows(path)
    missing = [name for name in columns if name not in header]
    if missing:
        raise UsageError(f"{path} lacks the column(s) the model was trained on: {', '.join(missing)}")
    extra = [name for name in header if name not in columns and name not in known]
    if extra:
        raise UsageError(f"{path} has column(s) the model was not trained on: {', '.join(extra)}; "
                         "remove them or retrain with them")
    X = np.empty((len(rows), len(columns)), dtype=object)
    for j, (name, kind) in enumerate(zip(columns, kinds, strict=True)):
        X[:, j] = column_values(kind, name, [row[header.index(name)] for row in rows])
    return X
