"""Token-by-token decoding on the caller's thread, for streaming from the local backend.

`generate` only hands out tokens through a streamer that another thread reads, and on the CPU that other
thread is the problem: torch's OpenMP workers belong to the thread that started them, and matrix work on a
second thread beside them ran up to 2x slower (bench/generation.py, "streamed"). This loop runs the same
steps `generate` runs (one forward over the prompt, then one per token on the growing key/value cache; the
same logits processors in the same order; argmax, or softmax sampling) and yields each token id as it comes,
so a streaming caller gets its text at `chat`'s speed. `tests/test_contract.py` holds its greedy text equal
to `chat`'s.

Imported only when the local backend streams (it imports torch).
"""

from __future__ import annotations

from collections.abc import Iterator

import torch


def decode_tokens(model, prompt: list[int], max_new_tokens: int, stop_ids: set[int], processors, cache,
                  temperature: float = 0.0, cached_tokens: int = 0) -> Iterator[int]:
    """Yield new token ids, the stop token included, until a stop token or `max_new_tokens`.

    `cache` (a transformers Cache) holds the keys and values of the prompt's first `cached_tokens` tokens
    (0 for an empty one; more when a prompt prefix is reused). It is extended in place, so the caller can
    keep it afterwards.
    """
    sequence = torch.tensor([prompt])
    step_input = sequence[:, cached_tokens:]
    with torch.inference_mode():
        for _ in range(max_new_tokens):
            logits = model(input_ids=step_input, cache=cache, use_cache=True, logits_to_keep=1).logits[:, -1, :]
            scores = processors(sequence, logits.float())
            token = _pick(scores, temperature)
            yield token
            if token in stop_ids:
                return
            step_input = torch.tensor([[token]])
            sequence = torch.cat([sequence, step_input], dim=1)


def _pick(scores, temperature: float) -> int:
    if temperature <= 0:
        return int(scores.argmax(dim=-1))
    return int(torch.multinomial(torch.softmax(scores, dim=-1), num_samples=1))


def sampling_processors(custom: list, repetition_penalty: float | None, temperature: float):
    """The processors `generate` would apply, in its order: built-ins, then the caller's, then the warpers."""
    from transformers import LogitsProcessorList, RepetitionPenaltyLogitsProcessor, TemperatureLogitsWarper

    processors = LogitsProcessorList()
    if repetition_penalty:
        processors.append(RepetitionPenaltyLogitsProcessor(repetition_penalty))
    processors.extend(custom)
    if temperature > 0:
        processors.append(TemperatureLogitsWarper(temperature))
    return processors


class TextDeltas:
    """Turn a growing list of token ids into the new text each token adds (held back mid-character)."""

    def __init__(self, tokenizer):
        self.tokenizer = tokenizer
        self.ids: list[int] = []
        self.sent = ""

    def add(self, token: int) -> str:
        self.ids.append(token)
        text = self.tokenizer.decode(self.ids, skip_special_tokens=True)
        if text.endswith("\ufffd") or not text.startswith(self.sent):
            return ""  # an incomplete UTF-8 character: wait for the token that completes it
        piece, self.sent = text[len(self.sent):], text
        return piece
