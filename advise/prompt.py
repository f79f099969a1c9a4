"""Way 2: prompting. The backend answers with a structured-output schema after a few worked examples.

The schema (`MethodChoice`) lists the six methods as an enum, so on the local model grammar-constrained
decoding always yields a valid label; the few-shot examples are one training idea per method, in the
conversation as earlier user/assistant turns. Nothing here is trained.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from advise.data import Idea
from advise.methods import CRITERIA, METHODS

Method = Literal["prompting", "finetuning", "rag", "finetune_rag", "agents", "custom_ml"]
Supporting = Literal["prompting", "finetuning", "rag", "finetune_rag", "agents", "custom_ml", "none"]
MAX_TOKENS = 72  # two enum values and one short reason (at most 100 characters) fit


class MethodChoice(BaseModel):
    """The model's reply: the method to build the app with, an optional helper method, and why."""

    primary: Method
    supporting: Supporting = "none"
    reason: str = Field(max_length=100, description="one short sentence in terms of the criteria")


SYSTEM = ("You advise developers which way to customize a language model for their app idea. "
          "Choose the primary method by these criteria:\n"
          + "\n".join(f"- {method}: {CRITERIA[method]}" for method in METHODS)
          + "\nAdd a supporting method only if a second one clearly helps, else 'none'. "
            "Reply with JSON: primary, supporting, reason.")

def few_shot(train: list[Idea]) -> list[Idea]:
    """The worked examples: per method, the first unambiguous training idea (never a held-out one)."""
    examples = []
    for method in METHODS:
        clear = [i for i in train if i.primary == method and not i.ambiguous]
        if clear:
            examples.append(min(clear, key=lambda i: i.id))
    return examples


def _short(text: str, limit: int = 100) -> str:
    """The reason cut at a word boundary to fit the schema's length limit."""
    return text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0]


def messages_for(idea: str, examples: list[Idea]) -> list[dict]:
    messages = [{"role": "system", "content": SYSTEM}]
    for example in examples:
        reply = MethodChoice(primary=example.primary, supporting=example.supporting,
                             reason=_short(example.reason))
        messages.append({"role": "user", "content": f"App idea: {example.idea}"})
        messages.append({"role": "assistant", "content": reply.model_dump_json()})
    messages.append({"role": "user", "content": f"App idea: {idea}"})
    return messages


def predict(backend, ideas: list[str], examples: list[Idea], batch_size: int = 8) -> list[dict]:
    """One {"primary", "supporting", "confidence", "reason", "latency_s"} per idea, batched."""
    out = []
    for start in range(0, len(ideas), batch_size):
        conversations = [messages_for(idea, examples) for idea in ideas[start:start + batch_size]]
        results = backend.chat_batch(conversations, max_tokens=MAX_TOKENS, temperature=0.0,
                                     schema=MethodChoice)
        out.extend(_as_prediction(result) for result in results)
    return out


def _as_prediction(result) -> dict:
    if result.parsed is None:  # the reply did not validate (cut off at max_tokens): no recommendation
        return {"primary": "none", "supporting": "none", "confidence": None, "reason": result.error or "",
                "latency_s": result.latency_s, "model": result.model, "backend": result.backend}
    choice: MethodChoice = result.parsed
    supporting = choice.supporting if choice.supporting != choice.primary else "none"
    # A generated label carries no calibrated probability, so no confidence number is claimed.
    return {"primary": choice.primary, "supporting": supporting, "confidence": None,
            "reason": choice.reason.strip(), "latency_s": result.latency_s, "model": result.model,
            "backend": result.backend}
