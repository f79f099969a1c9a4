"""Where the course lives: its notes, its questions, its Chroma collection and its training runs.

One place for the names, so the CLI, the evaluation, the tour and the tests agree on them.
"""

from __future__ import annotations

import json
from pathlib import Path

from tailor.config import data_dir
from tailor.errors import UsageError

COLLECTION = "course"  # the Chroma collection the course notes are ingested into
RUN_NAME = "course"  # the grounded adapter: runs_dir()/course/latest
TUTOR_RUN_NAME = "tutor"  # the plain tutor adapter trained by finetuning/: runs_dir()/tutor/latest


def data_folder() -> Path:
    return data_dir() / "finetune_rag"


def notes_folder() -> Path:
    """The course notes: one Markdown file per section."""
    return data_folder() / "course"


def questions_path() -> Path:
    """The held-out student questions the evaluation asks every variant."""
    return data_folder() / "questions.jsonl"


def raft_questions_path() -> Path:
    """The training questions the RAFT-style set is built from (none of them is in questions.jsonl)."""
    return data_folder() / "raft_questions.jsonl"


def raft_train_path() -> Path:
    """The built RAFT-style training set (rebuilt by `python -m finetune_rag.raft`)."""
    return data_folder() / "raft_train.jsonl"


def read_jsonl(path: Path) -> list[dict]:
    """One JSON object per line; a bad line is a UsageError naming its number."""
    if not path.is_file():
        raise UsageError(f"{path} does not exist; give a JSONL file")
    rows = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            rows.append(json.loads(line))
        except json.JSONDecodeError as error:
            raise UsageError(f"{path}:{number}: not valid JSON ({error.msg})") from None
    return rows


def load_questions(path: Path | None = None) -> list[dict]:
    """The evaluation questions: id, question, facts (required), sources (sections), answerable."""
    rows = read_jsonl(path or questions_path())
    for row in rows:
        if not {"id", "question", "facts", "sources", "answerable"} <= row.keys():
            raise UsageError(f"question {row.get('id', '?')} needs id, question, facts, sources and answerable")
    return rows
