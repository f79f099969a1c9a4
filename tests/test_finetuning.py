"""Fast tests of the tutor demo: data checks, voice rules, label masking, run folders, CLI errors."""

from __future__ import annotations

import json

import pytest

from finetuning.data import IGNORE, encode_record, load_records, prompt_ids
from finetuning.train import TrainConfig
from finetuning.voice import RULES, check_voice, complies, is_exercise
from tailor.cli import main
from tailor.config import data_dir
from tailor.errors import UsageError
from tailor.runfiles import last_incomplete_run, latest_run, mark_latest, new_run_dir, write_json

GOOD = "Great question! Gravity pulls things with mass toward each other. Why do apples fall down?"


def write_lines(path, lines):
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return path


def chat_line(question="Q?", answer="A."):
    return json.dumps({"messages": [{"role": "user", "content": question},
                                    {"role": "assistant", "content": answer}]})


# -- data --------------------------------------------------------------------------------------------
def test_load_records_names_the_bad_line(tmp_path):
    path = write_lines(tmp_path / "d.jsonl", [chat_line(), "", "{not json"])
    with pytest.raises(UsageError, match=r"d\.jsonl:3: not valid JSON"):
        load_records(path)


@pytest.mark.parametrize("line, message", [
    (json.dumps({"messages": [{"role": "user", "content": "hi"}]}), "no assistant turn"),
    (json.dumps({"messages": []}), "non-empty"),
    (json.dumps({"messages": [{"role": "robot", "content": "x"}]}), "role"),
    (json.dumps({"messages": [{"role": "user", "content": "  "}]}), "empty"),
])
def test_load_records_rejects_bad_records(tmp_path, line, message):
    path = write_lines(tmp_path / "d.jsonl", [chat_line(), line])
    with pytest.raises(UsageError, match=f":2: .*{message}"):
        load_records(path)


def test_load_records_rejects_empty_and_missing_files(tmp_path):
    with pytest.raises(UsageError, match="no records"):
        load_records(write_lines(tmp_path / "empty.jsonl", ["", "  "]))
    with pytest.raises(UsageError, match="does not exist"):
        load_records(tmp_path / "missing.jsonl")


def test_bundled_data_sizes_voice_and_held_out_questions():
    train = load_records(data_dir() / "finetuning" / "tutor_train.jsonl")
    held = load_records(data_dir() / "finetuning" / "tutor_eval.jsonl")
    assert len(train) >= 300 and len(held) >= 60
    questions = {r["messages"][0]["content"] for r in train}
    assert not questions & {r["messages"][0]["content"] for r in held}
    for record in train + held:
        question, answer = (m["content"] for m in record["messages"])
        assert complies(question, answer, record["solution"]), question
    assert sum(r["kind"] == "exercise" for r in held) >= 20


# -- voice rules -------------------------------------------------------------------------------------
def test_a_compliant_answer_passes_every_rule():
    assert check_voice("What is gravity?", GOOD) == dict.fromkeys(RULES, True)


@pytest.mark.parametrize("answer, broken", [
    (GOOD.replace("Great question! ", ""), "greeting"),
    (GOOD.replace("Why", "word " * 80 + "Why"), "concise"),
    ("Great question!\n- pulls things\n- keeps orbits\nWhy do apples fall?", "plain_text"),
    ("Great question! **Gravity** pulls things. Why do apples fall?", "plain_text"),
    (GOOD.replace("Why do apples fall down?", "That is all."), "check_question"),
])
def test_each_rule_can_fail_on_its_own(answer, broken):
    verdict = check_voice("What is gravity?", answer)
    assert [rule for rule, ok in verdict.items() if not ok] == [broken]


def test_exercises_need_a_hint_and_no_final_answer():
    question = "Solve for x: 2x + 3 = 11"
    assert is_exercise(question) and not is_exercise("What is gravity?")
    hint = "Great question! Hint: subtract 3 from both sides first. What is left on the right?"
    assert check_voice(question, hint, solution="4")["hint_first"]
    spoiler = hint.replace("What is left", "So x is 4. What is left")
    assert not check_voice(question, spoiler, "4")["hint_first"]
    assert not check_voice(question, "Great question! The answer is x = 4. Clear?")["hint_first"]
    assert not check_voice(question, "Great question! Subtract 3 first. What is left?", "4")["hint_first"]


