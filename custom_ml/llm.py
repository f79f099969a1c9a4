"""Asking an LLM to do the model's job: each row's features as text, the answer as structured output.

Zero-shot: the model gets the question, the feature names and values, and must answer one of the labels
(a schema with an enum, so every reply parses) or a number (regression). Few-shot: a few labelled training
rows go first, as earlier user/assistant turns with their true answers. This is the comparison the lesson
asks for: the same test rows, the same answers, through `backend.chat_batch` (batched on the local model).
"""

from __future__ import annotations

import json
from typing import Literal

import numpy as np
from pydantic import create_model

DIAGNOSIS_TASK = ("Each row describes the cell nuclei of a breast mass, measured on a digitized image of a "
                  "fine-needle aspirate. Decide whether the mass is malignant or benign.")
MAX_TOKENS = 24  # {"label": "malignant"} is about 8 tokens; {"value": 151.25} about the same
SHOTS = 4  # labelled rows in a few-shot prompt (every class at least once when there are fewer classes)
NO_ANSWER = "(no answer)"


def answer_schema(labels: list[str] | None):
    """One field: `label` restricted to the classes, or `value`, a number, for regression."""
    if labels is None:
        return create_model("Estimate", value=(float, ...))
    return create_model("Classification", label=(Literal[tuple(labels)], ...))


def label_schema(labels: list[str]):
    return answer_schema(labels)


def describe_row(columns: list[str], row) -> str:
    """One row as `name: value` lines; numbers to 4 significant digits, missing values said so."""
    parts = []
    for name, value in zip(columns, row, strict=True):
        if isinstance(value, float):
            text = "missing" if np.isnan(value) else f"{value:.4g}"
        else:
            text = str(value) or "missing"
        parts.append(f"{name}: {text}")
    return "\n".join(parts)


def messages_for(question: str, labels: list[str] | None, columns: list[str], row,
                 examples: list[tuple] = ()) -> list[dict]:
    """System instruction, then each example as a user row and the assistant's true answer, then the row."""
    kind = f"one label: {' or '.join(labels)}" if labels else "one number"
    ask = f"Label ({' or '.join(labels)}):" if labels else "Value (a number):"
    messages = [{"role": "system", "content": f"You predict from tabular records. {question} Answer with {kind}."}]
    for example, answer in examples:
        reply = {"label": str(answer)} if labels else {"value": round(float(answer), 2)}
        messages += [{"role": "user", "content": f"{describe_row(columns, example)}\n\n{ask}"},
                     {"role": "assistant", "content": json.dumps(reply)}]
    messages.append({"role": "user", "content": f"{describe_row(columns, row)}\n\n{ask}"})
    return messages


def ask_rows(backend, X: np.ndarray, columns: list[str], labels: list[str] | None, question: str,
             examples: list[tuple] = ()):
    """The backend's answer for each row (a label, or a float for regression) and the ChatResults."""
    conversations = [messages_for(question, labels, columns, row, examples) for row in X]
    results = backend.chat_batch(conversations, max_tokens=MAX_TOKENS, schema=answer_schema(labels))
    # an item whose reply did not validate (cut off at max_tokens) counts as no answer: always wrong
    if labels is None:
        return [float(r.parsed.value) if r.parsed else float("nan") for r in results], results
    return [r.parsed.label if r.parsed else NO_ANSWER for r in results], results


def classify_rows(backend, X: np.ndarray, columns: list[str], labels: list[str], task: str = DIAGNOSIS_TASK):
    """Zero-shot labels for each row (the binary demo's original entry point)."""
    return ask_rows(backend, X, columns, labels, task)


def pick_examples(X: np.ndarray, y: np.ndarray, task: str, shots: int = SHOTS) -> list[tuple]:
    """Few-shot rows from the training split: every class in turn, or values spread over the target's range."""
    if shots <= 0:
        return []
    if task == "regression":
        order = np.argsort(y, kind="stable")
        at = [order[int(q * (len(y) - 1))] for q in np.linspace(0.1, 0.9, shots)]
    else:
        queues = [list(np.flatnonzero(y == label)) for label in np.unique(y)]
        at = []
        while len(at) < shots and any(queues):
            for queue in queues:
                if queue and len(at) < shots:
                    at.append(queue.pop(0))
    return [(X[i], y[i]) for i in at]
