"""Loading scikit-learn models saved with skops: one reviewed list of the types we let a file rebuild.

A skops file is JSON plus arrays, but it names the Python types (and functions) to rebuild. skops trusts
its own defaults (scikit-learn estimators, builtins); anything else must be trusted by name. A prefix such
as "numpy." would trust `numpy.save` or `numpy.load` as well, so the list below names each type exactly.
It was made by dumping every model custom_ml and advise build and asking skops which types it would not
trust (tests/test_safe_skops.py re-checks that, so a new model type fails a test until it is reviewed).

    untrusted(path)   the file's types outside skops' defaults and this list (reads the schema, builds nothing)
    load(path)        the object, or UntrustedFileError naming the refused types (nothing was built)
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from tailor.errors import UsageError

# Each entry reviewed by hand: plain data holders or fitted model parts, no I/O, nothing that runs code.
TRUSTED_TYPES = (
    "numpy.dtype",  # the element type of an array (e.g. float64, object): data only
    # the fitted trees of HistGradientBoosting{Classifier,Regressor}: arrays of split thresholds and values
    "sklearn.ensemble._hist_gradient_boosting.predictor.TreePredictor",
)


class UntrustedFileError(UsageError):
    """The file names a type outside the reviewed list; nothing in it was built."""


def untrusted(path: str | Path) -> list[str]:
    """Types in the file that neither skops' defaults nor TRUSTED_TYPES cover."""
    import skops.io

    try:
        found = skops.io.get_untrusted_types(file=Path(path))
    except (zipfile.BadZipFile, KeyError, ValueError, TypeError, AttributeError, OSError) as error:
        raise UsageError(f"{path} is not a readable skops model file ({type(error).__name__}); "
                         "retrain the model") from error
    return [name for name in found if name not in TRUSTED_TYPES]


def load(path: str | Path):
    """The object saved in the file, built only from trusted types; UntrustedFileError otherwise."""
    import skops.io

    refused = untrusted(path)
    if refused:
        raise UntrustedFileError(f"{path} contains type(s) outside the reviewed trusted list: "
                                 f"{', '.join(refused)}; refusing to load it (nothing was run)")
    try:
        return skops.io.load(Path(path), trusted=list(TRUSTED_TYPES))
    except Exception as error:  # a damaged file can fail in many ways inside skops; none is ours to fix
        raise UsageError(f"{path} could not be loaded ({type(error).__name__}: {error}); "
                         "retrain the model") from error
