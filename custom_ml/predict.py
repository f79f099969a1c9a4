"""Predicting with a saved model: a CSV in, one prediction per row out.

    binary      row, prediction, p_<positive>        (the class at the trained threshold)
    multiclass  row, prediction, p_<class> per class (the most probable class)
    regression  row, prediction                      (the predicted value)

The CSV must have the columns the model was trained on (the target and columns left out at training
may be there too and are ignored); values are parsed with the kinds fixed at training.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import numpy as np

from custom_ml.data import features_for
from custom_ml.persist import load_model
from custom_ml.train import predictions, threads_for
from tailor.errors import UsageError
from tailor.runfiles import write_text


def labelled(p, meta: dict) -> list[dict]:
    """One dict per row from the model's output, shaped by the task."""
    task = meta["task"]
    if task == "regression":
        return [{"row": i + 1, "prediction": round(float(v), 6)} for i, v in enumerate(p)]
    if task == "binary":
        labels = np.where(p >= meta["threshold"], meta["positive"], meta["negative"])
        return [{"row": i + 1, "prediction": str(label), f"p_{meta['positive']}": round(float(prob), 6)}
                for i, (label, prob) in enumerate(zip(labels, p, strict=True))]
    classes = meta["classes"]
    return [{"row": i + 1, "prediction": classes[int(np.argmax(row))],
             **{f"p_{c}": round(float(q), 6) for c, q in zip(classes, row, strict=True)}}
            for i, row in enumerate(p)]


def predict_rows(model_dir: str | Path, csv_path: str | Path) -> tuple[list[dict], dict, str | None]:
    """(one dict per row: row, prediction and probabilities or the value; the model's meta; warning)."""
    pipeline, meta, warning = load_model(model_dir)
    X = features_for(csv_path, meta["columns"], meta["kinds"], meta.get("known_columns", []))
    with threads_for(len(X)):
        p = predictions(pipeline, X, meta["task"])
    return labelled(p, meta), meta, warning


def to_csv_text(rows: list[dict]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]) if rows else ["row", "prediction"],
                            lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


def write_atomic(path: str | Path, text: str) -> Path:
    """Write a file under a temporary name, then rename: a failure never leaves half a file."""
    path = Path(path)
    if path.is_dir():
        raise UsageError(f"--out {path} is a folder; give a file name such as predictions.csv")
    if not path.parent.is_dir():
        raise UsageError(f"the folder of --out {path} does not exist; create it first")
    return write_text(path, text)
