"""4-bit and 8-bit weights: what is packed, what is left alone, and how far the outputs move."""

from __future__ import annotations

import pytest

torch = pytest.importorskip("torch")

from tailor.backends.quantize import (  # noqa: E402  (after the importorskip)
    GROUP_SIZE,
    BFloat16Linear,
    Int4Linear,
    grid_error,
    quantize_model,
)
from tailor.errors import UsageError  # noqa: E402


def grid_weight(out_features: int, in_features: int, seed: int = 0):
    """A weight whose every group of 32 is minimum + code * scale, code in 0..15: what a Q4_1 GGUF holds."""
    generator = torch.Generator().manual_seed(seed)
    groups = in_features // GROUP_SIZE
    codes = torch.randint(0, 16, (out_features, groups, GROUP_SIZE), generator=generator).float()
    codes[..., 0], codes[..., 1] = 0, 15  # each group spans its whole range, as a quantizer leaves it
    scale = torch.rand(out_features, groups, 1, generator=generator) * 0.01 + 0.001
    minimum = -8 * scale + torch.randn(out_features, groups, 1, generator=generator) * 0.001
    return (codes * scale + minimum).reshape(out_features, in_features)


class TinyDecoder(torch.nn.Module):
    """Layer names as in a transformers decoder: projections, an odd-sized layer, an output head."""

    def __init__(self):
        super().__init__()
        self.q_proj = torch.nn.Linear(64, 96, bias=False)
        self.down_proj = torch.nn.Linear(96, 64, bias=True)
        self.odd = torch.nn.Linear(10, 64, bias=False)
        self.lm_head = torch.nn.Linear(64, 50, bias=False)

    def forward(self, x):
        return self.lm_head(self.down_proj(self.q_proj(x)) + self.odd(x[..., :10]))


def test_weights_on_a_4bit_grid_are_packed_exactly():
    assert grid_error(grid_weight(64, 128)) < 1e-6


def test_off_grid_weights_report_their_rounding():
    weight = torch.randn(64, 128, generator=torch.Generator().manual_seed(1))
    assert 1e-3 < grid_error(weight) < 0.5  # at most half a step of a range of about 6 split in 15 steps


def test_int4_linear_output_is_close_to_float32():
    linear = torch.nn.Linear(128, 64, bias=True)
    with torch.no_grad():
        linear.weight.copy_(grid_weight(64, 128))
    x = torch.randn(3, 5, 128, generator=torch.Generator().manual_seed(2))
    expected = linear(x)
    got = Int4Linear(linear)(x)
    assert got.shape == expected.shape and got.dtype == torch.float32
    # bfloat16 inputs and scales: about three significant digits
    assert (got - expected).abs().max() < 0.02 * expected.abs().max()


def test_int4_packs_projections_keeps_odd_layers_and_runs_the_head_in_bfloat16():
    model = TinyDecoder().eval()
    x = torch.randn(2, 64, generator=torch.Generator().manual_seed(3))
    with torch.no_grad():
        expected = model(x)
        quantize_model(model, "int4")
        got = model(x)
    assert isinstance(model.q_proj, Int4Linear) and isinstance(model.down_proj, Int4Linear)
    assert type(model.odd) is torch.nn.Linear  # 10 inputs: not a whole group of 32
    assert isinstance(model.lm_head, BFloat16Linear)
    assert (got - expected).abs().max() < 0.1 * expected.abs().max()


def test_int4_packs_the_base_layer_under_lora_and_keeps_the_adapter():
    peft = pytest.importorskip("peft")
    model = peft.get_peft_model(TinyDecoder(), peft.LoraConfig(r=4, target_modules=["q_proj"], lora_dropout=0.0))
    lora_b = model.base_model.model.q_proj.lora_B["default"]
    with torch.no_grad():
        lora_b.weight.normal_()  # a trained adapter: its output moves the model's
    x = torch.randn(2, 64, generator=torch.Generator().manual_seed(4))
    with torch.no_grad():
        with_adapter = model(x)
        quantize_model(model, "int4")
        packed_with_adapter = model(x)
        with model.disable_adapter():
            packed_without = model(x)
    q_proj = model.base_model.model.q_proj
    assert isinstance(q_proj.base_layer, Int4Linear)
    assert type(q_proj.lora_A["default"]) is torch.nn.Linear and q_proj.lora_B["default"] is lora_b
    assert (packed_with_adapter - with_adapter).abs().max() < (packed_without - with_adapter).abs().max()


def test_int8_replaces_linear_layers_with_dynamic_quantized_ones():
    model = quantize_model(TinyDecoder().eval(), "int8")
    assert type(model.q_proj) is not torch.nn.Linear
    assert model(torch.randn(1, 64)).shape == (1, 50)


def test_an_unknown_scheme_names_the_choices():
    with pytest.raises(UsageError, match="int8, int4"):
        quantize_model(TinyDecoder(), "int3")
