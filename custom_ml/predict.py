"""Predicting with a saved model: a CSV in, one label and one probability per row out.

The CSV must have the columns the model was trained on (the target and columns left out at training
may be there too and are ignored); values are parsed with the kinds fixed at training.
"""

from __future__ import annotations

import csv
import io
import warnings
from pathlib import Path

import numpy as np

from custom_ml.data import features_for
from custom_ml.persist import load_model
from custom_ml.train import threads_for
from tailor.errors import UsageError
from tailor.runfiles import write_text


def predict_rows(model_dir: str | Path, csv_path: str | Path) -> tuple[list[dict], dict, str | None]:
    """(one dict per row: row, prediction, probability of the positive class; the model's meta; warning)."""
    pipeline, meta, warning = load_model(model_dir)
    X = features_for(csv_path, meta["columns"], meta["kinds"], meta.get("known_columns", []))
    with threads_for(len(X)), warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # categories never seen in training: encoded as zeros
        p = pipeline.predict_proba(X)[:, 1]
    labels = np.where(p >= meta["threshold"], meta["positive"], meta["negative"])
    rows = [{"row": i + 1, "prediction": str(label), f"p_{meta['positive']}": round(float(prob), 6)}
            for i, (label, prob) in enumerate(zip(labels, p, strict=True))]
    return rows, meta, warning


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