# -- labels and prompts ------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def tokenizer():
    from transformers import AutoTokenizer

    from tailor.models import resolve_model

    return AutoTokenizer.from_pretrained(resolve_model(None)[0])


def test_labels_cover_only_replies_and_keep_the_eos(tokenizer):
    messages = [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Great question! Ok?"},
                {"role": "user", "content": "More?"}, {"role": "assistant", "content": "Sure?"}]
    encoded = encode_record(tokenizer, messages, max_length=512)
    ids, labels = encoded["input_ids"], encoded["labels"]
    assert labels[-1] == ids[-1] == tokenizer.eos_token_id
    for index in (1, 3):  # each reply starts right after the inference prompt of the turns before it
        prefix = prompt_ids(tokenizer, messages[:index])
        assert ids[:len(prefix)] == prefix and labels[len(prefix) - 1] == IGNORE
        assert labels[len(prefix)] == ids[len(prefix)]
    labelled = tokenizer.decode([t for t, label in zip(ids, labels, strict=True) if label != IGNORE])
    assert labelled == "Great question! Ok?<|im_end|>Sure?<|im_end|>"


# -- runs --------------------------------------------------------------------------------------------
def test_latest_moves_only_to_completed_runs():
    assert latest_run("tutor") is None
    first = new_run_dir("tutor")
    assert last_incomplete_run("tutor") == first and latest_run("tutor") is None
    write_json(first / "run_card.json", {"base_model": "m"})
    mark_latest(first, "tutor")
    second = new_run_dir("tutor")  # started, never finished (interrupted)
    assert second != first and latest_run("tutor") == first.resolve()
    assert last_incomplete_run("tutor") == second


def test_train_config_rejects_bad_numbers(tmp_path):
    with pytest.raises(UsageError, match="rank"):
        TrainConfig(data=tmp_path, rank=0).check()
    with pytest.raises(UsageError, match="lr"):
        TrainConfig(data=tmp_path, lr=-1.0).check()


# -- command line ------------------------------------------------------------------------------------
def test_train_reports_a_bad_line_with_exit_code_2(tmp_path, capsys):
    path = write_lines(tmp_path / "d.jsonl", [chat_line(), "[1, 2]"])
    assert main(["tutor", "train", "--data", str(path)]) == 2
    assert "d.jsonl:2" in capsys.readouterr().err


def test_chat_without_an_adapter_says_how_to_train_one(capsys, no_shipped_adapters):
    assert main(["tutor", "chat", "What is gravity?"]) == 2
    assert "tailor tutor train" in capsys.readouterr().err


def test_chat_with_a_missing_adapter_path(tmp_path, capsys):
    assert main(["tutor", "chat", "Hi", "--adapter", str(tmp_path / "nope")]) == 2
    assert "does not exist" in capsys.readouterr().err


def test_an_adapter_from_another_base_model_is_refused(tmp_path):
    from finetuning.tutor import check_base

    write_json(tmp_path / "run_card.json", {"base_model": "someone/other-model"})
    with pytest.raises(UsageError, match="trained on someone/other-model"):
        check_base(tmp_path, None)


def test_export_openai_writes_and_validates(tmp_path, capsys):
    out = tmp_path / "openai.jsonl"
    assert main(["tutor", "export-openai", "--out", str(out)]) == 0
    lines = [json.loads(line) for line in out.read_text().splitlines()]
    source = load_records(data_dir() / "finetuning" / "tutor_train.jsonl")
    assert len(lines) == len(source) and all(set(line) == {"messages"} for line in lines)
    assert lines[0]["messages"] == source[0]["messages"]
    small = write_lines(tmp_path / "small.jsonl", [chat_line()] * 3)
    assert main(["tutor", "export-openai", "--data", str(small), "--out", str(tmp_path / "x.jsonl")]) == 2
    assert "at least 10" in capsys.readouterr().err and not (tmp_path / "x.jsonl").exists()


def test_voice_rates_count_hint_first_over_exercises_only():
    from finetuning.evaluate import voice_rates

    records = [{"messages": [{"role": "user", "content": "What is gravity?"}], "solution": None},
               {"messages": [{"role": "user", "content": "Solve 2x = 8"}], "solution": "4"}]
    rates = voice_rates(records, [GOOD, "Great question! x is 4. Got it?"])
    assert rates["hint_first"] == 0.0 and rates["greeting"] == 1.0 and rates["all_rules"] == 0.5
