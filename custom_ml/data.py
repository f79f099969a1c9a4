"""The data a model learns from: a bundled scikit-learn data set, or any CSV with a target column.

Everything becomes one `Table`: a 2-D object array of features, their names and kinds, the target and the
task it implies. Columns come as they are in a spreadsheet export:

    numeric      floats, NaN for a missing value (the pipeline imputes the median)
    categorical  strings, NaN for a missing value (one-hot, missing is its own category)
    text         free text, "" when missing (a TF-IDF vectorizer inside the pipeline)
    date         ISO dates (2026-11-28, optionally with a time) -> year, month, day, weekday numbers

Columns with no values, one constant value, or an identifier (a different text in every row, or distinct
whole numbers counting up) are left out with a note. Plain `csv` keeps pandas out of the dependencies;
bad input is a one-line `UsageError`.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import numpy as np

from custom_ml.csvfile import file_hash, is_missing, read_rows, to_number
from custom_ml.task import detect_task
from tailor.errors import UsageError

# A column whose non-missing values are at least this share numbers is numeric; the rest is garbage.
NUMERIC_SHARE = 0.9
TEXT_WORDS = 3  # a string column whose values have at least this many words (median) is free text
DATE_PARTS = ("year", "month", "day", "weekday")
ID_NAME = re.compile(r"(^|[_\s-])(id|key|uuid|index)$|^(id|row|index|key)$|[a-z]Id$|ID$", re.IGNORECASE)


@dataclass
class Table:
    X: np.ndarray  # (rows, features), dtype object: floats, strings (categories, text)
    columns: list[str]  # the source columns used, before dates become parts (what predict needs)
    kinds: list[str]  # one per column: numeric, categorical, text or date
    y: np.ndarray  # (rows,) class labels as strings, or floats for regression
    source: str  # where the rows came from, for the model card
    target: str = "target"
    dropped: dict[str, str] = field(default_factory=dict)  # column left out -> why
    task: str = "binary"  # binary, multiclass or regression
    data_hash: str = ""  # sha256 of the source file (or of the bundled arrays), for the model card
    question: str = ""  # what the rows are and what to predict, in words (for the LLM beside the model)

    def ask(self) -> str:
        if self.question:
            return self.question
        what = "the value of" if self.task == "regression" else "the class in"
        return f"Each row is one record from {Path(self.source).name}. Predict {what} the column {self.target!r}."

    @property
    def features(self) -> list[str]:
        """Names of X's columns: a date column becomes four (name_year ... name_weekday)."""
        return expand_names(self.columns, self.kinds)

    @property
    def feature_kinds(self) -> list[str]:
        return feature_kinds(self.kinds)


def expand_names(columns: list[str], kinds: list[str]) -> list[str]:
    names = []
    for name, kind in zip(columns, kinds, strict=True):
        names += [f"{name}_{part}" for part in DATE_PARTS] if kind == "date" else [name]
    return names


def feature_kinds(kinds: list[str]) -> list[str]:
    """The kinds the pipeline sees: a date is four numbers."""
    out = []
    for kind in kinds:
        out += ["numeric"] * len(DATE_PARTS) if kind == "date" else [kind]
    return out


def to_date(value: str) -> datetime | None:
    try:
        return datetime.fromisoformat(value.strip())
    except ValueError:
        return None


