"""The three steps a user runs: ingest the course notes, train the grounded adapter, ask the tutor.

Each step is a thin layer over the package that owns it: ingest is rag/'s ingest into the course's own
collection, training is finetuning/'s LoRA training on the RAFT-style set, and asking is the shared
answer path of variants.py.
"""

from __future__ import annotations

from pathlib import Path

from finetune_rag.course import COLLECTION, RUN_NAME, notes_folder

# Defaults for the grounded adapter: two passes over the 102 RAFT records. The prompts show the best
# sentences, not whole passages, so a record is about 300 tokens (60k tokens for both passes); at the
# roughly 300 tokens a second LoRA trains this model on 2 idle cores, a few minutes (the README says
# what was timed).
EPOCHS = 2.0
BATCH_SIZE = 4  # records of ~300 tokens: batch 4 needs less memory than the old batch 2 of ~800
MAX_LENGTH = 640  # the longest RAFT record is about 530 tokens; none is cut


def ingest_course(paths=None, progress: bool = True):
    """rag/'s ingest of the notes (default data/finetune_rag/course/) into the 'course' collection."""
    from rag.ingest import ingest
    from rag.store import open_store

    return ingest([Path(p) for p in paths] if paths else [notes_folder()], open_store(COLLECTION),
                  prune=True, progress=progress)


def training_config(data: Path | None = None, **options):
    """finetuning/'s TrainConfig for the grounded adapter (run name 'course'); options as for the tutor."""
    from finetuning.train import TrainConfig

    options = {k: v for k, v in options.items() if v is not None}
    options.setdefault("epochs", EPOCHS)
    options.setdefault("batch_size", BATCH_SIZE)
    options.setdefault("max_length", MAX_LENGTH)
    options.setdefault("group_by_length", True)  # records run about 200 to 530 tokens: batch alike ones
    return TrainConfig(data=data, name=RUN_NAME, **options)


def train_course(data: Path | None = None, progress: bool = True, **options) -> Path:
    """Train the grounded adapter; without `data`, on a freshly built RAFT-style set. Returns the run folder."""
    from finetune_rag.raft import build_default
    from finetuning.train import train
    from tailor.runfiles import run_root

    if data is None:
        # built now, by the chunker ingest uses, so the training prompts always match the asking prompts;
        # kept beside the runs so the run card's data path and hash point at a real file
        run_root(RUN_NAME).mkdir(parents=True, exist_ok=True)
        data = build_default(run_root(RUN_NAME) / "raft_train.jsonl")
    return train(training_config(Path(data), **options), progress=progress)
