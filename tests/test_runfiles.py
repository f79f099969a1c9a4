"""tailor.runfiles: atomic writes that never leave half a file, and JSONL reading that names the bad line."""

from __future__ import annotations

import json

import pytest

from tailor.errors import UsageError
from tailor.runfiles import eval_path, jsonl_lines, read_jsonl, write_json, write_jsonl


def test_a_failed_write_keeps_the_previous_file_and_leaves_no_temporary(tmp_path):
    path = write_json(tmp_path / "eval" / "demo.json", {"value": 1})
    with pytest.raises(TypeError):
        write_json(path, {"value": object()})  # not JSON: fails before anything is renamed
    assert json.loads(path.read_text()) == {"value": 1}
    assert [p.name for p in path.parent.iterdir()] == ["demo.json"]


def test_jsonl_round_trip_skips_blank_lines_and_numbers_the_rest(tmp_path):
    path = write_jsonl(tmp_path / "rows.jsonl", [{"a": 1}, {"b": "é"}])
    path.write_text(path.read_text() + "\n\n" + '{"c": 3}\n')
    assert read_jsonl(path) == [{"a": 1}, {"b": "é"}, {"c": 3}]
    assert [number for number, _ in jsonl_lines(path)] == [1, 2, 5]


@pytest.mark.parametrize("content, fragment", [(b'{"a": 1}\n{"a": \n', "rows.jsonl:2: not valid JSON"),
                                               (b'{"a": "\xff"}\n', "is not UTF-8 text")])
def test_bad_jsonl_is_one_clear_error(tmp_path, content, fragment):
    path = tmp_path / "rows.jsonl"
    path.write_bytes(content)
    with pytest.raises(UsageError, match=fragment):
        read_jsonl(path)
    with pytest.raises(UsageError, match="does not exist"):
        read_jsonl(tmp_path / "missing.jsonl")


def test_evaluation_results_live_in_the_runs_folder(isolated_home):
    assert eval_path("rag") == isolated_home / "runs" / "eval" / "rag.json"
