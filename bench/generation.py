"""Local generation speed, every number measured in this run and printed as a ratio to its baseline.

1. Batched vs sequential: aggregate tokens/s of `chat_batch` at batch sizes 1, 4, 8, 16 against the same
   prompts one by one (target at batch 8: at least 4x), in float32 and with int4 weights.
2. Single stream: tokens/s, time to first token and streamed tokens/s of each variant against plain float32
   `generate` (target for the best variant: 1.5x). int8 and int4 change the numerics; the bench reports how
   many greedy answers stay identical to float32.
3. Prompt prefix reuse: an agent's turns (the same ~390-token system prompt and tool list, then a
   growing conversation) with the local backend's prompt cache on against off; same greedy replies.
4. The llamacpp backend (llama.cpp in-process through xllamacpp, the GGUF's Q4_1 weights): single stream
   against plain float32 `generate` (target 2x), time to first token, greedy texts identical to float32
   chat, and `chat_batch` on its parallel slots against its own sequential calls and transformers' best batch.
5. llama-cpp-python on the same GGUF, when installed (`make bench-full`); skipped otherwise. Printed as
   tailor/llama.cpp ratios for each single-stream variant, the llamacpp backend (target 0.9x) and the best batch.

Run: `python bench/generation.py [--quick] [--llamacpp]`. Read the ratios: absolute numbers move with machine load.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import time

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

TOPICS = ["the sea", "a mountain", "a city at night", "a forest", "the desert", "a river", "a library", "a garden",
          "a train journey", "winter", "a market", "the moon", "a storm", "a bakery", "an old house", "a harbour"]


def prompts(count: int) -> list[list[dict]]:
    return [[{"role": "user", "content": f"Write three sentences about {TOPICS[i % len(TOPICS)]}."}]
            for i in range(count)]


def batched_vs_sequential(backend, count: int, new_tokens: int, sizes, label: str) -> float:
    """Print the batched rows; return the best batched tokens/s."""
    conversations = prompts(count)
    backend.chat(conversations[0], max_tokens=4)  # load and warm up
    started = time.perf_counter()
    sequential = [backend.chat(c, max_tokens=new_tokens) for c in conversations]
    base_rate = sum(r.usage.completion_tokens for r in sequential) / (time.perf_counter() - started)
    print(f"\n1. batched vs sequential, {label} ({count} prompts, up to {new_tokens} new tokens each)")
    print(f"   sequential          {base_rate:7.1f} tokens/s   1.00x")
    best = base_rate
    for size in sizes:
        started = time.perf_counter()
        results = backend.chat_batch(conversations, max_tokens=new_tokens, batch_size=size)
        rate = sum(r.usage.completion_tokens for r in results) / (time.perf_counter() - started)
        same = sum(a.text == b.text for a, b in zip(results, sequential, strict=True))
        print(f"   batch {size:<3}           {rate:7.1f} tokens/s   {rate / base_rate:4.2f}x   "
              f"({same}/{count} answers identical to sequential)")
        best = max(best, rate)
    return best


def single_stream(new_tokens: int, count: int, variants=None) -> tuple[float, dict[str, float], list[str]]:
    """Print the single-stream rows over `count` prompts; return the plain float32 generate rate, tokens/s of
    tailor chat per weight format, and float32 chat's greedy texts (the reference every engine is held to)."""
    from tailor.backends.local import LocalBackend

    conversations = prompts(count)
    plain = LocalBackend(prompt_cache=False)
    baseline = _plain_generate_rate(plain, conversations, new_tokens)
    print(f"\n2. single stream ({count} prompts, up to {new_tokens} new tokens each; identical = same greedy text "
          "as float32 chat)")
    print(f"   plain float32 generate         {baseline:6.1f} tokens/s   1.00x")
    static = _plain_generate_rate(plain, conversations, new_tokens, cache_implementation="static")
    print(f"   generate, static KV cache      {static:6.1f} tokens/s   {static / baseline:4.2f}x   (no torch.compile)")
    rates, reference = {}, None
    for label, quantize in variants or (("float32", None), ("int8 dynamic", "int8"), ("int4 weights", "int4")):
        backend = LocalBackend(quantize=quantize, prompt_cache=False)
        backend.chat(conversations[0], max_tokens=4)  # load (and pack) outside the timing
        first = _time_to_first_token(backend, conversations[0])
        streamed = _stream_rate(backend, conversations[0], new_tokens)
        results = [backend.chat(c, max_tokens=new_tokens) for c in conversations]
        rates[label] = sum(r.usage.completion_tokens for r in results) / sum(r.latency_s for r in results)
        reference = reference or [r.text for r in results]
        same = sum(r.text == ref for r, ref in zip(results, reference, strict=True))
        print(f"   tailor chat, {label:<17} {rates[label]:6.1f} tokens/s   {rates[label] / baseline:4.2f}x   "
              f"identical {same}/{count}   first token {first:5.2f} s   streamed {streamed:5.1f} tokens/s")
    return baseline, rates, reference


