"""train-tools' last step (tailor.adapters.compact): the run is made small enough to ship."""

from __future__ import annotations

import json

from tailor.adapters import compact


def test_compact_saves_bfloat16_and_drops_the_optimizer(tmp_path):
    import torch
    from safetensors.torch import load_file, save_file

    base = tmp_path / "base"
    base.mkdir()
    (base / "config.json").write_text("{}")
    save_file({"w": torch.ones(4, 4)}, base / "model.safetensors")
    run = tmp_path / "run"
    (run / "checkpoints" / "checkpoint-1").mkdir(parents=True)
    (run / "checkpoints" / "checkpoint-1" / "optimizer.pt").write_bytes(b"x" * 1000)
    save_file({"lora_A": torch.rand(8, 16), "lora_B": torch.rand(16, 8)}, run / "adapter_model.safetensors")
    (run / "run_card.json").write_text(json.dumps({"config": {"base": str(base)}, "data": {"sha256": "d"}}))

    size = compact(run)

    tensors = load_file(run / "adapter_model.safetensors")
    assert {t.dtype for t in tensors.values()} == {torch.bfloat16}
    assert not (run / "checkpoints").exists()
    card = json.loads((run / "run_card.json").read_text())
    assert card["data"]["sha256"] == "d" and card["adapter_dtype"] == "bfloat16"
    assert size == sum(p.stat().st_size for p in run.rglob("*") if p.is_file())
