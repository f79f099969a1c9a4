"""Chat data through `datasets`: every local format loads and is checked, tokenizing is the trainer's
encoding (identical ids and labels), and a second run reuses the cached tokens."""

from __future__ import annotations

import json

import pytest

from finetuning import dataset
from finetuning.data import encode_record, load_records
from tailor.config import data_dir
from tailor.errors import UsageError

TURNS = [{"role": "user", "content": "What is 2+2?"}, {"role": "assistant", "content": "Great question! 4. Why?"}]


@pytest.fixture
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("TAILOR_HOME", str(tmp_path / "home"))
    return tmp_path


@pytest.fixture(scope="module")
def tokenizer():
    from transformers import AutoTokenizer

    from tailor.models import resolve_model

    return AutoTokenizer.from_pretrained(resolve_model(None)[0])


def _rows(n=3):
    return [{"messages": TURNS, "kind": "concept"} for _ in range(n)]


def test_every_local_format_loads_to_the_same_rows(home):
    import datasets

    rows = _rows()
    (home / "d.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    (home / "d.json").write_text(json.dumps(rows))
    (home / "d.csv").write_text("messages,kind\n" + "".join(
        '"' + json.dumps(r["messages"]).replace('"', '""') + '",concept\n' for r in rows))
    datasets.Dataset.from_list(rows).to_parquet(str(home / "d.parquet"))
    datasets.Dataset.from_list(rows).save_to_disk(str(home / "saved"))
    for name in ("d.jsonl", "d.json", "d.csv", "d.parquet", "saved"):
        loaded = dataset.load_chat_dataset(home / name)
        assert len(loaded) == 3, name
        assert dataset.clean_messages(loaded[0]["messages"]) == TURNS, name


def test_bad_data_gets_one_clear_error_naming_where(home):
    import datasets

    datasets.Dataset.from_list([{"text": "hi"}]).to_parquet(str(home / "no_messages.parquet"))
    with pytest.raises(UsageError, match='no "messages" column .*text'):
        dataset.load_chat_dataset(home / "no_messages.parquet")
    only_reply = [{"messages": [{"role": "user", "content": "Q?"}, {"role": "assistant", "content": "A."}]},
                  {"messages": [{"role": "assistant", "content": "A."}, {"role": "user", "content": "Q?"}]}]
    datasets.Dataset.from_list(only_reply).to_parquet(str(home / "bad_row.parquet"))
    with pytest.raises(UsageError, match=r"bad_row.parquet: row 2: the first assistant turn has no user"):
        dataset.load_chat_dataset(home / "bad_row.parquet")
    (home / "bad.jsonl").write_text(json.dumps(_rows(1)[0]) + "\n\n{not json\n")
    with pytest.raises(UsageError, match=r"bad.jsonl:3"):
        dataset.load_chat_dataset(home / "bad.jsonl")
    (home / "d.txt").write_text("x")
    with pytest.raises(UsageError, match="unknown format"):
        dataset.load_chat_dataset(home / "d.txt")
    with pytest.raises(UsageError, match="does not exist"):
        dataset.load_chat_dataset(home / "missing.parquet")
    (home / "empty_dir").mkdir()
    with pytest.raises(UsageError, match="save_to_disk"):
        dataset.load_chat_dataset(home / "empty_dir")


def test_tokenizing_is_the_trainers_encoding_and_is_cached(home, tokenizer, monkeypatch):
    path = data_dir() / "finetuning" / "tutor_train.jsonl"
    records = load_records(path)[:12]
    small = home / "small.jsonl"
    small.write_text("".join(json.dumps(r) + "\n" for r in records))
    sha = dataset.data_sha256(small)
    assert not dataset.is_cached(sha, tokenizer, 512)
    tokens = dataset.tokenize(dataset.load_chat_dataset(small), tokenizer, 512, sha)
    for record, row in zip(records, tokens, strict=True):
        expected = encode_record(tokenizer, record["messages"], 512)
        assert row["input_ids"] == expected["input_ids"] and row["labels"] == expected["labels"]
    assert dataset.is_cached(sha, tokenizer, 512)

    def must_not_run(*args, **kwargs):
        raise AssertionError("tokenized again although the cache holds this data")

    monkeypatch.setattr(dataset, "encode_record", must_not_run)
    again = dataset.tokenize(dataset.load_chat_dataset(small), tokenizer, 512, sha)
    assert again._fingerprint == tokens._fingerprint and again["input_ids"] == tokens["input_ids"]
