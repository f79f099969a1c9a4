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
    for _ in range(24):  # an LLM that always says benign, zero-shot then few-shot
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
    assert llm["few_shot"]["shots"] == 4 and llm["few_shot"]["label_counts"] == {"benign": 12}
    assert llm["featureless"]["accuracy"] == pytest.approx(truth_benign)
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
    assert "baseline (DummyClassifier(prior))" in out and f"{demo_result.best.test['roc_auc']:.3f}" in out


@pytest.mark.slow
def test_real_local_model_answers_a_valid_label_for_each_row(demo_result, local_backend):
    from custom_ml.evaluate import llm_on_rows, stratified_rows

    rows = stratified_rows(demo_result.y_test, 2)
    measured = llm_on_rows(demo_result, local_backend, rows)
    assert sum(measured["label_counts"].values()) == 2
    assert set(measured["label_counts"]) <= {"benign", "malignant"}
    assert measured["seconds_per_row"] > 0 and measured["prompt_tokens_per_row"] > 200


@pytest.mark.parametrize("data,answer", [("wine", {"label": "cultivar_1"}), ("diabetes", {"value": 150.0})])
def test_llm_beside_the_model_on_every_task_zero_and_few_shot(data, answer, isolated_home):
    """Multi-class and regression get the same comparison: model, LLM zero-shot and few-shot, no features."""
    from custom_ml import evaluate

    fake = FakeBackend()
    for _ in range(2 * 6):
        fake.queue(parsed=answer)
    report = evaluate.evaluate(fake, limit=6, data=data, shots=3)
    llm = report["llm"]
    assert llm["items"] == 6 and llm["llm"]["shots"] == 0 and llm["few_shot"]["shots"] == 3
    zero, few = fake.requests[:6], fake.requests[6:]
    assert [len(r.messages) for r in zero] == [2] * 6 and [len(r.messages) for r in few] == [8] * 6
    assert zero[0].messages[-1] == few[0].messages[-1]  # the same test row, after three solved ones
    if data == "wine":
        assert zero[0].schema.model_json_schema()["properties"]["label"]["enum"] == [
            "cultivar_0", "cultivar_1", "cultivar_2"]
        assert llm["llm"]["label_counts"] == {"cultivar_1": 6}
        assert llm["classifier"]["accuracy"] > llm["llm"]["accuracy"]
        assert {"balanced_accuracy", "macro_f1", "roc_auc"} <= set(report["metrics"])
    else:
        assert "value" in zero[0].schema.model_json_schema()["properties"]
        assert '"value":' in few[0].messages[2]["content"]  # a true training answer as the assistant turn
        assert llm["llm"]["rmse"] > 0 and llm["classifier"]["rmse"] < llm["featureless"]["rmse"] * 1.2
        assert report["metrics"]["rmse"] < report["baseline"]["rmse"]
        assert report["baseline"]["name"] == "DummyRegressor(mean)"
    path = evaluate.write_report(report)
    assert path.name == f"custom_ml_{data}.json"


def test_few_shot_examples_come_from_training_rows_and_cover_every_class():
    from custom_ml.llm import pick_examples

    X = np.arange(20, dtype=float).reshape(10, 2)
    y = np.array(list("aabbbccccc"))
    picked = pick_examples(X, y, "multiclass", 4)
    assert [answer for _, answer in picked] == ["a", "b", "c", "a"]
    values = pick_examples(X, np.arange(10.0), "regression", 3)
    assert [answer for _, answer in values] == [0.0, 4.0, 8.0]