def prefix_reuse(new_tokens: int) -> None:
    """The agent's prompts: one system prompt and tool list, user turns that differ, a conversation that grows."""
    import datetime as dt
    import tempfile
    from pathlib import Path

    from agents import db
    from agents.prompts import system_prompt
    from agents.schemas import build_tools
    from tailor.backends.local import LocalBackend

    with tempfile.TemporaryDirectory() as folder:
        db.reset(Path(folder) / "bench.db")
        conn = db.connect(Path(folder) / "bench.db")
        tools = build_tools(conn)
        conn.close()
    system = {"role": "system", "content": system_prompt("sam", dt.date(2027, 3, 1))}
    asks = ["Any good thai restaurants?", "What bookings do I have?", "Is Casa Lupo free tomorrow at 19:00?",
            "Book Harbour Grill for 2 on friday at 20:00.", "Cancel booking 3.", "Find a vegan place in Old Town."]
    turns = [[system, {"role": "user", "content": a}] for a in asks]
    timings = {}
    replies = {}
    for label, on in (("cache off", False), ("cache on", True)):
        backend = LocalBackend(prompt_cache=on)
        backend.chat([{"role": "user", "content": "hi"}], max_tokens=2)  # warm, and a different prefix
        started = time.perf_counter()
        # batch_size=1: one generate call per request (where the cache applies); a reply cut off at
        # max_tokens is marked on the result instead of raised, so both runs compare the same items
        results = backend.chat_batch(turns, max_tokens=new_tokens, tools=tools, batch_size=1)
        replies[label] = [(r.text, r.error, [c.arguments for c in r.tool_calls]) for r in results]
        timings[label] = (time.perf_counter() - started) / len(turns)
        if on:
            hits, reused = backend.speed.prompt_cache.hits, backend.speed.prompt_cache.reused_tokens
    same = sum(a == b for a, b in zip(replies["cache off"], replies["cache on"], strict=True))
    print(f"\n3. prompt prefix reuse (the agent's system prompt and tools, {len(turns)} requests, "
          f"up to {new_tokens} new tokens)")
    print(f"   cache off            {timings['cache off']:6.2f} s a request   1.00x")
    print(f"   cache on             {timings['cache on']:6.2f} s a request   "
          f"{timings['cache off'] / timings['cache on']:4.2f}x   ({hits} hits, {reused / max(hits, 1):.0f} tokens "
          f"reused a hit; {same}/{len(turns)} replies identical)")


def _plain_generate_rate(backend, conversations, new_tokens: int, **options) -> float:
    """transformers' own greedy `generate`, one prompt at a time: the baseline every variant is held to."""
    import torch

    model, tokenizer = backend.model_and_tokenizer()
    encoded = [tokenizer.apply_chat_template(c, add_generation_prompt=True, return_tensors="pt", return_dict=True)
               for c in conversations]
    model.generate(**encoded[0], max_new_tokens=4, do_sample=False, **options)
    produced, started = 0, time.perf_counter()
    with torch.inference_mode():
        for inputs in encoded:
            output = model.generate(**inputs, max_new_tokens=new_tokens, do_sample=False, **options)
            produced += output.shape[1] - inputs["input_ids"].shape[1]
    return produced / (time.perf_counter() - started)


def _stream_rate(backend, conversation, new_tokens: int) -> float:
    """tokens/s through `stream`, the pieces handed out as they are generated (tokens as the backend counts them)."""
    started = time.perf_counter()
    stream = backend.stream(conversation, max_tokens=new_tokens)
    "".join(stream)
    return stream.usage.completion_tokens / (time.perf_counter() - started)


def _time_to_first_token(backend, conversation) -> float:
    started = time.perf_counter()
    for _ in backend.stream(conversation, max_tokens=8):
        return time.perf_counter() - started
    return float("nan")


