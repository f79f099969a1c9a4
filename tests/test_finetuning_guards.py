"""Training never produces, saves or points `latest` at a NaN adapter, and a NaN adapter is never loaded.

Fast: the guards are driven on a tiny torch module and hand-made safetensors files; the real divergence run
(`--lr 1e30`, one step on the bundled model) is in test_finetuning_slow.py.
"""

from __future__ import annotations

import json
import math

import pytest

from finetuning.train import TrainConfig, divergence_guard, non_finite_parameters
from tailor.errors import ModelNotFoundError, UsageError


@pytest.mark.parametrize("key, value", [("lr", math.inf), ("lr", math.nan), ("epochs", math.nan),
                                        ("epochs", math.inf), ("alpha", math.nan)])
def test_non_finite_hyper_parameters_are_refused_up_front(key, value, tmp_path):
    config = TrainConfig(data=tmp_path / "unused.jsonl", **{key: value})
    with pytest.raises(UsageError, match="finite"):
        config.check()


def tiny_lora_like(nan: bool):
    import torch

    layer = torch.nn.Linear(4, 2)
    layer.bias.requires_grad_(False)  # frozen, like the base weights: never inspected
    if nan:
        with torch.no_grad():
            layer.weight[0, 0] = float("nan")
    return layer


class Control:
    should_training_stop = False
    should_save = True  # what SaveAtEnd asked for on the last step


class State:
    global_step = 1


def test_the_guard_stops_training_and_vetoes_the_checkpoint_on_nan_weights():
    guard, control = divergence_guard(object), Control()  # Trainer calls it the same way (its base adds no-ops)
    guard.on_step_end(None, State(), control, model=tiny_lora_like(nan=False))
    assert not control.should_training_stop and control.should_save and guard.diverged == ""
    guard.on_step_end(None, State(), control, model=tiny_lora_like(nan=True))
    assert control.should_training_stop and not control.should_save
    assert "1 LoRA tensors are NaN" in guard.diverged


@pytest.mark.parametrize("loss", [math.nan, math.inf])
def test_the_guard_stops_on_a_non_finite_loss(loss):
    guard, control = divergence_guard(object), Control()  # Trainer calls it the same way (its base adds no-ops)
    guard.on_log(None, State(), control, logs={"loss": 2.5})
    assert not control.should_training_stop
    guard.on_log(None, State(), control, logs={"loss": loss})
    assert control.should_training_stop and not control.should_save and "the loss is" in guard.diverged


def test_non_finite_parameters_counts_only_trainable_tensors():
    import torch

    layer = tiny_lora_like(nan=False)
    with torch.no_grad():
        layer.bias[0] = float("inf")  # frozen: not the adapter's
    assert non_finite_parameters(layer) == 0
    assert non_finite_parameters(tiny_lora_like(nan=True)) == 1


def adapter_folder(tmp_path, tensors: dict) -> object:
    from safetensors.torch import save_file

    folder = tmp_path / "adapter"
    folder.mkdir()
    (folder / "adapter_config.json").write_text(json.dumps({"peft_type": "LORA"}))
    save_file(tensors, str(folder / "adapter_model.safetensors"))
    return folder


def test_an_adapter_with_nan_or_inf_tensors_is_refused(tmp_path):
    import torch

    from tailor.weights import check_adapter_weights

    folder = adapter_folder(tmp_path, {"a": torch.zeros(2, 2), "b": torch.tensor([1.0, float("inf")])})
    with pytest.raises(ModelNotFoundError, match="non-finite values .* in 1 of 2 tensors"):
        check_adapter_weights(folder)


def test_a_finite_adapter_passes_and_a_truncated_one_is_refused(tmp_path):
    import torch

    from tailor.weights import check_adapter_weights

    folder = adapter_folder(tmp_path, {"a": torch.ones(8, 8)})
    check_adapter_weights(folder)  # no error
    weights = folder / "adapter_model.safetensors"
    weights.write_bytes(weights.read_bytes()[:-50])
    with pytest.raises(ModelNotFoundError, match="truncated"):
        check_adapter_weights(folder)


@pytest.mark.slow
def test_a_diverging_run_saves_nothing_and_leaves_latest_alone(tmp_path):
    """The audit's `--lr inf`, with a finite learning rate instead (inf itself is now refused up front) large
    enough to blow the LoRA weights up: the first step is warm-up (learning rate 0), the second moves the
    weights by about 1e30, and the forward pass after overflows to NaN. Four tiny real steps."""
    from finetuning.train import train
    from tailor.runfiles import latest_run, run_root

    good, data = a_good_latest_and_two_records(tmp_path)
    config = TrainConfig(data=data, lr=1e30, max_steps=4, batch_size=1, rank=2, alpha=4, max_length=128,
                         save_steps=100)
    with pytest.raises(UsageError, match="diverged .*nothing was saved"):
        train(config, progress=False)
    assert latest_run("tutor") == good.resolve()
    assert sorted(p.name for p in run_root("tutor").iterdir()) == ["20260101-000000", "latest"]


def tiny_model(folder, fresh=True, **_):
    """A randomly initialised two-layer Llama with the bundled tokenizer: the real Trainer and peft, in seconds."""
    from transformers import AutoTokenizer, LlamaConfig, LlamaForCausalLM

    tokenizer = AutoTokenizer.from_pretrained(folder)
    config = LlamaConfig(vocab_size=len(tokenizer), hidden_size=16, intermediate_size=32, num_hidden_layers=1,
                         num_attention_heads=2, num_key_value_heads=1, max_position_embeddings=64)
    return LlamaForCausalLM(config), tokenizer


@pytest.mark.parametrize("lr, diverges", [(1e30, True), (1e-3, False)])
def test_train_with_a_huge_learning_rate_saves_nothing_and_keeps_latest(lr, diverges, tmp_path, monkeypatch):
    """train() end to end on a tiny model: a diverging run is refused and leaves nothing, a sane one finishes
    and moves latest (the control: the same run with a normal learning rate)."""
    import tailor.weights
    from finetuning.train import train
    from tailor.runfiles import latest_run, run_root

    monkeypatch.setattr(tailor.weights, "load_model", tiny_model)
    good, data = a_good_latest_and_two_records(tmp_path)
    config = TrainConfig(data=data, lr=lr, max_steps=4, batch_size=1, rank=2, alpha=4, max_length=128,
                         save_steps=100, precision="fp32")
    if not diverges:
        run = train(config, progress=False)
        assert latest_run("tutor") == run.resolve() and (run / "adapter_model.safetensors").is_file()
        return
    with pytest.raises(UsageError, match="diverged .*nothing was saved"):
        train(config, progress=False)
    assert latest_run("tutor") == good.resolve()
    assert sorted(p.name for p in run_root("tutor").iterdir()) == ["20260101-000000", "latest"]


def a_good_latest_and_two_records(tmp_path):
    """A finished tutor run that `latest` points at, and a two-record data set to train on."""
    from tailor.runfiles import RUN_CARD, mark_latest, run_root

    good = run_root("tutor") / "20260101-000000"
    good.mkdir(parents=True)
    (good / RUN_CARD).write_text("{}")
    mark_latest(good, "tutor")
    data = tmp_path / "two.jsonl"
    data.write_text("".join(json.dumps({"messages": [{"role": "user", "content": q},
                                                     {"role": "assistant", "content": a}]}) + "\n"
                            for q, a in [("What is rain?", "Water from clouds."), ("What is ice?", "Frozen water.")]))
    return good, data
