"""The LLM comparison on the fake backend: the same test rows go out as text, the labels come back through
a schema, and the report puts the LLM's measured numbers beside the classifier's and the majority label's.
"""

from __future__ import annotations

import json

import numpy as np
import pytest

from tailor.backends.fake import FakeBackend


@pytest.fixture(scope="module")
def demo_result():
    from custom_ml.data import breast_cancer
    from custom_ml.train import train

    return train(breast_cancer(), "linear")


def test_rows_become_text_and_the_label_a_schema_enum():
    from custom_ml.llm import classify_rows

    fake = FakeBackend()
    fake.queue(parsed={"label": "benign"}).queue(parsed={"label": "malignant"})
    X = np.array([[14.2, 0.0712], [20.5, np.nan]], dtype=object)
    labels, replies = classify_rows(fake, X, ["mean radius", "mean smoothness"], ["benign", "malignant"])
    assert labels == ["benign", "malignant"] and len(replies) == 2
    first, second = fake.requests
    assert "mean radius: 14.2\nmean smoothness: 0.0712" in first.messages[-1]["content"]
    assert "mean smoothness: missing" in second.messages[-1]["content"]
    assert first.schema.model_json_schema()["properties"]["label"]["enum"] == ["benign", "malignant"]


def test_stratified_rows_keep_the_class_mix():
    from custom_ml.evaluate import stratified_rows

    y = np.array([1] * 30 + [0] * 70)
    chosen = stratified_rows(y, 10)
    assert len(set(chosen)) == 10 and y[chosen].sum() == 3


def test_evaluate_with_llm_compares_on_the_same_rows_and_writes_json(demo_result, monkeypatch, isolated_home):
    from custom_ml import evaluate

    monkeypatch.setattr("custom_ml.train.train", lambda *args, **kwargs: demo_result)
    fake = FakeBackend()
    for _ in range(12):  # an LLM that always says benign
        fake.queue(parsed={"label": "benign"})
    report = evaluate.evaluate(fake, limit=12)
    path = evaluate.write_report(report)
    assert path == isolated_home / "runs" / "eval" / "custom_ml.json"
    saved = json.loads(path.read_text())
    rows = evaluate.stratified_rows(demo_result.y_test, 12)
    truth_benign = float(np.mean(demo_result.y_test[rows] == 0))
    llm = saved["llm"]
    assert (llm["items"], llm["backend"], llm["model"]) == (12, "fake", "fake-model")
    assert (saved["backend"], saved["model"], saved["classifier"]) == ("fake", "fake-model", "linear")
    assert llm["llm"]["accuracy"] == pytest.approx(truth_benign) == llm["llm"]["majority_label_accuracy"]
    assert llm["llm"]["sensitivity"] == 0.0 and llm["llm"]["specificity"] == 1.0
    assert llm["llm"]["label_counts"] == {"benign": 12} and llm["llm"]["usd"] == 0.0
    assert llm["classifier"]["accuracy"] > llm["llm"]["accuracy"]
    assert saved["metrics"]["roc_auc"] > saved["baseline"]["roc_auc"] + 0.4
    assert saved["items"] == len(demo_result.y_test) and saved["rows"] == 569 and saved["timestamp"]
    assert saved["seconds_per_row"] > 0
    # the rows the LLM saw are the classifier's test rows, in the stratified order
    first_row = demo_result.X_test[rows[0]]
    assert f"mean radius: {first_row[0]:.4g}" in fake.requests[0].messages[-1]["content"]


def test_evaluate_cli_without_llm_writes_the_baseline_beside_the_model(monkeypatch, demo_result, capsys):
    from custom_ml import evaluate

    monkeypatch.setattr("custom_ml.train.train", lambda *args, **kwargs: demo_result)
    assert evaluate.main([]) == 0
    out = capsys.readouterr().out
    assert "baseline (Dummy)" in out and f"{demo_result.best.test['roc_auc']:.3f}" in out


@pytest.mark.slow
def test_real_local_model_answers_a_valid_label_for_each_row(demo_result, local_backend):
    from custom_ml.evaluate import llm_on_rows, stratified_rows

    rows = stratified_rows(demo_result.y_test, 2)
    measured = llm_on_rows(demo_result, local_backend, rows)
    assert sum(measured["label_counts"].values()) == 2
    assert set(measured["label_counts"]) <= {"benign", "malignant"}
    assert measured["seconds_per_row"] > 0 and measured["prompt_tokens_per_row"] > 200