def llamacpp_rows(count: int, new_tokens: int, baseline: float, reference: list[str], batched: dict,
                  batch_tokens: int) -> float:
    """The llamacpp backend (llama.cpp in-process, the GGUF's own Q4_1 weights) against transformers float32:
    single stream, first token, greedy agreement with float32 chat, batched throughput. Returns its stream rate."""
    from tailor.backends.llamacpp import LlamaCppBackend
    from tailor.backends.llamacpp_engine import engine_threads

    conversations = prompts(count)
    backend = LlamaCppBackend()
    backend.chat(conversations[0], max_tokens=4)  # start the engine outside the timing
    first = _time_to_first_token(backend, conversations[0])
    streamed = _stream_rate(backend, conversations[0], new_tokens)
    results = [backend.chat(c, max_tokens=new_tokens) for c in conversations]
    rate = sum(r.usage.completion_tokens for r in results) / sum(r.latency_s for r in results)
    same = sum(r.text == ref for r, ref in zip(results, reference, strict=True))
    print(f"\n4. the llamacpp backend ({engine_threads()} threads; {count} prompts, up to {new_tokens} new tokens "
          "each)")
    print(f"   llamacpp single stream vs transformers float32: {rate:6.1f} / {baseline:6.1f} tokens/s = "
          f"{rate / baseline:4.2f}x   greedy text identical to float32 chat {same}/{count}   "
          f"first token {first:5.2f} s   streamed {streamed:5.1f} tokens/s")
    batch_prompts = prompts(16)
    started = time.perf_counter()
    sequential = [backend.chat(c, max_tokens=batch_tokens) for c in batch_prompts]
    one_by_one = sum(r.usage.completion_tokens for r in sequential) / (time.perf_counter() - started)
    started = time.perf_counter()
    together = backend.chat_batch(batch_prompts, max_tokens=batch_tokens)
    parallel = sum(r.usage.completion_tokens for r in together) / (time.perf_counter() - started)
    same = sum(a.text == b.text for a, b in zip(together, sequential, strict=True))
    print(f"   llamacpp chat_batch, {backend.slots} slots   {parallel:6.1f} tokens/s   "
          f"{parallel / one_by_one:4.2f}x its sequential {one_by_one:5.1f}   (16 prompts, up to {batch_tokens} tokens; "
          f"{same}/16 answers identical to sequential)")
    for label, value in batched.items():
        print(f"   transformers best batch, {label:<8} {value:6.1f} tokens/s   "
              f"llamacpp batched = {parallel / value:4.2f}x")
    return rate


def llama_cpp_row(count: int, new_tokens: int, single: dict[str, float], batched: dict[str, float],
                  in_process: float) -> None:
    print(f"\n5. llama-cpp-python on the same GGUF ({count} prompts, up to {new_tokens} new tokens each, 2 threads)")
    if importlib.util.find_spec("llama_cpp") is None:
        print("   skipped: llama-cpp-python is not installed (`make bench-full` installs it; it compiles ~5 min)")
        return
    from llama_cpp import Llama

    from tailor.models import bundled_gguf

    llm = Llama(model_path=str(bundled_gguf()), n_ctx=2048, n_threads=os.cpu_count(), verbose=False)
    llm.create_chat_completion(prompts(1)[0], max_tokens=4, temperature=0)
    produced, started = 0, time.perf_counter()
    for conversation in prompts(count):
        out = llm.create_chat_completion(conversation, max_tokens=new_tokens, temperature=0)
        produced += out["usage"]["completion_tokens"]
    rate = produced / (time.perf_counter() - started)
    print(f"   llama.cpp single stream        {rate:6.1f} tokens/s   1.00x")
    print(f"   tailor llamacpp backend        {in_process:6.1f} tokens/s   {in_process / rate:4.2f}x   (target 0.9x)")
    for label, value in single.items():
        print(f"   tailor chat, {label:<17} {value:6.1f} tokens/s   {value / rate:4.2f}x")
    for label, value in batched.items():
        print(f"   tailor best batch, {label:<11} {value:6.1f} tokens/s   {value / rate:4.2f}x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer prompts and tokens (a few minutes)")
    parser.add_argument("--llamacpp", action="store_true",
                        help="only the llamacpp backend's rows and the float32 rows they are measured against")
    args = parser.parse_args()
    from tailor.backends.local import LocalBackend

    count, new_tokens = (8, 32) if args.quick else (16, 64)
    sizes = [4, 8] if args.quick else [1, 4, 8, 16]
    if args.llamacpp:
        batched = {"float32": batched_vs_sequential(LocalBackend(), 16, new_tokens, [8], "float32")}
        baseline, single, reference = single_stream(new_tokens * 2, 2 if args.quick else 4, (("float32", None),))
        llamacpp_rows(2 if args.quick else 4, new_tokens * 2, baseline, reference, batched, new_tokens)
        return
    batched = {"float32": batched_vs_sequential(LocalBackend(), count, new_tokens, sizes, "float32"),
               "int4": batched_vs_sequential(LocalBackend(quantize="int4"), count, new_tokens, sizes, "int4 weights")}
    baseline, single, reference = single_stream(new_tokens * 2, 2 if args.quick else 4)
    prefix_reuse(96)  # the agent's max_tokens: room for a whole tool call
    in_process = llamacpp_rows(2 if args.quick else 4, new_tokens * 2, baseline, reference, batched, new_tokens)
    llama_cpp_row(count, new_tokens * 2, single, batched, in_process)


if __name__ == "__main__":
    main()
