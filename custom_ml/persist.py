"""Saving and loading a trained model with skops: a model file is data, never code that runs on load.

A pickle file can run any code the moment it is opened. skops stores the object tree as JSON plus
arrays and rebuilds only types it is told to trust: scikit-learn's own estimators, and the list in
tailor/safe_skops.py, reviewed by hand. A file naming any other type is refused before anything in it
is built or imported.

    model.skops   the fitted Pipeline
    meta.json     task, columns and their kinds, labels, decision threshold (binary), library versions
"""

from __future__ import annotations

import json
import warnings
from pathlib import Path

from custom_ml.task import TASKS
from tailor import safe_skops
from tailor.errors import UsageError
from tailor.safe_skops import UntrustedFileError

MODEL_FILE = "model.skops"
META_FILE = "meta.json"

# The reviewed list of types a model file may hold beyond skops' defaults lives in tailor/safe_skops.py,
# shared with advise's cache; UntrustedModelError is its refusal, under the name this package exports.
UntrustedModelError = UntrustedFileError
TRUSTED_TYPES = safe_skops.TRUSTED_TYPES


def library_versions() -> dict:
    import numpy
    import sklearn
    import skops

    return {"scikit-learn": sklearn.__version__, "skops": skops.__version__, "numpy": numpy.__version__}


def save_model(folder: Path, pipeline, meta: dict) -> None:
    """Write model.skops and meta.json into a folder (the caller makes it and renames it into place)."""
    import skops.io

    skops.io.dump(pipeline, folder / MODEL_FILE)
    meta = {**meta, "versions": library_versions()}
    (folder / META_FILE).write_text(json.dumps(meta, indent=2), encoding="utf-8")


def read_meta(folder: Path) -> dict:
    file = folder / META_FILE
    if not folder.is_dir() or not file.is_file() or not (folder / MODEL_FILE).is_file():
        raise UsageError(f"{folder} is not a trained model folder (needs {MODEL_FILE} and {META_FILE}); "
                         "train one with `tailor classify train` or `tailor classify demo`")
    try:
        meta = json.loads(file.read_text(encoding="utf-8"))
        needed = {"columns", "kinds", "positive", "negative", "threshold"}
        if not isinstance(meta, dict) or not needed <= meta.keys():
            raise ValueError(f"it needs the keys {sorted(needed)}")
        meta.setdefault("task", "binary")  # folders saved before the other tasks existed
        if meta["task"] not in TASKS:
            raise ValueError(f"unknown task {meta['task']!r}")
    except (ValueError, UnicodeDecodeError) as error:
        raise UsageError(f"{file} is not a valid model description: {error}") from error
    return meta


def version_warning(meta: dict) -> str | None:
    """A line to show when the model was saved by another scikit-learn than the one running now."""
    import sklearn

    saved = meta.get("versions", {}).get("scikit-learn")
    if saved == sklearn.__version__:
        return None
    return (f"the model was saved with scikit-learn {saved or 'unknown'} and this is {sklearn.__version__}: "
            "predictions may differ; retrain with this version to be sure")


def load_model(folder: str | Path):
    """(pipeline, meta, warning or None). Refuses a file with any type outside the reviewed list."""
    folder = Path(folder)
    meta = read_meta(folder)
    with warnings.catch_warnings():
        # scikit-learn's own version warning is replaced by version_warning's one line
        warnings.simplefilter("ignore")
        pipeline = safe_skops.load(folder / MODEL_FILE)
    return pipeline, meta, version_warning(meta)
