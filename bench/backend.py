"""Benchmark of the local backend, every number measured in this run.

- cold load: de-quantize the bundled GGUF and write the safetensors cache (what the very first use costs)
  vs warm load: read that cache (every later use). Target: warm at least 3x faster.
- time to first token and tokens per second for 128 new greedy tokens.

Run: `make bench` or `python bench/backend.py`. Absolute seconds depend on the machine; read the ratios.
"""

from __future__ import annotations

import os
import tempfile
import time

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

NEW_TOKENS = 128
PROMPT = [{"role": "user", "content": "Write a short story about a lighthouse keeper and a storm."}]


def timed(function):
    started = time.perf_counter()
    value = function()
    return value, time.perf_counter() - started


def measure_loads() -> tuple[float, float]:
    from tailor.models import bundled_gguf, cached_conversion
    from tailor.weights import load_model

    with tempfile.TemporaryDirectory() as cache:
        os.environ["TAILOR_MODEL_CACHE"] = cache
        _, cold = timed(lambda: load_model(cached_conversion(bundled_gguf(), "bench"), fresh=True))
        folder = cached_conversion(bundled_gguf(), "bench")  # already there: returns at once
        _, warm = timed(lambda: load_model(folder, fresh=True))
    os.environ.pop("TAILOR_MODEL_CACHE")
    return cold, warm


def measure_generation() -> tuple[float, float, int]:
    from tailor.backends.local import LocalBackend

    backend = LocalBackend()
    backend.chat(PROMPT, max_tokens=8)  # warm up: weights in memory, kernels initialised
    started = time.perf_counter()
    first = None
    for _ in backend.stream(PROMPT, max_tokens=NEW_TOKENS):
        first = first or time.perf_counter() - started
    result, total = timed(lambda: backend.chat(PROMPT, max_tokens=NEW_TOKENS))
    return first, result.usage.completion_tokens / total, result.usage.completion_tokens


def main() -> None:
    cold, warm = measure_loads()
    print(f"cold load (GGUF -> safetensors cache + load): {cold:6.2f} s")
    print(f"warm load (from the cache):                   {warm:6.2f} s")
    print(f"warm is {cold / warm:.1f}x faster than cold (target >= 3x): {'PASS' if cold / warm >= 3 else 'MISS'}")
    first, rate, count = measure_generation()
    print(f"time to first token:                          {first:6.2f} s")
    print(f"greedy generation, {count} new tokens:          {rate:6.1f} tokens/s")


if __name__ == "__main__":
    main()
