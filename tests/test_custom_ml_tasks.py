"""custom_ml on each task kind: binary, multi-class and regression from a small CSV with gaps, a category,
free text, a date and an identifier column; each beats its baseline, round-trips through skops and predicts.
"""

from __future__ import annotations

import csv
import json

import numpy as np
import pytest

from tailor.cli import main

HEADER = ["row_id", "size", "weight", "colour", "notes", "made", "target"]


def rows(task: str, n: int = 150, seed: int = 3) -> list[list]:
    """Rows whose target depends on size, colour and a word in the notes; gaps in weight, colour, notes."""
    rng = np.random.default_rng(seed)
    out = []
    for i in range(n):
        size, colour = rng.uniform(0, 10), rng.choice(["red", "green", "blue"])
        shiny = rng.random() < 0.5
        signal = size + (2 if colour == "red" else 0) + (3 if shiny else 0) + rng.normal(0, 0.7)
        weight = "" if rng.random() < 0.2 else f"{size * 1.5 + rng.normal(0, 1):.2f}"
        shop = rng.choice(["north", "south"])
        notes = "" if rng.random() < 0.1 else f"a {'shiny' if shiny else 'dull'} item from the {shop} shop"
        target = {"binary": "big" if signal > 7.5 else "small",
                  "multiclass": "low" if signal < 5 else "mid" if signal < 9 else "high",
                  "regression": f"{signal * 10:.2f}"}[task]
        made = f"2025-{rng.integers(1, 13):02d}-{rng.integers(1, 29):02d}"
        out.append([i + 1000, f"{size:.3f}", weight, "" if rng.random() < 0.1 else colour, notes, made, target])
    return out


def write_csv(path, header, body):
    with open(path, "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(body)
    return path


@pytest.mark.parametrize("task", ["binary", "multiclass", "regression"])
def test_each_task_trains_beats_its_baseline_round_trips_and_predicts(task, tmp_path, capsys):
    from custom_ml.data import features_for
    from custom_ml.persist import load_model

    data = write_csv(tmp_path / "train.csv", HEADER, rows(task))
    folder = tmp_path / "model"
    assert main(["classify", "train", "--csv", str(data), "--target", "target", "--out", str(folder)]) == 0
    printed = capsys.readouterr().out
    assert f"task {task}" in printed and "left out column 'row_id'" in printed
    meta = json.loads((folder / "meta.json").read_text())
    assert meta["task"] == task
    assert dict(zip(meta["columns"], meta["kinds"], strict=True)) == {
        "size": "numeric", "weight": "numeric", "colour": "categorical", "notes": "text", "made": "date"}
    metrics = json.loads((folder / "metrics.json").read_text())
    chosen, base = metrics["models"][metrics["chosen"]]["test"], metrics["models"]["baseline"]["test"]
    if task == "regression":
        assert chosen["rmse"] < 0.6 * base["rmse"] and chosen["r2"] > 0.5 and abs(base["r2"]) < 0.1
        assert (folder / "predicted_vs_actual.png").read_bytes()[:4] == b"\x89PNG"
    else:
        # binary: at a threshold chosen to catch 95% of the positive class, so specificity pays for it
        assert chosen["balanced_accuracy"] > base["balanced_accuracy"] + 0.2
        assert chosen["roc_auc"] > 0.8 and base["roc_auc"] == pytest.approx(0.5)
        assert (folder / "confusion.png").read_bytes()[:4] == b"\x89PNG"
    card = (folder / "model_card.md").read_text()
    assert meta["data_sha256"] in card and "Baseline: Dummy" in card

    new = write_csv(tmp_path / "new.csv", HEADER[:-1], [r[:-1] for r in rows(task, 30, seed=9)])
    out = tmp_path / "predictions.csv"
    assert main(["classify", "predict", "--model", str(folder), "--csv", str(new), "--out", str(out)]) == 0
    with open(out, newline="") as handle:
        predicted = list(csv.DictReader(handle))
    assert len(predicted) == 30
    pipeline, meta, _ = load_model(folder)
    X = features_for(new, meta["columns"], meta["kinds"], meta["known_columns"])
    if task == "regression":
        assert list(predicted[0]) == ["row", "prediction"]
        assert np.allclose([float(r["prediction"]) for r in predicted], pipeline.predict(X), atol=1e-5)
    else:
        P = pipeline.predict_proba(X)
        columns = [f"p_{c}" for c in (meta["classes"] if task == "multiclass" else [meta["positive"]])]
        assert list(predicted[0]) == ["row", "prediction", *columns]
        probs = np.array([[float(r[c]) for c in columns] for r in predicted])
        assert np.allclose(probs, P if task == "multiclass" else P[:, 1:], atol=1e-5)
        if task == "multiclass":
            assert [r["prediction"] for r in predicted] == [meta["classes"][k] for k in P.argmax(axis=1)]


def test_task_override_makes_a_numeric_code_classes_or_a_rating_a_number(tmp_path):
    from custom_ml.data import read_table

    body = [[f"{i % 7}.5", str(i % 5 + 1)] for i in range(80)]
    data = write_csv(tmp_path / "r.csv", ["x", "stars"], body)
    assert read_table(data, "stars").task == "multiclass"  # 5 distinct numbers: classes by default
    table = read_table(data, "stars", "regression")
    assert table.task == "regression" and table.y.dtype == float


BAD_TARGETS = {
    "constant regression target": ("regression", lambda i: "42", "same value (42) in every row"),
    "a class with a single row": (None, lambda i: "rare" if i == 0 else ("a" if i % 2 else "b"),
                                  "class 'rare' of 'target' has 1 row(s)"),
    "labels as regression": ("regression", lambda i: "a" if i % 2 else "b", "needs numbers"),
}


@pytest.mark.parametrize("case", list(BAD_TARGETS))
def test_bad_targets_are_one_line_errors(case, tmp_path, capsys):
    task, label, message = BAD_TARGETS[case]
    data = write_csv(tmp_path / "bad.csv", ["x", "colour", "target"],
                     [[i, "red" if i % 3 else "", label(i)] for i in range(60)])
    args = ["classify", "train", "--csv", str(data), "--target", "target", "--out", str(tmp_path / "run")]
    assert main(args + (["--task", task] if task else [])) == 2
    err = capsys.readouterr().err
    assert err.startswith("error:") and message in err and err.count("\n") == 1
    assert not (tmp_path / "run").exists()


def test_a_csv_over_the_cell_limit_is_refused_naming_the_limit(tmp_path, monkeypatch, capsys):
    from custom_ml import csvfile

    monkeypatch.setattr(csvfile, "MAX_CELLS", 300)
    data = write_csv(tmp_path / "big.csv", ["x", "y", "target"], [[i, i, i % 2] for i in range(200)])
    assert main(["classify", "train", "--csv", str(data), "--target", "target"]) == 2
    assert "over the limit of 300 values" in capsys.readouterr().err


@pytest.mark.parametrize("name,task", [("breast_cancer", "binary"), ("wine", "multiclass"),
                                       ("diabetes", "regression")])
def test_bundled_data_sets(name, task):
    from custom_ml.bundled import load

    table = load(name)
    assert table.task == task and len(table.data_hash) == 64 and table.X.shape[0] == len(table.y)


def test_tour_step_shows_a_binary_and_a_multiclass_data_set_beside_their_baselines(capsys):
    from custom_ml import tour

    summary = tour.run(None)
    printed = capsys.readouterr().out
    assert "breast_cancer (binary" in printed and "wine (multiclass" in printed
    assert summary.count("ROC-AUC") == 2 and "vs 0.333 baseline" in summary  # wine: a third per class
