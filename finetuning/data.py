"""Chat training data: reading and checking JSONL records, and turning one into (input_ids, labels).

A record is one JSON object per line: {"messages": [{"role": "user", "content": ...},
{"role": "assistant", "content": ...}, ...]}. Extra keys (the eval set's "kind" and "solution") are kept.

The loss is taken on the assistant tokens only, and the prompt the model trains on is exactly the prompt
it sees at inference: for each assistant turn, the prefix is `apply_chat_template(turns before it,
add_generation_prompt=True)`, and the labels cover the reply plus its end-of-turn token (<|im_end|>, the
model's EOS), so the model learns to stop.
"""

from __future__ import annotations

from pathlib import Path

from tailor.chat_format import prompt_ids
from tailor.errors import UsageError
from tailor.runfiles import jsonl_lines

ROLES = ("system", "user", "assistant", "tool")  # tool: results an agent saw, as rendered at inference
IGNORE = -100  # label value the loss skips (prompt tokens, padding)


def load_records(path) -> list[dict]:
    """Read and validate a JSONL chat data set; a bad line is a UsageError naming its number."""
    path = Path(path)
    if path.is_dir():
        raise UsageError(f"data file {path} is a folder; give a JSONL file of {{\"messages\": [...]}} lines")
    if not path.is_file():
        raise UsageError(f"data file {path} does not exist; give a JSONL file of {{\"messages\": [...]}} "
                         "lines")
    records = [check_record(record, f"{path}:{number}") for number, record in jsonl_lines(path)]
    if not records:
        raise UsageError(f"data file {path} has no records; add one {{\"messages\": [...]}} object per line")
    return records


def check_record(record, where: str) -> dict:
    messages = record.get("messages") if isinstance(record, dict) else None
    if not isinstance(messages, list) or not messages:
        raise UsageError(f"{where}: expected an object with a non-empty \"messages\" list")
    for turn in messages:
        if not isinstance(turn, dict) or turn.get("role") not in ROLES:
            raise UsageError(f"{where}: each message needs a role among {', '.join(ROLES)}")
        if not isinstance(turn.get("content"), str) or not turn["content"].strip():
            raise UsageError(f"{where}: a {turn['role']} message has empty or non-text content")
    roles = [turn["role"] for turn in messages]
    if "assistant" not in roles:
        raise UsageError(f"{where}: no assistant turn; a training record needs the reply to learn")
    if "user" not in roles[:roles.index("assistant")]:  # checked here, before the model loads
        raise UsageError(f"{where}: the first assistant turn has no user turn before it; start with a "
                         "user message (after an optional system message)")
    return record


def encode_record(tokenizer, messages: list[dict], max_length: int) -> dict:
    """input_ids and labels for one conversation; only assistant replies (and their EOS) are labelled."""
    ids: list[int] = []
    labels: list[int] = []
    eos = tokenizer.eos_token_id
    for index, turn in enumerate(messages):
        if turn["role"] != "assistant":
            continue
        prefix = prompt_ids(tokenizer, messages[:index])
        full = tokenizer.apply_chat_template(messages[:index + 1], tokenize=True, return_dict=False)
        if prefix[:len(ids)] != ids or full[:len(prefix)] != prefix:
            raise UsageError("this model's chat template is not prefix-stable; pick another --base")
        reply = full[len(prefix):]
        # the template adds a newline after <|im_end|>; the reply ends at (and includes) the EOS
        reply = reply[:reply.index(eos) + 1] if eos in reply else reply
        labels += [IGNORE] * (len(prefix) - len(ids)) + reply
        ids = prefix + reply
    return {"input_ids": ids[:max_length], "labels": labels[:max_length]}


def pad_batch(features: list[dict], pad_id: int) -> dict:
    """Right-pad a list of encoded records to the longest one (dynamic padding keeps CPU steps short)."""
    import torch

    width = max(len(f["input_ids"]) for f in features)
    batch = {"input_ids": [], "labels": [], "attention_mask": []}
    for f in features:
        gap = width - len(f["input_ids"])
        batch["input_ids"].append(f["input_ids"] + [pad_id] * gap)
        batch["labels"].append(f["labels"] + [IGNORE] * gap)
        batch["attention_mask"].append([1] * len(f["input_ids"]) + [0] * gap)
    return {key: torch.tensor(value) for key, value in batch.items()}
