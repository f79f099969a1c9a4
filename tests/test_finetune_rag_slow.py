"""finetune_rag end to end on the real model: ingest the notes, train the grounded adapter for a few
steps, load it and answer a course question with citations to course sections (5 min 17 s under load ~15;
estimated about a minute on an idle 2-core machine)."""

from __future__ import annotations

import json
import re

import pytest

from finetune_rag import raft
from finetune_rag.course import raft_questions_path, read_jsonl


@pytest.mark.slow
def test_tiny_grounded_run_trains_loads_and_answers_with_citations(tmp_path, capsys):
    from finetune_rag.pipeline import ingest_course, train_course
    from tailor.cli import main
    from tailor.runfiles import latest_run

    stats = ingest_course(progress=False)
    assert stats.total > 25
    records = raft.build(read_jsonl(raft_questions_path())[:4], raft.course_passages())
    data = tmp_path / "raft_tiny.jsonl"
    data.write_text("".join(json.dumps(r) + "\n" for r in records))

    run = train_course(data, progress=False, max_steps=2, batch_size=1)
    assert latest_run("course") == run.resolve()
    assert (run / "adapter_config.json").is_file() and (run / "run_card.json").is_file()
    assert not list(run.glob("model*.safetensors"))  # the adapter only, never a full model copy
    assert json.loads((run / "run_card.json").read_text())["metrics"]["steps"] == 2

    capsys.readouterr()
    assert main(["course", "ask", "What is the upper fence for the croissant sales?", "--max-tokens", "40"]) == 0
    captured = capsys.readouterr()
    sources = re.findall(r"^\[(\d)\] (course/\S+\.md)", captured.out, re.MULTILINE)
    assert sources, captured.out  # cited (or attributed) passages, each a course section
    assert all(1 <= int(n) <= 3 for n, _ in sources)
    assert f"+{run.resolve().name}" in captured.err  # the answer came from the grounded adapter
