"""The local backend's streaming decode loop: text deltas and the processors it applies, without a model."""

from __future__ import annotations

import pytest

pytest.importorskip("torch")

from tailor.backends.decode import TextDeltas, decode_tokens, sampling_processors  # noqa: E402


class ByteTokenizer:
    """Token id = one UTF-8 byte; decoding a cut multi-byte character gives U+FFFD, as real tokenizers do."""

    def decode(self, ids, skip_special_tokens=True):
        return bytes(ids).decode("utf-8", errors="replace")


def test_text_deltas_hold_back_a_character_until_it_is_complete():
    deltas = TextDeltas(ByteTokenizer())
    pieces = [deltas.add(b) for b in "café!".encode()]
    assert pieces == ["c", "a", "f", "", "é", "!"]
    assert "".join(pieces) == "café!"


def test_processors_in_generates_order():
    from transformers import RepetitionPenaltyLogitsProcessor, TemperatureLogitsWarper

    custom = object()
    processors = sampling_processors([custom], repetition_penalty=1.2, temperature=0.7)
    assert [type(p) for p in processors[::2]] == [RepetitionPenaltyLogitsProcessor, TemperatureLogitsWarper]
    assert processors[1] is custom
    assert list(sampling_processors([], None, 0.0)) == []


class CountingModel:
    """Next token = last input token + 1; records how many tokens each forward received."""

    def __init__(self, vocab: int = 50):
        import types

        self.config = types.SimpleNamespace()
        self.vocab = vocab
        self.widths: list[int] = []

    def __call__(self, input_ids, cache, use_cache, logits_to_keep):
        import types

        import torch

        self.widths.append(input_ids.shape[1])
        logits = torch.zeros(1, 1, self.vocab)
        logits[0, 0, (int(input_ids[0, -1]) + 1) % self.vocab] = 1.0
        return types.SimpleNamespace(logits=logits)


def test_decode_runs_the_prompt_once_then_one_token_a_step_and_stops_on_a_stop_token():
    model = CountingModel()
    tokens = list(decode_tokens(model, [3, 4, 5], max_new_tokens=10, stop_ids={9}, processors=lambda s, x: x,
                                cache=object()))
    assert tokens == [6, 7, 8, 9]  # the stop token is yielded, then the loop ends
    assert model.widths == [3, 1, 1, 1]


def test_decode_skips_the_cached_prefix_and_respects_max_new_tokens():
    model = CountingModel()
    tokens = list(decode_tokens(model, [3, 4, 5], max_new_tokens=2, stop_ids=set(), processors=lambda s, x: x,
                                cache=object(), cached_tokens=2))
    assert tokens == [6, 7] and model.widths == [1, 1]
