"""Base model vs LoRA adapter on the held-out tutor questions, measured in this run.

    python -m finetuning.evaluate [--limit N] [--adapter RUN]

For each side: held-out loss and perplexity on the reference answers (assistant tokens only, computed on the
transformers weights whatever the engine), the rate of generated answers that follow each voice rule and all
of them (finetuning/voice.py), and the mean latency; the answers come from the chosen inference backend
(--backend, as every demo). Prints both columns side by side and writes runs_dir()/eval/finetuning.json for compare/.
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from pathlib import Path

from finetuning.data import encode_record, load_records, pad_batch
from finetuning.voice import RULES, check_voice, is_exercise
from tailor.runfiles import eval_path, write_json

DEFAULT_EVAL = "finetuning/tutor_eval.jsonl"  # under data_dir()


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from tailor.cliutil import positive_int

    parser.add_argument("--data", type=Path, default=None, help="eval JSONL (default: the tutor eval set)")
    parser.add_argument("--adapter", default=None, help="run folder (default runs/tutor/latest)")
    parser.add_argument("--limit", type=positive_int, default=None, help="only the first N items")
    parser.add_argument("--max-tokens", type=positive_int, default=120)


def heldout_loss(model, tokenizer, records: list[dict], batch_size: int = 8, max_length: int = 256) -> float:
    """Mean cross-entropy per labelled (assistant) token on the reference answers."""
    import torch

    features = [encode_record(tokenizer, r["messages"], max_length) for r in records]
    total, count = 0.0, 0
    with torch.inference_mode():
        for start in range(0, len(features), batch_size):
            batch = pad_batch(features[start:start + batch_size], tokenizer.eos_token_id)
            logits = model(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"]).logits
            labels = batch["labels"][:, 1:]  # token t is predicted from positions < t
            losses = torch.nn.functional.cross_entropy(logits[:, :-1].flatten(0, 1), labels.flatten(),
                                                       ignore_index=-100, reduction="sum")
            total += float(losses)
            count += int((labels != -100).sum())
    return total / count


def voice_rates(records: list[dict], answers: list[str]) -> dict:
    """Share of answers following each rule; hint_first is counted over the exercises only."""
    pairs = zip(records, answers, strict=True)
    verdicts = [check_voice(_question(r), a, r.get("solution")) for r, a in pairs]
    rates = {}
    for rule in RULES:
        pool = [v[rule] for r, v in zip(records, verdicts, strict=True)
                if rule != "hint_first" or is_exercise(_question(r))]
        rates[rule] = sum(pool) / len(pool) if pool else None
    rates["all_rules"] = sum(all(v.values()) for v in verdicts) / len(verdicts)
    return rates


def _question(record: dict) -> str:
    return next(m["content"] for m in reversed(record["messages"]) if m["role"] == "user")


def prompts(records: list[dict]) -> list[list[dict]]:
    """Each record's conversation up to (not including) its last assistant reply."""
    out = []
    for r in records:
        last = max(i for i, m in enumerate(r["messages"]) if m["role"] == "assistant")
        out.append(r["messages"][:last])
    return out


def loss_weights(backend, model: str | None):
    """(model, tokenizer) in transformers: the local backend's own, loaded once; another engine's read here."""
    if hasattr(backend, "model_and_tokenizer"):
        return backend.model_and_tokenizer()
    from tailor.models import resolve_model
    from tailor.weights import load_model

    return load_model(resolve_model(model)[0], getattr(backend, "adapter", None))


def measure(backend, records: list[dict], max_tokens: int, model: str | None = None) -> dict:
    """Loss on the weights (the base model, plus the backend's adapter), then the backend's greedy answers."""
    loss = heldout_loss(*loss_weights(backend, model), records)
    results = backend.chat_batch(prompts(records), max_tokens=max_tokens)
    answers = [r.text for r in results]
    return {"heldout_loss": loss, "perplexity": math.exp(loss), "voice": voice_rates(records, answers),
            "mean_latency_s": sum(r.latency_s for r in results) / len(results), "answers": answers}


def evaluate(data: Path, adapter=None, limit: int | None = None, max_tokens: int = 120,
             model: str | None = None, backend: str | None = None) -> dict:
    from finetuning.tutor import tutor_backend

    records = load_records(data)[:limit]
    tuned = tutor_backend(adapter, model=model, backend=backend)  # fails fast, before the slow base side
    base = measure(tutor_backend(base_only=True, model=model, backend=backend), records, max_tokens, model)
    after = measure(tuned, records, max_tokens, model)
    return {"demo": "finetuning", "backend": tuned.name, "model": tuned.model, "adapter": str(tuned.adapter),
            "data": str(data), "items": len(records), "max_tokens": max_tokens,
            "timestamp": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "baseline": _summary(base), "metrics": _summary(after),
            "examples": [{"question": _question(r), "base": b, "adapter": a}
                         for r, b, a in zip(records[:5], base["answers"], after["answers"], strict=False)]}


def _summary(side: dict) -> dict:
    return {k: v for k, v in side.items() if k != "answers"}


def print_table(report: dict) -> None:
    base, tuned = report["baseline"], report["metrics"]
    rows = [("held-out loss", base["heldout_loss"], tuned["heldout_loss"], "{:.3f}"),
            ("perplexity", base["perplexity"], tuned["perplexity"], "{:.1f}")]
    rows += [(f"rule: {rule}", base["voice"][rule], tuned["voice"][rule], "{:.0%}") for rule in RULES]
    rows += [("all rules", base["voice"]["all_rules"], tuned["voice"]["all_rules"], "{:.0%}"),
             ("mean latency (s)", base["mean_latency_s"], tuned["mean_latency_s"], "{:.2f}")]
    print(f"{report['items']} held-out questions, {report['model']} on the {report['backend']} backend")
    print(f"{'':<22}{'base':>10}{'adapter':>10}")
    for label, left, right, form in rows:
        print(f"{label:<22}{_show(left, form):>10}{_show(right, form):>10}")
    gain = tuned["voice"]["all_rules"] - base["voice"]["all_rules"]
    print(f"all-rules compliance: {gain * 100:+.0f} points (target +30)")


def _show(value, form: str) -> str:
    return "n/a" if value is None else form.format(value)


def run(args) -> int:
    from tailor.config import data_dir

    report = evaluate(args.data or data_dir() / DEFAULT_EVAL, args.adapter, args.limit, args.max_tokens,
                      getattr(args, "model", None), getattr(args, "backend", None))
    print_table(report)
    path = write_json(eval_path("finetuning"), report)
    print(f"wrote {path}")
    return 0


def main(argv=None) -> int:
    from tailor.cliutil import evaluation_main

    return evaluation_main(sys.modules[__name__], argv)


if __name__ == "__main__":
    sys.exit(main())
