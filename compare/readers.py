"""One small adapter per demo: its evaluation JSON (runs_dir()/eval/<demo>.json) -> the table's columns.

Each reader fills what its demo measured and leaves the rest None ("not measured"). The keys are the
ones each demo's evaluate.py writes today; `dig` tries the alternatives, so a renamed key costs one
column, never the report.
"""

from __future__ import annotations

import json
from pathlib import Path

from compare.rows import Row, dig, number, text
from tailor.config import runs_dir


def read_generic(doc: dict, row: Row) -> None:
    """The shared convention (metric, value, baseline, latency, tokens at the top level or in `metrics`)."""
    row.metric = row.metric or text(doc, "metric", "quality.metric") or "quality"
    row.value = number(doc, "value", "quality.value", "metrics.value", "metrics.score", "score")
    row.baseline = number(doc, "baseline.value", "baseline", "quality.baseline", "baseline.score")
    row.baseline_name = text(doc, "baseline.name", "baseline_name") or "baseline"
    row.latency_p50_s = number(doc, "latency_p50_s", "latency.p50_s", "metrics.latency_p50_s", "latency.p50")
    row.latency_p95_s = number(doc, "latency_p95_s", "latency.p95_s", "metrics.latency_p95_s", "latency.p95")
    row.latency_mean_s = number(doc, "latency_mean_s", "latency.mean_s", "metrics.latency_mean_s",
                                "metrics.mean_latency_s", "mean_latency_s")
    row.prompt_tokens = number(doc, "prompt_tokens", "tokens.prompt", "metrics.prompt_tokens",
                               "usage.prompt_tokens")
    row.completion_tokens = number(doc, "completion_tokens", "tokens.completion", "metrics.completion_tokens",
                                   "usage.completion_tokens")
    row.setup_s = number(doc, "setup_s", "setup_seconds", "train_seconds", "ingest_s")


def read_prompting(doc: dict, row: Row) -> None:
    method = text(doc, "quality.method") or "structured"
    chosen = (dig(doc, "techniques") or {}).get(method, {})
    row.metric = f"{(text(doc, 'quality.metric') or 'quality').replace('_', ' ')} ({method})"
    row.value = number(doc, "quality.value")
    row.baseline = number(doc, "quality.baseline_value")
    row.baseline_name = f"{text(doc, 'baseline') or 'zero-shot'} prompt"
    row.latency_p50_s = number(chosen, "latency_s.p50")
    row.latency_p95_s = number(chosen, "latency_s.p95")
    row.latency_mean_s = number(chosen, "latency_s.mean")
    row.prompt_tokens = number(chosen, "mean_prompt_tokens")
    row.completion_tokens = number(chosen, "mean_completion_tokens")
    row.notes.append("latency and tokens are per scenario, repair attempts included")
    row.setup_s, row.setup_what = 0.0, "none: nothing to train or index"
    examples = number(doc, "data.few_shot_examples")
    if examples is not None:
        row.data_count, row.data_unit = int(examples), "examples in the prompt (no training data)"


def read_finetuning(doc: dict, row: Row) -> None:
    row.metric = "voice compliance (all rules)"
    row.value = number(doc, "metrics.voice.all_rules")
    row.baseline = number(doc, "baseline.voice.all_rules")
    row.baseline_name = "base model, same prompts"
    row.latency_mean_s = number(doc, "metrics.mean_latency_s", "metrics.latency_s")
    row.notes.append("latency is the mean share of a batched generate (no p50/p95 recorded)")
    card = _run_card(text(doc, "adapter"))
    row.setup_s = number(card, "seconds")
    row.setup_what = "LoRA training"
    row.data_count = _int(number(card, "data.records"))
    row.data_unit = "training examples"


def read_rag(doc: dict, row: Row) -> None:
    row.metric = "answer correctness"
    row.value = number(doc, "answers.answer_correctness")
    row.baseline = number(doc, "closed_book.answer_correctness")
    row.baseline_name = "closed book, no retrieval"
    row.latency_p50_s = number(doc, "latency.end_to_end_p50_s")
    row.latency_p95_s = number(doc, "latency.end_to_end_p95_s")
    row.prompt_tokens = number(doc, "answers.prompt_tokens", "tokens.prompt", "prompt_tokens")
    row.completion_tokens = number(doc, "answers.completion_tokens", "tokens.completion", "completion_tokens")
    row.setup_s = number(doc, "ingest_s", "ingest.seconds", "setup_s")
    row.setup_what = "ingest (chunk, embed, upsert)"


