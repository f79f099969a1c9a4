"""Tests of `tailor advise`: the labelled data, the four ways, the refusal check and the evaluation.

Unit tests use the rules and the fake backend only; tests that load the bundled MiniLM are marked slow
and share one advisor (the embedding model and the fitted classifiers) per module.
"""

from __future__ import annotations

import json

import pytest

from advise import prompt, rules
from advise.advisor import FALLBACK_WAY, Advisor, default_way, eval_path
from advise.data import load_ideas, load_not_apps, split, split_not_apps
from advise.evaluate import best_of, confusion, evaluate, score, spread
from advise.explain import build_advice, format_text, not_an_app
from advise.gate import MAX_CHARS, check_text, looks_like_app
from advise.methods import METHODS, NONE
from tailor.cli import main
from tailor.errors import UsageError
from tailor.runfiles import write_json


# -- the data ------------------------------------------------------------------------------------
def test_ideas_are_many_labelled_and_split_the_same_way_every_time():
    ideas = load_ideas()
    assert len(ideas) >= 120
    assert {i.primary for i in ideas} == set(METHODS)
    assert len({i.idea for i in ideas}) == len(ideas)  # no duplicates
    train, test = split(ideas)
    assert (train, test) == split(load_ideas())
    assert not {i.id for i in train} & {i.id for i in test}
    assert {i.primary for i in test} == set(METHODS)  # stratified: every method is held out
    assert 0.2 <= len(test) / len(ideas) <= 0.3
    assert split(ideas, seed=1)[1] != test  # the seed, not luck, fixes the split


def test_non_app_texts_are_split_in_halves():
    train, test = split_not_apps(load_not_apps())
    assert len(train) >= 10 and len(test) >= 10 and not set(train) & set(test)


# -- way 1: rules --------------------------------------------------------------------------------
@pytest.mark.parametrize("idea, expected", [
    ("A bot that can book a table and cancel reservations for me", ("agents", NONE)),
    ("Sort photos of skin spots into harmless or worth a doctor's visit", ("custom_ml", NONE)),
    ("Predict next month's sales and explain the forecast in plain language", ("custom_ml", "prompting")),
    ("Employees ask questions about our internal wiki pages", ("rag", NONE)),
    ("Answer from our documentation in our brand voice", ("finetune_rag", NONE)),
    ("Write children's riddles about the planets", ("prompting", NONE)),
])
def test_rule_baseline_follows_the_lessons_order(idea, expected):
    result = rules.predict(idea)
    assert (result["primary"], result["supporting"]) == expected
    assert 0 < result["confidence"] <= 1


def test_rules_match_whole_words_only():
    # "hour" holds "our", "rapid" holds "api": neither is a cue.
    found = rules.criteria("A rapid hourly quiz generator")
    assert found["data"] == [] and found["action"] == []
    assert rules.predict("A rapid hourly quiz generator")["primary"] == "prompting"


# -- way 2: prompting (fake backend) -------------------------------------------------------------
def test_prompt_way_sends_schema_criteria_and_training_examples(fake):
    train, test = split(load_ideas())
    examples = prompt.few_shot(train)
    assert {e.primary for e in examples} == set(METHODS)
    assert not {e.id for e in examples} & {i.id for i in test}  # never a held-out idea
    fake.queue(parsed={"primary": "agents", "supporting": "rag", "reason": "it must act through APIs"})
    fake.queue(parsed={"primary": "rag", "supporting": "rag", "reason": "private manuals"})
    out = prompt.predict(fake, ["Book my dentist", "Answer from manuals"], examples)
    assert [(o["primary"], o["supporting"]) for o in out] == [("agents", "rag"), ("rag", NONE)]
    assert out[0]["confidence"] is None  # a generated label claims no probability
    request = fake.requests[0]
    assert request.schema is prompt.MethodChoice
    assert all(m in request.messages[0]["content"] for m in METHODS)
    assert len(request.messages) == 2 + 2 * len(examples)
    assert request.messages[-1]["content"].endswith("Book my dentist")


def test_prompt_way_through_the_advisor(fake):
    fake.queue(parsed={"primary": "custom_ml", "supporting": "prompting", "reason": "video input"})
    out = Advisor(backend=fake).predict("prompt", ["An app that corrects posture from videos"])
    assert out[0]["primary"] == "custom_ml" and out[0]["reason"] == "video input"


def test_unknown_way_is_a_usage_error():
    with pytest.raises(UsageError, match="unknown way"):
        Advisor().predict("astrology", ["An app that books tables"])


# -- bad input -----------------------------------------------------------------------------------
def test_empty_and_overlong_ideas_are_refused():
    with pytest.raises(UsageError, match="empty"):
        check_text("   ")
    with pytest.raises(UsageError, match="limit"):
        check_text("An app " * MAX_CHARS)
    assert check_text("  An app\n that  books tables ") == "An app that books tables"


def test_the_app_check_uses_words_probability_and_app_nouns():
    assert not looks_like_app("hello there", 0.99)[0]              # too short whatever the score
    assert not looks_like_app("I had pasta for lunch today", 0.1)[0]
    assert looks_like_app("Something that reads invoices for accountants", 0.8)[0]
    assert looks_like_app("A chatbot for my grandmother's knitting club", 0.1)[0]  # names an app


def test_a_too_short_idea_is_refused_before_any_model_loads():
    advisor = Advisor()
    advice = advisor.advise("make an app", way="classifier")
    assert not advice.describes_app and advice.primary is None and "3 word" in advice.message
    assert advisor._embedder is None and not advisor._models


