"""`tailor reserve train-tools`: a LoRA that teaches the small local model to fill the tools' arguments.

Valid JSON is not the same as the right arguments: constrained decoding guarantees the first, this adapter
is for the second. The data is generated (agents/tooldata.py) from the database's vocabulary and trained
with finetuning/'s LoRA trainer into runs_dir()/agent-tools/<timestamp>/, with agent-tools/latest pointing
at it; the agent then loads that adapter on the local backend.
"""

from __future__ import annotations

import sys

from agents import ADAPTER_RUN_NAME
from tailor.config import runs_dir

RANK = 8  # rank 8 on all projections: 2.4 M trainable parameters, under 5 MB saved in bfloat16
LR = 1e-3
EPOCHS = 1.0  # one pass (60 steps of 4): the graph's turn rules do the rest (asking, never repeating)
MAX_LENGTH = 1024  # the system prompt with the tool note is ~390 tokens; a conversation ~590 on average, <1000
BATCH_SIZE = 4  # conversations grouped by length, so a batch pads little
TARGET_MODULES = ("q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj")


def train_from_args(args) -> int:
    from agents.tooldata import EXAMPLES, generate, write

    records = generate(args.examples or EXAMPLES)
    path = write(runs_dir() / ADAPTER_RUN_NAME / "data.jsonl", records)
    print(f"wrote {len(records)} generated conversations to {path}")
    if args.data_only:
        return 0
    from finetuning.train import TrainConfig, train

    config = TrainConfig(data=path, name=ADAPTER_RUN_NAME, base=args.model, rank=RANK, lr=LR,
                         epochs=args.epochs or EPOCHS, max_steps=args.max_steps, max_length=MAX_LENGTH,
                         batch_size=BATCH_SIZE, target_modules=TARGET_MODULES,
                         group_by_length=True)
    print(f"training the tool-calling adapter (rank {RANK}, {config.epochs:g} epochs"
          f"{f', at most {args.max_steps} steps' if args.max_steps else ''}) ...", file=sys.stderr)
    run = train(config)
    from tailor.adapters import compact

    size = compact(run)  # bfloat16, no optimizer state: small enough to ship (the card holds both SHA-256s)
    print(f"adapter saved to {run} ({size / 1e6:.1f} MB); `tailor reserve` now uses it on the local model")
    return 0
