"""Benchmark: LoRA fine-tuning vs a full fine-tune, and LoRA in bfloat16 vs float32, same batch, this run.

    .venv/bin/python bench/finetune.py [--steps 3] [--batch-size 8]
    .venv/bin/python bench/finetune.py --data runs/agent-tools/data.jsonl --batch-size 4 --max-length 1024

Prints, for the default LoRA config (float32 and under bfloat16 autocast, what `--precision auto` picks on
a CPU with native bf16) and for full fine-tuning: trainable parameters (and their share), seconds per
optimizer step, training tokens per second and the process's peak memory after the steps; then the
ratios (full / LoRA, float32 / bfloat16). Absolute numbers depend on the machine and its load; the ratios are the
result. The first step of each is a warm-up and is not timed.
"""

from __future__ import annotations

import argparse
import resource
import time
from pathlib import Path

from finetuning.data import encode_record, load_records, pad_batch
from finetuning.train import TrainConfig, add_lora, trainable_parameters
from tailor.config import data_dir, quiet_libraries


def one_batch(tokenizer, size: int, data: Path | None = None, max_length: int = 256) -> dict:
    records = load_records(data or data_dir() / "finetuning" / "tutor_train.jsonl")[:size]
    return pad_batch([encode_record(tokenizer, r["messages"], max_length) for r in records], tokenizer.eos_token_id)


def time_steps(model, batch: dict, steps: int, lr: float, bf16: bool = False) -> tuple[float, float]:
    """(wall, CPU) seconds per optimizer step (forward, backward, AdamW), after one untimed warm-up step.

    CPU seconds barely depend on other processes' load; with one thread they approximate the wall time
    of the same step on an idle core.
    """
    import torch

    optimizer = torch.optim.AdamW([p for p in model.parameters() if p.requires_grad], lr=lr)
    model.train()
    wall, cpu = [], []
    for _ in range(steps + 1):
        began, began_cpu = time.perf_counter(), time.process_time()
        with torch.autocast("cpu", dtype=torch.bfloat16, enabled=bf16):
            loss = model(**batch).loss
        loss.backward()
        optimizer.step()
        optimizer.zero_grad()
        wall.append(time.perf_counter() - began)
        cpu.append(time.process_time() - began_cpu)
    return sum(wall[1:]) / steps, sum(cpu[1:]) / steps


def peak_rss_gib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20  # Linux reports KiB


def measure(kind: str, steps: int, batch_size: int, data: Path | None, max_length: int) -> dict:
    from tailor.models import resolve_model
    from tailor.weights import load_model

    model, tokenizer = load_model(resolve_model(None)[0], fresh=True)
    if kind.startswith("lora"):
        model, lr = add_lora(model, TrainConfig(data=Path("."))), 1e-3
    else:
        lr = 1e-5  # a full fine-tune needs a far smaller learning rate
    batch = one_batch(tokenizer, batch_size, data, max_length)
    trainable, total = trainable_parameters(model)
    seconds, cpu_seconds = time_steps(model, batch, steps, lr, bf16=kind.endswith("bf16"))
    tokens = int(batch["attention_mask"].sum())
    return {"kind": kind, "trainable": trainable, "share": trainable / total, "step_s": seconds,
            "cpu_s": cpu_seconds, "tokens_per_s": tokens / seconds, "peak_gib": peak_rss_gib()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=3, help="timed steps of each (after one warm-up)")
    parser.add_argument("--batch-size", type=int, default=TrainConfig.batch_size)
    parser.add_argument("--data", type=Path, default=None, help="a chat JSONL (default: the tutor set)")
    parser.add_argument("--max-length", type=int, default=256, help="tokens per example")
    args = parser.parse_args()
    quiet_libraries()
    rows = [measure(kind, args.steps, args.batch_size, args.data, args.max_length)
            for kind in ("lora", "lora-bf16", "full")]
    print(f"{'':<10}{'trainable':>14}{'share':>9}{'s/step':>9}{'CPU s':>8}{'tokens/s':>10}{'peak GiB':>10}")
    for r in rows:
        print(f"{r['kind']:<10}{r['trainable']:>14,}{r['share']:>9.2%}{r['step_s']:>9.2f}{r['cpu_s']:>8.2f}"
              f"{r['tokens_per_s']:>10.0f}{r['peak_gib']:>10.2f}")
    lora, bf16, full = rows
    print(f"LoRA float32 / bfloat16: {lora['step_s'] / bf16['step_s']:.2f}x the time per step")
    print(f"full / LoRA: {full['trainable'] / lora['trainable']:.0f}x the trainable parameters, "
          f"{full['step_s'] / lora['step_s']:.2f}x the time per step, {full['cpu_s'] / lora['cpu_s']:.2f}x "
          f"the CPU time (peak memory is the process's: LoRA measured first)")


if __name__ == "__main__":
    main()
