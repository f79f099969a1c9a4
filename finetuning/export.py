"""Write a chat data set in OpenAI's fine-tuning format, for users who will fine-tune a hosted model.

OpenAI's chat fine-tuning takes JSONL lines of {"messages": [{"role", "content"}, ...]}: the same shape as
ours, minus our extra keys ("kind", "solution"). The export checks what the service checks up front:
at least 10 examples, known roles, non-empty text and an assistant turn in every example.
"""

from __future__ import annotations

from pathlib import Path

from tailor.errors import UsageError
from tailor.runfiles import write_jsonl

MIN_EXAMPLES = 10  # OpenAI rejects training files with fewer
OPENAI_ROLES = {"system", "user", "assistant"}


def to_openai(record: dict) -> dict:
    return {"messages": [{"role": m["role"], "content": m["content"]} for m in record["messages"]]}


def validate(lines: list[dict]) -> None:
    """The format checks OpenAI runs on upload; a failure is a UsageError naming the example."""
    if len(lines) < MIN_EXAMPLES:
        raise UsageError(f"OpenAI needs at least {MIN_EXAMPLES} examples; the data has {len(lines)}")
    for number, line in enumerate(lines, start=1):
        messages = line.get("messages", [])
        if set(line) != {"messages"} or not messages:
            raise UsageError(f"example {number}: only a non-empty \"messages\" key is allowed")
        for message in messages:
            if set(message) != {"role", "content"} or message["role"] not in OPENAI_ROLES:
                raise UsageError(f"example {number}: each message needs exactly role and content")
        if not any(m["role"] == "assistant" for m in messages):
            raise UsageError(f"example {number}: no assistant message to learn from")


def export_openai(data: Path, out: Path) -> int:
    """Convert, validate and write atomically; returns the number of examples written."""
    from finetuning.dataset import clean_messages, load_chat_dataset

    out.parent.mkdir(parents=True, exist_ok=True)  # an impossible --out fails before anything is read or cached
    # the same Dataset the trainer reads, so any format --data takes exports too
    lines = [to_openai({"messages": clean_messages(r["messages"])}) for r in load_chat_dataset(data)]
    validate(lines)
    write_jsonl(out, lines, ensure_ascii=False)
    return len(lines)
