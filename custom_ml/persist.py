"""Saving and loading a trained model with skops: a model file is data, never code that runs on load.

A pickle file can run any code the moment it is opened. skops stores the object tree as JSON plus
arrays and rebuilds only types it is told to trust: scikit-learn's own estimators, and the list below,
reviewed by hand. A file naming any other type is refused before anything in it is built or imported.

    model.skops   the fitted Pipeline
    meta.json     columns and their kinds, labels, decision threshold, library versions
"""

from __future__ import annotations

import json
import warnings
import zipfile
from pathlib import Path

from tailor.errors import UsageError

MODEL_FILE = "model.skops"
META_FILE = "meta.json"

# Types outside skops' default trust that our Pipelines contain (checked with skops.io.get_untrusted_types
# on every candidate): numpy's dtype object, and the fitted trees of HistGradientBoostingClassifier.
TRUSTED_TYPES = [
    "numpy.dtype",
    "sklearn.ensemble._hist_gradient_boosting.predictor.TreePredictor",
]


class UntrustedModelError(UsageError):
    """The model file names a type outside the reviewed list; nothing in it was loaded."""


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
    except (ValueError, UnicodeDecodeError) as error:
        raise UsageError(f"{file} is not a valid model description: {error}") from error
    return meta


def untrusted_types(file: Path) -> list[str]:
    """Types in the file outside skops' defaults and our list; reads the JSON schema only, builds nothing."""
    import skops.io

    try:
        found = skops.io.get_untrusted_types(file=file)
    except (zipfile.BadZipFile, KeyError, ValueError, TypeError, AttributeError) as error:
        raise UsageError(f"{file} is not a readable skops model file ({type(error).__name__}); "
                         "retrain the model") from error
    return [name for name in found if name not in TRUSTED_TYPES]


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
    import skops.io

    folder = Path(folder)
    meta = read_meta(folder)
    file = folder / MODEL_FILE
    refused = untrusted_types(file)
    if refused:
        raise UntrustedModelError(f"{file} contains type(s) outside the reviewed trusted list: "
                                  f"{', '.join(refused)}; refusing to load it (nothing was run)")
    with warnings.catch_warnings():
        # scikit-learn's own version warning is replaced by version_warning's one line
        warnings.simplefilter("ignore")
        try:
            pipeline = skops.io.load(file, trusted=TRUSTED_TYPES)
        except Exception as error:  # a damaged file can fail in many ways inside skops; none is ours to fix
            raise UsageError(f"{file} could not be loaded ({type(error).__name__}: {error}); "
                             "retrain the model") from error
    return pipeline, meta, version_warning(meta)
