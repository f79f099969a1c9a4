"""Asking an LLM to do the classifier's job: each row's features as text, the label as structured output.

Zero-shot: the model gets the task, the feature names and values, and must answer one of the two labels
(a schema with an enum, so every reply parses). This is the comparison the lesson asks for: the same
test rows, the same labels, through `backend.chat_batch` (batched on the local model).
"""

from __future__ import annotations

from typing import Literal

import numpy as np
from pydantic import create_model

DIAGNOSIS_TASK = ("Each row describes the cell nuclei of a breast mass, measured on a digitized image of a "
                  "fine-needle aspirate. Decide whether the mass is malignant or benign.")
MAX_TOKENS = 24  # {"label": "malignant"} is about 8 tokens


def label_schema(labels: list[str]):
    """A pydantic model with one field, `label`, restricted to the classifier's labels."""
    return create_model("Classification", label=(Literal[tuple(labels)], ...))


def describe_row(columns: list[str], row) -> str:
    """One row as `name: value` lines; numbers to 4 significant digits, missing values said so."""
    parts = []
    for name, value in zip(columns, row, strict=True):
        if isinstance(value, float):
            text = "missing" if np.isnan(value) else f"{value:.4g}"
        else:
            text = str(value)
        parts.append(f"{name}: {text}")
    return "\n".join(parts)


def messages_for(task: str, labels: list[str], columns: list[str], row) -> list[dict]:
    return [
        {"role": "system", "content": f"You classify tabular records. {task} "
                                      f"Answer with one label: {' or '.join(labels)}."},
        {"role": "user", "content": f"{describe_row(columns, row)}\n\nLabel ({' or '.join(labels)}):"},
    ]


def classify_rows(backend, X: np.ndarray, columns: list[str], labels: list[str], task: str = DIAGNOSIS_TASK):
    """The backend's label for each row, and the ChatResults (latency, usage, cost) in row order."""
    schema = label_schema(labels)
    conversations = [messages_for(task, labels, columns, row) for row in X]
    results = backend.chat_batch(conversations, max_tokens=MAX_TOKENS, schema=schema)
    # an item whose reply did not validate (cut off at max_tokens) counts as no answer: always wrong
    return [result.parsed.label if result.parsed else "(no answer)" for result in results], results
