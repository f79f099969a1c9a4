"""Batched generation on the local model gives the same greedy answers as one-by-one, with per-item usage."""

from __future__ import annotations

import pytest
from pydantic import BaseModel, Field

pytestmark = pytest.mark.slow

# Different lengths on purpose: left padding must not change any answer.
PROMPTS = ["Hi!", "Name one planet of the solar system.",
           "You are a careful assistant. Read this and reply with the single most important word: the meeting "
           "about the budget moved from Monday to Thursday afternoon."]


class Word(BaseModel):
    word: str = Field(max_length=20)


def test_batched_equals_sequential_with_per_item_usage(local_backend):
    sequential = [local_backend.chat(p, max_tokens=16) for p in PROMPTS]
    batched = local_backend.chat_batch(PROMPTS, max_tokens=16)
    assert [r.text for r in batched] == [r.text for r in sequential]
    assert [r.usage for r in batched] == [r.usage for r in sequential]
    assert len({r.usage.prompt_tokens for r in batched}) == 3  # really different lengths, counted per item


def test_structured_output_in_a_batch(local_backend):
    results = local_backend.chat_batch(PROMPTS[1:], schema=Word, max_tokens=24)
    assert all(isinstance(r.parsed, Word) for r in results)
    single = local_backend.chat(PROMPTS[1], schema=Word, max_tokens=24)
    assert results[0].parsed == single.parsed


def test_prompt_prefix_reuse_keeps_greedy_replies(local_backend):
    """A conversation that grows turn by turn reuses the previous prompt's keys and values: same replies."""
    from tailor.backends.local import LocalBackend

    cached = LocalBackend(prompt_cache=True)
    system = {"role": "system", "content": "You are a patient cooking teacher. Answer in one short sentence."}
    conversation = [system, {"role": "user", "content": "What is a roux?"}]
    for follow_up in ("And a bechamel?", "How long does it keep?", None):
        reply = cached.chat(conversation, max_tokens=20)
        reference = local_backend.chat(conversation, max_tokens=20)
        assert (reply.text, reply.usage) == (reference.text, reference.usage)
        if follow_up:
            conversation = conversation + [{"role": "assistant", "content": reply.text},
                                           {"role": "user", "content": follow_up}]
    assert cached.speed.prompt_cache.hits == 2  # the second and third calls started from the previous prompt


class Backwards(BaseModel):
    zebra: str = Field(max_length=12)
    apple: str = Field(max_length=12)


def test_constrained_json_keeps_the_schemas_property_order(local_backend):
    """The grammar writes properties in the schema's order (the order the prompt shows and adapters learn)."""
    result = local_backend.chat("Name an animal and a fruit.", schema=Backwards, max_tokens=32)
    assert result.text.startswith('{"zebra": ')
    assert isinstance(result.parsed, Backwards)


def test_chat_and_stream_generate_on_the_callers_thread(local_backend, monkeypatch):
    """A second thread doing torch's matrix work beside the first ran up to 2x slower: both stay on ours."""
    class NoThreads:
        def __init__(self, *args, **kwargs):
            raise AssertionError("generation started a thread")

    local_backend.model_and_tokenizer()  # loading may use a thread pool of its own
    with monkeypatch.context() as patch:
        patch.setattr("threading.Thread", NoThreads)
        reply = local_backend.chat(PROMPTS[1], max_tokens=24)
        pieces = list(local_backend.stream(PROMPTS[1], max_tokens=24))
    assert reply.usage.completion_tokens > 0
    assert len(pieces) > 3 and "".join(pieces) == reply.text  # token by token, the same greedy text


def test_streamed_structured_reply_follows_the_grammar(local_backend):
    pieces = list(local_backend.stream(PROMPTS[1], schema=Word, max_tokens=24))
    assert Word.model_validate_json("".join(pieces))
    assert "".join(pieces) == local_backend.chat(PROMPTS[1], schema=Word, max_tokens=24).text


def test_int4_weights_stay_close_to_float32(local_backend):
    """4-bit weights in bfloat16: the next-token distribution moves a little; the argmax mostly holds."""
    import torch

    from tailor.backends.local import LocalBackend
    from tailor.backends.quantize import BFloat16Linear, Int4Linear

    packed = LocalBackend(quantize="int4", prompt_cache=False)
    model, tokenizer = packed.model_and_tokenizer()
    assert sum(isinstance(m, Int4Linear) for m in model.modules()) == 7 * model.config.num_hidden_layers
    assert isinstance(model.lm_head, BFloat16Linear)
    reference, _ = local_backend.model_and_tokenizer()
    for prompt in PROMPTS:
        inputs = tokenizer.apply_chat_template([{"role": "user", "content": prompt}], add_generation_prompt=True,
                                               return_tensors="pt", return_dict=True)
        with torch.inference_mode():
            exact, approx = reference(**inputs).logits[0], model(**inputs).logits[0]
        assert torch.nn.functional.cosine_similarity(exact, approx, dim=-1).min() > 0.99
        assert (exact.argmax(-1) == approx.argmax(-1)).float().mean() > 0.85
