"""custom_ml on any CSV: mixed column types and missing values, the save/load round trip, a tampered
model file refused without running anything, and a one-line error for each kind of bad input.
"""

from __future__ import annotations

import csv
import json
import shutil
import zipfile
from pathlib import Path

import numpy as np
import pytest

from tailor.cli import main


def write_csv(path, header, rows):
    with open(path, "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def churn_rows(n=160, seed=1):
    """Customers: a numeric signal, a numeric column with gaps, a category with gaps, an id and a constant."""
    rng = np.random.default_rng(seed)
    rows = []
    for i in range(n):
        months = rng.integers(1, 60)
        plan = rng.choice(["basic", "plus", "pro", ""])
        calls = "" if rng.random() < 0.15 else f"{rng.poisson(3)}"
        risk = -0.08 * months + (1.2 if plan == "basic" else 0) + rng.normal(0, 0.8)
        rows.append([f"C{i:04d}", months, calls, plan, "EU", "yes" if risk > -1.5 else "no"])
    return ["customer_id", "months", "support_calls", "plan", "region", "churned"], rows


@pytest.fixture(scope="module")
def churn_csv(tmp_path_factory):
    header, rows = churn_rows()
    return write_csv(tmp_path_factory.mktemp("churn") / "churn.csv", header, rows)


@pytest.fixture(scope="module")
def trained_once(tmp_path_factory, churn_csv):
    from custom_ml.data import read_table
    from custom_ml.run import save_run
    from custom_ml.train import train

    result = train(read_table(churn_csv, "churned"), "auto")
    return result, save_run(result, tmp_path_factory.mktemp("churn_model") / "model")


@pytest.fixture
def trained(trained_once, tmp_path):
    """(training result, a private copy of its saved folder): tests may damage the copy."""
    result, folder = trained_once
    return result, Path(shutil.copytree(folder, tmp_path / "model"))


def test_mixed_types_are_inferred_and_useless_columns_left_out(churn_csv):
    from custom_ml.data import read_table

    table = read_table(churn_csv, "churned")
    assert dict(zip(table.columns, table.kinds, strict=True)) == {
        "months": "numeric", "support_calls": "numeric", "plan": "categorical"}
    assert set(table.dropped) == {"customer_id", "region"}
    calls = table.X[:, table.columns.index("support_calls")].astype(float)
    assert 0 < np.isnan(calls).sum() < len(calls)  # gaps kept as NaN, for the imputer


def test_round_trip_gives_identical_predictions(trained, churn_csv, tmp_path):
    from custom_ml.data import features_for
    from custom_ml.persist import load_model
    from custom_ml.predict import predict_rows

    result, folder = trained
    assert result.best.test["roc_auc"] > result.candidates["baseline"].test["roc_auc"]
    table_meta = json.loads((folder / "meta.json").read_text())
    X = features_for(churn_csv, table_meta["columns"], table_meta["kinds"], table_meta["known_columns"])
    loaded, meta, warning = load_model(folder)
    assert warning is None
    before = result.best.pipeline.predict_proba(X)
    assert np.array_equal(loaded.predict_proba(X), before)
    rows, _, _ = predict_rows(folder, churn_csv)
    expected = np.where(before[:, 1] >= meta["threshold"], meta["positive"], meta["negative"])
    assert [row["prediction"] for row in rows] == list(expected)


def test_predict_cli_writes_a_csv_and_reports_a_version_mismatch(trained, churn_csv, tmp_path, capsys):
    _, folder = trained
    meta = json.loads((folder / "meta.json").read_text())
    meta["versions"]["scikit-learn"] = "0.0.1"
    (folder / "meta.json").write_text(json.dumps(meta))
    out = tmp_path / "predictions.csv"
    assert main(["classify", "predict", "--model", str(folder), "--csv", str(churn_csv), "--out", str(out)]) == 0
    assert "saved with scikit-learn 0.0.1" in capsys.readouterr().err
    with open(out, newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 160 and {row["prediction"] for row in rows} <= {"yes", "no"}


def tamper(model_file, module, name):
    """Point the model file's top object at another class, the way an attacker would."""
    with zipfile.ZipFile(model_file) as archive:
        files = {item: archive.read(item) for item in archive.namelist()}
    schema = json.loads(files["schema.json"])
    schema["__module__"], schema["__class__"] = module, name
    files["schema.json"] = json.dumps(schema).encode()
    with zipfile.ZipFile(model_file, "w") as archive:
        for item, data in files.items():
            archive.writestr(item, data)


def test_tampered_model_file_is_refused_without_running_anything(trained, churn_csv, tmp_path, monkeypatch,
                                                                capsys):
    from custom_ml.persist import UntrustedModelError, load_model

    _, folder = trained
    marker = tmp_path / "marker"
    code = tmp_path / "code"
    code.mkdir()
    (code / "payload_mod.py").write_text(
        f"open({str(marker)!r}, 'w').close()\n"
        "class Boom:\n"
        f"    def __setstate__(self, state): open({str(marker)!r}, 'w').close()\n")
    monkeypatch.syspath_prepend(str(code))
    tamper(folder / "model.skops", "payload_mod", "Boom")
    with pytest.raises(UntrustedModelError, match="payload_mod.Boom"):
        load_model(folder)
    assert main(["classify", "predict", "--model", str(folder), "--csv", str(churn_csv)]) == 2
    assert "refusing to load" in capsys.readouterr().err
    assert not marker.exists()


def test_a_file_that_is_not_a_model_is_a_clear_error(trained, churn_csv, capsys):
    _, folder = trained
    (folder / "model.skops").write_bytes(b"not a zip at all")
    assert main(["classify", "predict", "--model", str(folder), "--csv", str(churn_csv)]) == 2
    assert "not a readable skops model file" in capsys.readouterr().err


BAD_TRAIN = {
    "missing file": (None, "does not exist"),
    "missing target": ([["a", "b"], *[[i, i % 2] for i in range(30)]], "is not in"),
    "one class": ([["a", "churned"], *[[i, "no"] for i in range(30)]], "has one class"),
    "no usable feature": ([["id", "churned"], *[[f"u{i}", "yes" if i % 2 else "no"] for i in range(30)]],
                          "no usable feature"),
    "garbage in numbers": ([["a", "churned"], *[[i if i != 7 else "lots", "yes" if i % 2 else "no"]
                                                for i in range(30)]], "row 8 has 'lots'"),
}


@pytest.mark.parametrize("case", list(BAD_TRAIN))
def test_bad_training_input_is_a_one_line_error_and_writes_nothing(case, tmp_path, capsys):
    rows, message = BAD_TRAIN[case]
    path = tmp_path / "in.csv"
    if rows is not None:
        write_csv(path, rows[0], rows[1:])
    out = tmp_path / "run"
    code = main(["classify", "train", "--csv", str(path), "--target", "churned", "--out", str(out)])
    err = capsys.readouterr().err
    assert code == 2 and message in err and err.count("\n") == 1
    assert not out.exists() and not (tmp_path / "runs").exists()


def test_predict_input_must_match_training(trained, tmp_path, capsys):
    _, folder = trained
    header, rows = churn_rows(20, seed=5)
    fewer = write_csv(tmp_path / "fewer.csv", [h for h in header if h != "plan"],
                      [[v for h, v in zip(header, row, strict=True) if h != "plan"] for row in rows])
    more = write_csv(tmp_path / "more.csv", [*header, "discount"], [[*row, "5"] for row in rows])
    rows[3][1] = "forty"
    garbage = write_csv(tmp_path / "garbage.csv", header, rows)
    out = tmp_path / "p.csv"
    for path, message in ((fewer, "lacks the column(s) the model was trained on: plan"),
                          (more, "not trained on: discount"),
                          (garbage, "column 'months' must hold numbers but row 4 has 'forty'")):
        assert main(["classify", "predict", "--model", str(folder), "--csv", str(path), "--out", str(out)]) == 2
        assert message in capsys.readouterr().err
    assert not out.exists()


def test_predict_refuses_to_write_over_its_input(trained, churn_csv, tmp_path, capsys):
    """`--out` naming the input CSV (directly, or through another spelling) is refused; the input is intact."""
    _, folder = trained
    mine = Path(shutil.copy(churn_csv, tmp_path / "in.csv"))
    before = mine.read_bytes()
    for out in (str(mine), str(tmp_path / "." / "in.csv")):
        code = main(["classify", "predict", "--model", str(folder), "--csv", str(mine), "--out", out])
        err = capsys.readouterr().err
        assert code == 2 and err.startswith("error:") and "destroy the input" in err
        assert mine.read_bytes() == before
