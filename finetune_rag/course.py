"""Where the course lives: its notes, its questions, its Chroma collection and its training runs.

One place for the names, so the CLI, the evaluation, the tour and the tests agree on them.
"""

from __future__ import annotations

from pathlib import Path

from tailor.config import data_dir
from tailor.errors import UsageError
from tailor.runfiles import read_jsonl

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


def load_questions(path: Path | None = None) -> list[dict]:
    """The evaluation questions: id, question, facts (required), sources (sections), answerable."""
    rows = read_jsonl(path or questions_path())
    for row in rows:
        if not {"id", "question", "facts", "sources", "answerable"} <= row.keys():
            raise UsageError(f"question {row.get('id', '?')} needs id, question, facts, sources and answerable")
    return rows
