"""Faster local inference by storing the weights in fewer bits. Both schemes are off by default: they change
the numerics, so greedy answers can differ from float32 (the README and `bench/generation.py` say how much).

- `int8`: torch's dynamic quantization of every Linear layer (int8 weights and activations).
- `int4`: 4-bit weights in groups of 32 with a scale and a minimum each, the layout of the bundled GGUF's
  Q4_1 blocks, so re-packing the bundled model's weights is exact; the matrix products run in bfloat16 on
  torch's packed int4 kernel. A single-token step reads about a seventh of the float32 bytes, and on the CPU
  that is what a step waits for. The output layer, tied to the token embeddings, runs in bfloat16.

LoRA adapters stay in float32 on top of the packed base layers, so a trained adapter keeps working.
Imported only when a model is loaded with a quantization (it imports torch).
"""

from __future__ import annotations

import warnings

import torch

from tailor.errors import UsageError

SCHEMES = ("int8", "int4")
GROUP_SIZE = 32  # weights sharing one scale and minimum, as in a GGUF Q4_1 block
LEVELS = 15  # 4 bits: 0..15


def quantize_model(model, scheme: str):
    """Return the model with its Linear layers quantized by `scheme` ("int8" or "int4")."""
    if scheme == "int8":
        return _dynamic_int8(model)
    if scheme == "int4":
        return _int4_weights(model)
    raise UsageError(f"unknown quantization {scheme!r}; choose one of {', '.join(SCHEMES)} (TAILOR_QUANTIZE), "
                     "or leave it unset for exact float32")


def _dynamic_int8(model):
    from torch.ao.quantization import quantize_dynamic

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return quantize_dynamic(model, {torch.nn.Linear}, dtype=torch.qint8)


def _int4_weights(model):
    if not hasattr(torch.ops.aten, "_weight_int4pack_mm_for_cpu"):
        raise UsageError("this torch has no packed int4 kernel for the CPU; install torch>=2.6 or unset "
                         "TAILOR_QUANTIZE")
    for parent, name, linear in list(_linear_layers(model)):
        if name == "lm_head":
            setattr(parent, name, BFloat16Linear(linear))
        elif linear.in_features % GROUP_SIZE == 0:
            setattr(parent, name, Int4Linear(linear))
        # any other layer keeps float32: the kernel needs whole groups along the input
    return model


def _linear_layers(model):
    """(parent, attribute, Linear) for the model's own Linear layers; LoRA's small A and B matrices excluded."""
    for path, module in model.named_modules():
        if "lora_" in path:
            continue
        for name, child in module.named_children():
            if isinstance(child, torch.nn.Linear) and not name.startswith("lora_"):
                yield module, name, child


def int4_codes(weight):
    """(codes, scale, minimum) per group of 32 inputs: w ~ code * scale + minimum, code in 0..15 (the Q4_1 rule)."""
    out_features, in_features = weight.shape
    groups = weight.detach().float().reshape(out_features, in_features // GROUP_SIZE, GROUP_SIZE)
    minimum = groups.amin(-1, keepdim=True)
    scale = ((groups.amax(-1, keepdim=True) - minimum) / LEVELS).clamp(min=torch.finfo(torch.float32).tiny)
    return ((groups - minimum) / scale).round().clamp(0, LEVELS), scale, minimum


def grid_error(weight) -> float:
    """The largest absolute difference the 4-bit grid makes to `weight` (0.0 for the bundled model's)."""
    codes, scale, minimum = int4_codes(weight)
    return (codes * scale + minimum - weight.detach().float().reshape(codes.shape)).abs().max().item()


def pack_int4(weight):
    """The packed codes and the (scale, zero) pairs [in / 32, out, 2] in bfloat16 that torch's kernel takes.

    The kernel computes (code - 8) * scale + zero, so zero = minimum + 8 * scale.
    """
    codes, scale, minimum = int4_codes(weight)
    scales_and_zeros = torch.stack([scale.squeeze(-1), (minimum + 8 * scale).squeeze(-1)], dim=-1)
    packed = torch.ops.aten._convert_weight_to_int4pack_for_cpu(codes.to(torch.int32).reshape(weight.shape), 1)
    return packed, scales_and_zeros.transpose(0, 1).contiguous().to(torch.bfloat16)


class Int4Linear(torch.nn.Module):
    """A Linear layer with 4-bit weights: x W^T + b computed in bfloat16, returned in the input's dtype."""

    def __init__(self, linear):
        super().__init__()
        self.in_features, self.out_features = linear.in_features, linear.out_features
        packed, scales_and_zeros = pack_int4(linear.weight)
        self.register_buffer("packed", packed)
        self.register_buffer("scales_and_zeros", scales_and_zeros)
        self.bias = linear.bias

    def forward(self, x):
        flat = x.reshape(-1, self.in_features).to(torch.bfloat16)
        y = torch.ops.aten._weight_int4pack_mm_for_cpu(flat, self.packed, GROUP_SIZE, self.scales_and_zeros)
        y = y.to(x.dtype).reshape(*x.shape[:-1], self.out_features)
        return y if self.bias is None else y + self.bias

    def extra_repr(self) -> str:
        return f"in_features={self.in_features}, out_features={self.out_features}, 4-bit groups of {GROUP_SIZE}"


class BFloat16Linear(torch.nn.Module):
    """A Linear layer kept in bfloat16 (half the bytes of float32), returned in the input's dtype."""

    def __init__(self, linear):
        super().__init__()
        self.in_features, self.out_features = linear.in_features, linear.out_features
        self.register_buffer("weight_bf16", linear.weight.detach().to(torch.bfloat16).clone())
        self.bias = linear.bias

    def forward(self, x):
        y = torch.nn.functional.linear(x.to(torch.bfloat16), self.weight_bf16).to(x.dtype)
        return y if self.bias is None else y + self.bias
