"""Prompt prefix reuse for the local backend: keep the key/value cache of the last prompt, reuse its prefix.

An agent sends the same system prompt and tool list on every step, and each step's prompt is the previous
one plus a reply and a tool result; a tutor sends the same system prompt with every question. The model's
keys and values for those shared first tokens do not depend on what follows them (attention is causal),
so they are computed once and copied into the next `generate` call, which then runs only the new tokens.

One entry (the last prompt) is enough for those patterns and bounds the memory: 30 layers x 2 x 3 heads
x 64 floats = 46 kB a token, about 46 MB for a 1,000-token prompt. Used for single requests only; a
left-padded batch shifts every row's positions, so batches always start from scratch.
"""

from __future__ import annotations

import copy
import threading

MIN_SHARED_TOKENS = 16  # below this the copy costs about what it saves


class PromptCache:
    def __init__(self, min_shared: int = MIN_SHARED_TOKENS):
        self.min_shared = min_shared
        self._ids: list[int] = []
        self._cache = None
        self._lock = threading.Lock()
        self.hits = 0
        self.reused_tokens = 0

    def lookup(self, prompt: list[int]):
        """(a private copy of the cache cut to the shared prefix, its length), or (None, 0)."""
        with self._lock:
            shared = shared_prefix(self._ids, prompt)
            # leave at least one prompt token to run: generate needs the last position's logits
            shared = min(shared, len(prompt) - 1)
            if self._cache is None or shared < self.min_shared:
                return None, 0
            cache = copy.deepcopy(self._cache)
        cut_to(cache, shared)
        self.hits += 1
        self.reused_tokens += shared
        return cache, shared

    def store(self, prompt: list[int], cache) -> None:
        """Keep `cache` (which `generate` returned for `prompt` plus its reply) cut back to the prompt."""
        if cache is None:
            return
        cut_to(cache, len(prompt))
        with self._lock:
            self._ids, self._cache = list(prompt), cache

    def clear(self) -> None:
        with self._lock:
            self._ids, self._cache = [], None


def cut_to(cache, length: int) -> None:
    """Keep the first `length` positions (transformers 5 crops by a negative count of tokens to drop)."""
    extra = cache.get_seq_length() - length
    if extra > 0:
        cache.crop(-extra)


def shared_prefix(a: list[int], b: list[int]) -> int:
    """How many first tokens two id lists have in common."""
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n
