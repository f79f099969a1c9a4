"""The scenario evaluation and the tool-calling training data, on the fake backend (no model)."""

from __future__ import annotations

import json

import pytest

from agents import evaluate, tooldata
from agents.baseline import Request
from tailor.config import data_dir, runs_dir

SCENARIOS = data_dir() / "agents" / "scenarios.jsonl"


def scenario(sid):
    return next(s for s in evaluate.load_scenarios(SCENARIOS) if s["id"] == sid)


def test_the_bundled_scenarios_cover_every_required_kind():
    scenarios = evaluate.load_scenarios(SCENARIOS)
    kinds = {s["kind"] for s in scenarios}
    assert len(scenarios) >= 30 and len({s["id"] for s in scenarios}) == len(scenarios)
    assert {"full", "missing", "alternative", "diet", "cancel", "list", "refusal", "other-user", "planted"} <= kinds
    assert any(len(s["turns"]) > 1 for s in scenarios)


def test_a_right_agent_run_succeeds_and_a_wrong_one_fails(fake, tmp_path):
    full = scenario("full-03")  # "a table for six at Spice Route on Friday at 7pm"
    fake.queue(tool_calls=[("book_table", {"restaurant": "Spice Route", "party_size": 6, "date": "friday",
                                           "time": "7pm"})])
    fake.queue(tool_calls=[("book_table", {"restaurant": "Spice Route", "party_size": 4, "date": "friday",
                                           "time": "7pm"})]).queue(text="Sorry.")  # a party nobody said
    right = evaluate.run_scenario("agent (fake)", fake, full, tmp_path)
    wrong = evaluate.run_scenario("agent (fake)", fake, full, tmp_path)
    assert right["success"] and not wrong["success"]
    assert evaluate.argument_accuracy(full, right["trace"]) == (4, 4)
    assert evaluate.argument_accuracy(full, wrong["trace"]) == (3, 4)


def test_missing_details_succeed_only_with_a_question_and_no_write(fake, tmp_path):
    missing = scenario("missing-01")
    fake.queue(text="Which day, what time and for how many people?").queue(text="Sure thing.")
    assert evaluate.run_scenario("agent (fake)", fake, missing, tmp_path)["success"]
    assert not evaluate.run_scenario("agent (fake)", fake, missing, tmp_path)["success"]


def test_the_baseline_books_from_one_extraction_and_respects_the_approval(fake, tmp_path):
    fake.queue(parsed=Request(action="book", restaurant="Casa Lupo", party_size=4, date="2027-03-05",
                              time="19:00"))
    assert evaluate.run_scenario("baseline (fake)", fake, scenario("full-01"), tmp_path)["success"]
    fake.queue(parsed=Request(action="book", restaurant="Casa Lupo", party_size=2, date="tomorrow", time="20:00"))
    refused = evaluate.run_scenario("baseline (fake)", fake, scenario("refuse-01"), tmp_path)
    assert refused["success"] and refused["trace"][-1]["status"] == "failed"  # "no" at approval: nothing written


def test_the_report_holds_every_configuration_beside_the_baseline(fake):
    scenarios = [scenario("list-02")]
    fake.queue(tool_calls=[("list_my_bookings", {})]).queue(text="None.").queue(parsed=Request(action="list"))
    results = evaluate.evaluate({"agent (fake)": fake, "baseline (fake, no loop)": fake}, scenarios,
                                progress=lambda line: None)
    path = evaluate.write_report(results, scenarios, str(SCENARIOS))
    report = json.loads(path.read_text())
    assert path == runs_dir() / "eval" / "agents.json"
    assert report["value"] == 1.0 and report["baseline"] == 1.0 and report["items"] == 1
    assert report["configs"]["agent (fake)"]["tool_calls_per_task"] == 1.0


def test_a_configuration_can_be_limited_to_the_first_scenarios(fake):
    scenarios = [scenario("list-02"), scenario("list-01")]
    fake.queue(tool_calls=[("list_my_bookings", {})]).queue(text="None.")
    results = evaluate.evaluate({"agent (fake)": fake}, scenarios, progress=lambda line: None,
                                limits={"agent (fake)": 1})
    assert results["agent (fake)"]["items"] == 1 and list(results["agent (fake)"]["per_scenario"]) == ["list-02"]


@pytest.fixture(scope="module")
def records():
    return tooldata.generate(60, seed=1)


def test_training_data_holds_out_the_evaluation_phrasings(records):
    held_out = tooldata.held_out_turns()
    users = [tooldata._norm(m["content"]) for r in records for m in r["messages"] if m["role"] == "user"]
    assert users and not set(users) & held_out
    assert "2027-03-01" not in json.dumps(records)  # never the evaluation's "today"


def test_training_targets_are_exactly_what_the_constrained_decoder_can_write(records):
    from agents import db
    from agents.schemas import build_tools

    tools = {t.name: t for t in build_tools(db.connect())}  # this test's own TAILOR_HOME
    for record in records:
        last = json.loads(record["messages"][-1]["content"])
        assert set(last) == {"answer"} and last["answer"]
        for turn in record["messages"]:
            if turn["role"] == "assistant" and turn["content"].startswith('{"tool"'):
                call = json.loads(turn["content"])
                assert call["tool"] in tools
                assert list(call["arguments"]) == [k for k in tools[call["tool"]].parameters["properties"]
                                                   if k in call["arguments"]]  # the schema's order
        assert record["messages"][0]["role"] == "system" and "book_table" in record["messages"][0]["content"]


def test_a_model_that_would_ask_again_after_a_no_is_never_asked_to(fake, tmp_path):
    call = ("book_table", {"restaurant": "Casa Lupo", "party_size": 2, "date": "2027-03-05", "time": "19:00"})
    for _ in range(6):
        fake.queue(tool_calls=[call])
    turns = ["Book Casa Lupo for 2 on 2027-03-05 at 19:00."]
    outcome = evaluate.run_scenario("agent (fake)", fake, {"id": "x", "turns": turns, "approvals": [],
                                                            "expect": {"bookings": []}}, tmp_path)
    assert outcome["success"] and not outcome["stopped"]  # the unplanned approval was answered no: nothing written
    assert len(fake.requests) == 1  # the "no" ended the turn: the model proposed nothing more
