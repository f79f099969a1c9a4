"""The reviewed trusted-type list (tailor/safe_skops.py) shared by custom_ml's models and advise's cache.

A type under `numpy.` or `sklearn.` is not trusted for its prefix: `numpy.save` writes files, so a cache
or model file naming it is refused before anything in it is built.
"""

from __future__ import annotations

import numpy as np
import pytest


def planted_state():
    """A cache-shaped dict whose "primary" model carries `numpy.save` (trusted by a "numpy." prefix)."""
    from sklearn.preprocessing import FunctionTransformer

    return {"primary": FunctionTransformer(func=np.save), "supporting": None, "gate": None,
            "with_rules": False, "model_id": "planted"}


def test_advise_cache_with_a_numpy_function_is_refused_and_rebuilt(tmp_path):
    import skops.io as sio

    from advise import classifier

    path = tmp_path / "classifier-planted.skops"
    sio.dump(planted_state(), path)
    assert "numpy.save" in sio.get_untrusted_types(file=path)  # what a prefix rule let through
    assert classifier.load(path) is None  # refused: the caller retrains and overwrites it


def test_advise_cache_of_real_models_still_loads(tmp_path):
    from sklearn.linear_model import LogisticRegression

    from advise import classifier

    X, y = np.random.default_rng(0).normal(size=(30, 4)), np.arange(30) % 3
    model = classifier.IdeaClassifier(LogisticRegression().fit(X, y), LogisticRegression().fit(X, y % 2),
                                      LogisticRegression().fit(X, y % 2), False, "m")
    path = tmp_path / "classifier-real.skops"
    classifier.save(model, path)
    loaded = classifier.load(path)
    assert loaded is not None and np.array_equal(loaded.primary_model.predict(X), model.primary_model.predict(X))


def test_safe_load_names_the_refused_type(tmp_path):
    import skops.io as sio

    from tailor import safe_skops

    path = tmp_path / "m.skops"
    sio.dump(planted_state(), path)
    with pytest.raises(safe_skops.UntrustedFileError, match="numpy.save"):
        safe_skops.load(path)


@pytest.mark.parametrize("task", ["binary", "multiclass", "regression"])
def test_every_custom_ml_candidate_needs_only_reviewed_types(task, tmp_path):
    """A new model type in custom_ml fails here until someone reviews it and adds it to the list."""
    import skops.io as sio

    from custom_ml.models import candidate, candidate_names
    from tailor import safe_skops

    rng = np.random.default_rng(0)
    X = np.empty((60, 3), dtype=object)
    X[:, 0] = rng.normal(size=60)
    X[:, 1] = rng.choice(["a", "b"], size=60)
    X[:, 2] = [f"word{i % 7} other text" for i in range(60)]
    y = {"binary": np.arange(60) % 2, "multiclass": np.arange(60) % 3, "regression": rng.normal(size=60)}[task]
    for name in candidate_names("auto"):
        pipeline = candidate(name, ["numeric", "categorical", "text"], task).fit(X, y)
        sio.dump(pipeline, tmp_path / f"{name}.skops")
        assert safe_skops.untrusted(tmp_path / f"{name}.skops") == [], name