def infer_kind(name: str, values: list[str]) -> str:
    """numeric, date, text, categorical or empty; a mostly numeric column with stray text is an error."""
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
    sample = present[:: max(1, len(present) // 2000)]  # a few thousand values decide; 1M rows stay fast
    if all(re.match(r"\d{4}-\d\d-\d\d", v.strip()) and to_date(v) for v in sample):
        return "date"
    if np.median([len(v.split()) for v in sample]) >= TEXT_WORDS:
        return "text"
    return "categorical"


def column_values(kind: str, name: str, values: list[str]) -> list[list]:
    """Parsed values of one column, as one list per feature (a date gives four)."""
    if kind == "categorical":
        return [[math.nan if is_missing(v) else v.strip() for v in values]]
    if kind == "text":
        return [["" if is_missing(v) else v.strip() for v in values]]
    if kind == "date":
        return date_parts(name, values)
    parsed = [to_number(v) for v in values]
    for row, number in enumerate(parsed):
        if number is None:
            raise UsageError(f"column {name!r} must hold numbers but row {row + 1} has {values[row]!r}; "
                             "fix or blank that value")
    return [parsed]


def date_parts(name: str, values: list[str]) -> list[list[float]]:
    """year, month, day and weekday (Monday 0) of each value; NaN for a missing one."""
    parts = [[], [], [], []]
    for row, value in enumerate(values):
        when = None if is_missing(value) else to_date(value)
        if when is None and not is_missing(value):
            raise UsageError(f"column {name!r} holds dates but row {row + 1} has {value!r}; "
                             "write it as YYYY-MM-DD or blank it")
        numbers = (math.nan,) * 4 if when is None else (when.year, when.month, when.day, when.weekday())
        for part, number in zip(parts, numbers, strict=True):
            part.append(float(number))
    return parts


def unusable_reason(name: str, kind: str, values: list[str]) -> str:
    """Why a column cannot help a model: empty, one constant value, or an identifier."""
    if kind == "empty":
        return "no values"
    present = [v.strip() for v in values if not is_missing(v)]
    distinct = set(present)
    if len(distinct) == 1:
        return "one constant value"
    if kind == "categorical" and len(distinct) == len(values) and len(values) > 20:
        return "a different text in every row, like an identifier"
    if kind == "numeric" and len(distinct) == len(values) > 20 and looks_like_id(name, present):
        return "distinct whole numbers, like a row identifier"
    return ""


def looks_like_id(name: str, present: list[str]) -> bool:
    """Whole numbers, all distinct, and either named like an id or counting up in file order."""
    numbers = [to_number(v) for v in present]
    if any(n != int(n) for n in numbers):
        return False
    return bool(ID_NAME.search(name)) or all(a < b for a, b in zip(numbers, numbers[1:], strict=False))


def build_features(columns: list[str], kinds: list[str], values: list[list[str]]) -> np.ndarray:
    """The object feature array from each column's raw strings (one list per column, rows in order)."""
    parsed = [part for name, kind, raw in zip(columns, kinds, values, strict=True)
              for part in column_values(kind, name, raw)]
    X = np.empty((len(values[0]) if values else 0, len(parsed)), dtype=object)
    for j, part in enumerate(parsed):
        X[:, j] = part
    return X


def read_table(path: str | Path, target: str, task: str | None = None) -> Table:
    """A labelled CSV as a Table: task from the target, kinds inferred, unusable columns left out."""
    header, rows = read_rows(path)
    if target not in header:
        raise UsageError(f"target column {target!r} is not in {path}; its columns are: {', '.join(header)}")
    at = header.index(target)
    labelled = [row for row in rows if not is_missing(row[at])]
    if not labelled:
        raise UsageError(f"target column {target!r} of {path} has no values; fill it in for the rows to learn")
    task, y = detect_task([row[at] for row in labelled], target, task)
    names, kinds, raw, dropped = [], [], [], {}
    for j, name in enumerate(header):
        if j == at:
            continue
        values = [row[j] for row in labelled]
        kind = infer_kind(name, values)
        reason = unusable_reason(name, kind, values)
        if reason:
            dropped[name] = reason
            continue
        names.append(name)
        kinds.append(kind)
        raw.append(values)
    del rows, labelled  # the strings are parsed column by column below; free the row lists first
    if not names:
        raise UsageError(f"{path} has no usable feature column besides {target!r} "
                         f"(left out: {_listing(dropped) or 'none'}); add columns with values")
    X = build_features(names, kinds, raw)
    return Table(X=X, columns=names, kinds=kinds, y=y, source=str(path), target=target, dropped=dropped,
                 task=task, data_hash=file_hash(path))


def _listing(dropped: dict[str, str]) -> str:
    return ", ".join(f"{name} ({why})" for name, why in dropped.items())


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
    return build_features(columns, kinds, [[row[header.index(name)] for row in rows] for name in columns])


def breast_cancer() -> Table:
    """The bundled binary demo data (see bundled.py, which holds all three)."""
    from custom_ml.bundled import breast_cancer as load

    return load()
