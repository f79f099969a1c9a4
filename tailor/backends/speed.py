"""The local backend's speed machinery, behind one hook: `Speedups`, the backend's `speed`.

Each piece is off or exact by default where it could change an answer, and the simple path in local.py takes
the same steps whether a piece is on or off:

- quantize (quantize.py, TAILOR_QUANTIZE=int4|int8): how `load_model` packs the weights. Off by default:
  the numerics change, so greedy answers can differ from float32.
- the prompt cache (prompt_cache.py, on by default, TAILOR_PROMPT_CACHE=0 turns it off): a single request
  starts from the keys and values of the last prompt it shares a prefix with; replies are the same.
- batching (batching.py): `chat_batch` runs `batch_size` conversations through one left-padded `generate`.
"""

from __future__ import annotations

from tailor.config import setting
from tailor.errors import UsageError

DEFAULT_BATCH_SIZE = 8
QUANTIZE_SCHEMES = ("int8", "int4")  # what quantize.py packs; named here so a typo is refused before loading


def quantize_setting(flag_value: str | None) -> str | None:
    """TAILOR_QUANTIZE (or the flag), checked before the model loads rather than after."""
    scheme = setting(flag_value, "TAILOR_QUANTIZE")
    if scheme is not None and scheme not in QUANTIZE_SCHEMES:
        raise UsageError(f"unknown quantization {scheme!r}; choose one of {', '.join(QUANTIZE_SCHEMES)} "
                         "(TAILOR_QUANTIZE), or leave it unset for exact float32")
    return scheme


class Speedups:
    def __init__(self, quantize: str | None = None, prompt_cache: bool | None = None,
                 batch_size: int = DEFAULT_BATCH_SIZE):
        from tailor.backends.prompt_cache import PromptCache

        self.quantize = quantize_setting(quantize)  # "int4", "int8" or None (exact float32, the default)
        # the last prompt's keys and values, reused by the next single request that starts the same way
        use_cache = setting(prompt_cache, "TAILOR_PROMPT_CACHE", "1")
        self.prompt_cache = PromptCache() if str(use_cache).lower() not in ("0", "false", "no", "off") else None
        self.batch_size = batch_size

    def reuses(self, prompts: list[list[int]]) -> bool:
        """Whether this generate call starts from the cache: single prompts only (padding shifts positions)."""
        return self.prompt_cache is not None and len(prompts) == 1

    def lookup(self, prompt: list[int]):
        """(the cache to start from, how many prompt tokens it holds), or (None, 0) to start afresh."""
        return self.prompt_cache.lookup(prompt) if self.prompt_cache else (None, 0)

    def keep(self, prompt: list[int], cache) -> None:
        """Offer the cache back after a reply, for the next prompt that starts the same way."""
        if self.prompt_cache:
            self.prompt_cache.store(prompt, cache)
