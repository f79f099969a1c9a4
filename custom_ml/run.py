"""A training run on disk: runs_dir()/classify/<timestamp>/ with the model, its card, metrics and plots.

The folder is written under a temporary name and renamed at the end, so a failed run leaves nothing
half-written behind.
"""

from __future__ import annotations

import json
import shutil
from datetime import datetime, timezone
from pathlib import Path

from custom_ml import plots
from custom_ml.card import model_card
from custom_ml.persist import save_model
from tailor.config import runs_dir
from tailor.errors import UsageError


def new_run_folder(out: str | Path | None) -> Path:
    """Where the run will go: --out if given (must not hold files), else a fresh timestamped folder."""
    if out is not None:
        folder = Path(out)
        if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
            raise UsageError(f"--out {folder} already exists and is not an empty folder; choose a new one")
        return folder
    base = runs_dir() / "classify"
    stamp = datetime.now(timezone.utc).strftime("%Y%m%d-%H%M%S")
    folder, n = base / stamp, 1
    while folder.exists():  # two runs in one second
        n += 1
        folder = base / f"{stamp}-{n}"
    return folder


def model_meta(result) -> dict:
    table = result.table
    return {
        "task": table.task, "target": table.target, "positive": result.positive, "negative": result.negative,
        "classes": result.classes, "data_sha256": table.data_hash,
        "columns": table.columns, "kinds": table.kinds,
        "known_columns": [table.target, *table.dropped],  # may appear in a CSV to predict, and are ignored
        "threshold": result.best.threshold, "model": result.chosen,
        "sensitivity_target": result.sensitivity_target, "source": table.source,
        "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
    }


def metrics_json(result) -> dict:
    return {
        "task": result.task, "chosen": result.chosen, "folds": result.folds, "positive": result.positive,
        "classes": result.classes, "sensitivity_target": result.sensitivity_target,
        "rows": {"train": result.rows_train, "test": len(result.y_test)}, "seconds": round(result.seconds, 3),
        "models": {name: {"cv": m.cv, "test": m.test, "threshold": m.threshold,
                          "fit_seconds": round(m.fit_seconds, 4)}
                   for name, m in result.candidates.items()},
    }


def save_run(result, out: str | Path | None = None) -> Path:
    """Write everything about one training result; returns the final folder."""
    folder = new_run_folder(out)
    temporary = folder.with_name(f".{folder.name}.partial")
    shutil.rmtree(temporary, ignore_errors=True)
    temporary.mkdir(parents=True)
    try:
        save_model(temporary, result.best.pipeline, model_meta(result))
        (temporary / "metrics.json").write_text(json.dumps(metrics_json(result), indent=2), encoding="utf-8")
        plots.save_all(result, temporary)
        (temporary / "model_card.md").write_text(model_card(result), encoding="utf-8")
        if folder.exists():  # an empty --out folder
            folder.rmdir()
        temporary.rename(folder)
    except BaseException:
        shutil.rmtree(temporary, ignore_errors=True)
        raise
    return folder