FOUR_WAY = ("ft+rag", "ft+rag/tutor", "rag")  # the variant that stands for the method, in order of choice


def read_finetune_rag(doc: dict, row: Row) -> None:
    variants = dig(doc, "variants") or {}
    name = next((n for n in FOUR_WAY if isinstance(variants.get(n), dict)), None)
    chosen = variants.get(name, {}) if name else {}
    row.metric = f"answer correctness ({name})" if name else "answer correctness"
    row.value = number(chosen, "correctness")
    row.baseline = number(variants, "base.correctness")
    row.baseline_name = "base model, prompting only"
    row.latency_mean_s = number(chosen, "latency_s")
    row.prompt_tokens = number(chosen, "prompt_tokens")
    row.completion_tokens = number(chosen, "completion_tokens")
    card = _run_card(str(runs_dir() / "course" / "latest")) if name == "ft+rag" else {}
    row.setup_s = number(card, "seconds")
    row.setup_what = "grounded (RAFT) LoRA training"
    row.data_count = _int(number(card, "data.records"))
    row.data_unit = "RAFT training examples"


def read_agents(doc: dict, row: Row) -> None:
    best = text(doc, "best_config")
    config = (dig(doc, "configs") or {}).get(best or "", {})
    row.metric = "task success (database end state)"
    row.value = number(doc, "value") if number(doc, "value") is not None else number(config, "success_rate")
    row.baseline = number(doc, "baseline")
    row.baseline_name = "one model call, no agent loop"
    row.latency_p50_s = number(config, "latency_s_p50")
    row.latency_p95_s = number(config, "latency_s_p95")
    row.latency_mean_s = number(config, "latency_s_mean")
    row.prompt_tokens = number(config, "prompt_tokens_per_task")
    row.completion_tokens = number(config, "completion_tokens_per_task")
    row.notes.append("latency and tokens are per task (a whole conversation), not per model call")
    if best and "adapter" in best:
        row.setup_s = number(_run_card(str(runs_dir() / "agent-tools" / "latest")), "seconds")
        row.setup_what = "tool-calling LoRA training"
    else:
        row.setup_s, row.setup_what = 0.0, "none: no training (the database is seeded)"


def read_custom_ml(doc: dict, row: Row) -> None:
    row.metric = "ROC-AUC (held-out rows)"
    row.value = number(doc, "metrics.roc_auc")
    row.baseline = number(doc, "baseline.roc_auc")
    row.baseline_name = text(doc, "baseline.name") or "DummyClassifier"
    per_row = number(doc, "seconds_per_row", "llm.classifier.seconds_per_row")
    row.latency_mean_s = row.latency_p50_s = per_row
    row.prompt_tokens = row.completion_tokens = 0.0  # no language model in the classifier's path
    row.setup_s = number(doc, "train_seconds")
    row.setup_what = "training (5-fold CV, model choice, threshold)"
    row.data_count = _int(number(doc, "rows", "dataset_rows"))
    row.data_unit = "labelled rows"
    if per_row is not None:
        row.notes.append("latency is per row, measured as one batch")


READERS = {"prompting": read_prompting, "finetuning": read_finetuning, "rag": read_rag,
           "finetune_rag": read_finetune_rag, "agents": read_agents, "custom_ml": read_custom_ml}


def fill(row: Row, doc: dict) -> Row:
    """The demo's reader, then the columns every demo shares (backend, model, time, item count)."""
    READERS.get(row.demo, read_generic)(doc, row)
    row.items = _int(number(doc, "items", "n_items", "n_test", "n"))
    row.backend = text(doc, "backend")
    row.model = text(doc, "model") or _first_model(dig(doc, "models"))
    row.timestamp = text(doc, "timestamp", "finished")
    return row


def _first_model(models) -> str | None:
    if isinstance(models, dict) and models:
        return str(next(iter(models.values())))
    return None


def _run_card(folder: str | None) -> dict:
    """A training run's run_card.json (seconds, records), or {} when there is none."""
    if not folder:
        return {}
    try:
        return json.loads((Path(folder) / "run_card.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _int(value: float | None) -> int | None:
    return None if value is None else int(value)