def test_cli_refuses_an_empty_idea(capsys):
    assert main(["advise", "  "]) == 2
    assert "empty" in capsys.readouterr().err


# -- turning a label into advice -----------------------------------------------------------------
def test_advice_explains_avoids_and_points_to_a_folder():
    idea = "Watch athletes' videos and explain posture fixes"
    advice = build_advice(idea, "classifier", "chosen with --way",
                          {"primary": "custom_ml", "supporting": "prompting", "confidence": 0.7}, 0.01)
    assert advice.start_from["folder"] == "custom_ml/"
    assert {a["method"] for a in advice.avoid} == set(METHODS) - {"custom_ml", "prompting"}
    assert any("'video" in r for r in advice.reasons)  # the idea's own cue words are quoted
    text = format_text(advice)
    assert "custom ML" in text and "0.70" in text and "start from:  custom_ml/" in text
    refused = not_an_app("hello", "rules", "too short", 0.0)
    assert refused.primary is None and "does not describe an app" in format_text(refused)


# -- the evaluation ------------------------------------------------------------------------------
def test_scores_and_confusion_matrix():
    train, test = split(load_ideas())
    some = test[:4]
    predictions = [{"primary": i.primary, "supporting": NONE} for i in some]
    predictions[0] = {"primary": "agents" if some[0].primary != "agents" else "rag", "supporting": NONE}
    result = score(some, predictions, seconds=2.0)
    assert result["primary_accuracy"] == 0.75 and result["seconds_per_idea"] == 0.5
    assert sum(map(sum, result["confusion"])) == 4
    matrix = confusion(["rag", "rag"], ["rag", "agents"])
    assert matrix[METHODS.index("rag")][METHODS.index("agents")] == 1
    assert {i.primary for i in spread(test, 6)} == set(METHODS)


def test_best_way_and_default_way_come_from_the_stored_evaluation():
    ways = {"rules": {"primary_accuracy": 0.6, "full_accuracy": 0.6, "seconds_per_idea": 0.0},
            "combined": {"primary_accuracy": 0.8, "full_accuracy": 0.7, "seconds_per_idea": 0.1},
            "classifier": {"primary_accuracy": 0.8, "full_accuracy": 0.7, "seconds_per_idea": 0.05}}
    assert best_of(ways) == "classifier"  # tie on accuracy: the faster way
    assert default_way()[0] == FALLBACK_WAY  # nothing stored yet
    write_json(eval_path(), {"best_way": "combined", "ways": ways})
    way, why = default_way()
    assert way == "combined" and "80%" in why


# -- ways 3 and 4: the classifiers on the bundled MiniLM (slow: loads the embedding model) -------
@pytest.fixture(scope="module")
def advisor():
    return Advisor()


def accuracy(advisor, way) -> float:
    predictions = advisor.predict(way, [i.idea for i in advisor.test])
    hits = sum(p["primary"] == i.primary for p, i in zip(predictions, advisor.test, strict=True))
    return hits / len(advisor.test)


@pytest.mark.slow
def test_classifier_beats_the_rule_baseline_on_held_out_ideas(advisor):
    rules_accuracy = accuracy(advisor, "rules")
    classifier_accuracy = accuracy(advisor, "classifier")
    majority = max(sum(i.primary == m for i in advisor.test) for m in METHODS) / len(advisor.test)
    assert classifier_accuracy > rules_accuracy > majority


@pytest.mark.slow
def test_classifier_predicts_clear_ideas_and_is_cached(tmp_path):
    ideas = ["A bot that reorders printer paper and books the repair technician",
             "Find cracks in bridge photos taken by drones"]
    out = Advisor().predict("classifier", ideas)  # trains on the training split, then caches
    assert [o["primary"] for o in out] == ["agents", "custom_ml"]
    assert all(abs(sum(o["scores"].values()) - 1) < 0.01 and o["confidence"] > 1 / 6 for o in out)
    cached = list((tmp_path / "home" / "advise").glob("classifier-*.skops"))
    assert len(cached) == 1, "the fitted classifier is cached under TAILOR_HOME"
    stamp = cached[0].stat().st_mtime_ns
    again = Advisor().predict("classifier", ideas)  # loads the cache instead of training
    assert [o["scores"] for o in again] == [o["scores"] for o in out]
    assert cached[0].stat().st_mtime_ns == stamp


@pytest.mark.slow
def test_cli_json_and_an_honest_refusal(capsys):
    assert main(["advise", "--way", "combined", "--json",
                 "A support bot that answers from our product manuals in our brand voice"]) == 0
    advice = json.loads(capsys.readouterr().out)
    assert advice["describes_app"] and advice["primary"] in METHODS
    assert advice["start_from"]["folder"] == advice["primary"] + "/" and advice["reasons"]
    assert main(["advise", "--way", "combined", "Who won the football world cup in 1998?"]) == 1
    assert "does not describe an app" in capsys.readouterr().out


@pytest.mark.slow
def test_evaluation_writes_json_with_baseline(fake, advisor):
    for _ in range(6):
        fake.queue(parsed={"primary": "rag", "supporting": "none", "reason": "docs"})
    advisor._backend = fake
    report = evaluate(advisor, ["rules", "prompt", "combined"], limit=6)
    write_json(eval_path(), report)
    stored = json.loads(eval_path().read_text())
    assert stored["n_test"] == 6 and stored["best_way"] is None  # partial runs never set the default
    assert stored["ways"]["prompt"]["primary_accuracy"] == pytest.approx(1 / 6, abs=0.01)  # one rag of six
    assert stored["baseline"]["primary_accuracy"] <= 1 and stored["gate"]["non_apps"] >= 10
