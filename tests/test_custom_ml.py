"""custom_ml on the bundled diagnosis data: the demo beats its baseline and honours its sensitivity target.

The demo runs once through the CLI (a few seconds); every number asserted is recomputed here from the saved
model and the same seeded split, not read back from the demo's own report.
"""

from __future__ import annotations

import json

import numpy as np
import pytest

from custom_ml.metrics import binary_metrics, choose_threshold


@pytest.fixture(scope="module")
def demo_folder(tmp_path_factory):
    from tailor.cli import main

    folder = tmp_path_factory.mktemp("classify") / "demo"
    assert main(["classify", "demo", "--out", str(folder)]) == 0
    return folder


@pytest.fixture(scope="module")
def split():
    """The demo's split, remade here: (X_train, X_test, y_train, y_test) with 1 = malignant."""
    from sklearn.model_selection import train_test_split

    from custom_ml.data import breast_cancer
    from custom_ml.models import SEED
    from custom_ml.train import TEST_SHARE

    table = breast_cancer()
    y = (table.y == "malignant").astype(int)
    return train_test_split(table.X, y, test_size=TEST_SHARE, stratify=y, random_state=SEED)


def test_demo_beats_the_dummy_baseline_by_a_wide_margin(demo_folder, split):
    from sklearn.dummy import DummyClassifier
    from sklearn.metrics import roc_auc_score

    from custom_ml.persist import load_model

    X_train, X_test, y_train, y_test = split
    pipeline, meta, warning = load_model(demo_folder)
    assert warning is None and meta["positive"] == "malignant"
    model_auc = roc_auc_score(y_test, pipeline.predict_proba(X_test)[:, 1])
    dummy = DummyClassifier(strategy="prior").fit(X_train.astype(float), y_train)
    dummy_auc = roc_auc_score(y_test, dummy.predict_proba(X_test.astype(float))[:, 1])
    assert model_auc > 0.95
    assert model_auc - dummy_auc > 0.4


def test_threshold_meets_the_sensitivity_target_on_the_training_folds(demo_folder, split):
    from sklearn.model_selection import StratifiedKFold, cross_val_predict

    from custom_ml.models import SEED, candidate
    from custom_ml.train import FOLDS, threads_for

    X_train, _, y_train, _ = split
    meta = json.loads((demo_folder / "meta.json").read_text())
    folds = StratifiedKFold(n_splits=FOLDS, shuffle=True, random_state=SEED)
    with threads_for(len(y_train)):
        p = cross_val_predict(candidate(meta["model"], meta["kinds"]), X_train, y_train, cv=folds,
                              method="predict_proba")[:, 1]
    caught = np.mean(p[y_train == 1] >= meta["threshold"])
    assert caught >= meta["sensitivity_target"] == 0.95
    # and it is the highest such threshold: the next positive score up misses the target
    higher = np.sort(p[(y_train == 1) & (p > meta["threshold"])])
    assert len(higher) == 0 or np.mean(p[y_train == 1] >= higher[0]) < meta["sensitivity_target"]


def test_demo_writes_plots_card_and_metrics(demo_folder, split):
    _, X_test, _, y_test = split
    for name in ("roc.png", "confusion.png", "calibration.png"):
        assert (demo_folder / name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    metrics = json.loads((demo_folder / "metrics.json").read_text())
    assert metrics["rows"] == {"train": 569 - len(y_test), "test": len(y_test)}
    card = (demo_folder / "model_card.md").read_text()
    chosen = metrics["models"][metrics["chosen"]]["test"]
    baseline = metrics["models"]["baseline"]["test"]
    assert f"{chosen['roc_auc']:.3f}" in card and f"{baseline['roc_auc']:.3f}" in card
    assert "Not a medical device" in card and "Breast Cancer Wisconsin" in card
    assert not list(demo_folder.parent.glob(".*partial"))


def test_choose_threshold_is_the_highest_meeting_the_target():
    y = np.array([1, 1, 1, 1, 0, 0, 0, 0])
    p = np.array([0.9, 0.8, 0.6, 0.3, 0.7, 0.4, 0.2, 0.1])
    assert choose_threshold(y, p, 0.75) == 0.6  # 3 of 4 positives at >= 0.6
    assert choose_threshold(y, p, 0.8) == 0.3  # 4 of 4 needed
    m = binary_metrics(y, p, 0.6)
    assert (m["sensitivity"], m["specificity"], m["confusion"]["fp"]) == (0.75, 0.75, 1)


def test_default_run_folder_is_under_runs_classify(isolated_home):
    from custom_ml.run import new_run_folder

    folder = new_run_folder(None)
    assert folder.parent == isolated_home / "runs" / "classify"
    assert folder.name[:8].isdigit() and not folder.exists()


def test_classify_help_does_not_import_sklearn():
    import subprocess
    import sys

    code = "import sys, tailor.cli as c; c.build_parser(); print('sklearn' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"
