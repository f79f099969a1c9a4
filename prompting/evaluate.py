"""Evaluate the three techniques on the same fridge scenarios, zero-shot being the baseline.

    python -m prompting.evaluate [--limit N] [--max-repairs 2] [--backend ...]   (or: tailor recipe --evaluate)

For each technique, measured in this run: parse rate (a usable recipe came back), constraint adherence
(ingredients within fridge plus staples, diet respected, time limit respected), each check's pass rate,
attempts, latency, tokens and cost. Replies are generated with `backend.chat_batch` (one batched
`generate` call per group on the local model), so each reply's latency is its share of its batch's wall
time. Results go to runs/eval/prompting.json for compare/ to read.
"""

from __future__ import annotations

import argparse
import sys
import time

from prompting.metrics import summarize, table, write_report
from prompting.narrow import narrowed_recipe
from prompting.prompts import few_shot_messages, repair_message, structured_messages, zero_shot_messages
from prompting.schema import RecipeRequest
from prompting.techniques import (
    JSON_MAX_TOKENS,
    MAX_REPAIRS,
    TECHNIQUES,
    TEXT_MAX_TOKENS,
    RecipeResult,
    from_json,
    from_text,
    judge,
    score,
)
from tailor.config import data_dir
from tailor.errors import SchemaError, UsageError
from tailor.runfiles import read_jsonl

SCENARIOS_FILE = "prompting/fridges.jsonl"
# Conversations per chat_batch call. On an idle 2-core machine a batch of 8 generates 5x the tokens per
# second of one-by-one calls (bench/generation.py, 2026-11-28); on a machine busy with other jobs, batches
# suffer more than single calls from the contention, and --group 1 can be faster.
GROUP = 8


def load_scenarios(limit: int | None = None) -> list[tuple[str, RecipeRequest]]:
    rows = read_jsonl(data_dir() / SCENARIOS_FILE)
    scenarios = [(row.pop("id"), RecipeRequest.create(**row)) for row in rows]
    return scenarios[:limit] if limit else scenarios


def batch(backend, conversations: list, label: str, group_size: int = GROUP, **options) -> list:
    """Replies in groups; a reply cut off at max_tokens becomes its SchemaError, not a crash."""
    outcomes = []
    for start in range(0, len(conversations), group_size):
        group = conversations[start:start + group_size]
        schema = options.get("schema")
        chunk = {**options, "schema": schema[start:start + group_size]} if isinstance(schema, list) else options
        # chat_batch marks a reply that does not validate with .error instead of raising
        outcomes += [SchemaError(r.error) if r.error else r for r in backend.chat_batch(group, **chunk)]
        print(f"  {label}: {len(outcomes)}/{len(conversations)}", file=sys.stderr, flush=True)
    return outcomes


def run_free_text(backend, requests: list[RecipeRequest], technique: str, group_size: int = GROUP):
    build = zero_shot_messages if technique == "zero-shot" else few_shot_messages
    results = batch(backend, [build(r) for r in requests], technique, group_size, max_tokens=TEXT_MAX_TOKENS)
    attempts = [from_text(result, request) for result, request in zip(results, requests, strict=True)]
    return [RecipeResult(technique, r, [a], a) for r, a in zip(requests, attempts, strict=True)]


def run_structured(backend, requests: list[RecipeRequest], max_repairs: int, group_size: int = GROUP):
    """The repair loop of techniques.structured, run for all requests at once, round by round."""
    conversations = [structured_messages(r) for r in requests]
    schemas = [narrowed_recipe(r) for r in requests]  # one per request: each row follows its own grammar
    attempts: list[list] = [[] for _ in requests]
    active = list(range(len(requests)))
    for round_number in range(max_repairs + 1):
        label = "structured" if round_number == 0 else f"structured repair {round_number}"
        outcomes = batch(backend, [conversations[i] for i in active], label, group_size,
                         max_tokens=JSON_MAX_TOKENS, schema=[schemas[i] for i in active]) if active else []
        still = []
        for i, outcome in zip(active, outcomes, strict=True):
            attempt = (judge(None, requests[i], error=str(outcome)) if isinstance(outcome, Exception)
                       else from_json(outcome, requests[i]))
            attempts[i].append(attempt)
            if not attempt.report.passed and attempt.result is not None and round_number < max_repairs:
                conversations[i] = conversations[i] + [attempt.result.to_message(),
                                                       repair_message(attempt.report.listed())]
                still.append(i)
        active = still
    return [RecipeResult("structured", request, tries, min(reversed(tries), key=score))
            for request, tries in zip(requests, attempts, strict=True)]


def evaluate(backend, limit: int | None = None, techniques=TECHNIQUES, max_repairs: int = MAX_REPAIRS,
             group_size: int = GROUP) -> dict:
    """Run every technique on the scenarios; return the report (not yet written)."""
    unknown = set(techniques) - set(TECHNIQUES)
    if unknown:
        raise UsageError(f"unknown technique {sorted(unknown)}; choose from {', '.join(TECHNIQUES)}")
    scenarios = load_scenarios(limit)
    ids, requests = [s[0] for s in scenarios], [s[1] for s in scenarios]
    started, runs = time.perf_counter(), {}
    for technique in techniques:
        runs[technique] = (run_structured(backend, requests, max_repairs, group_size) if technique == "structured"
                           else run_free_text(backend, requests, technique, group_size))
    return summarize(backend, ids, runs, time.perf_counter() - started, limit, max_repairs)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from prompting.options import add_eval_options
    from tailor.cliutil import positive_int

    add_eval_options(parser, positive_int)


def run(args) -> int:
    """Shared by `python -m prompting.evaluate` and `tailor recipe --evaluate`."""
    from tailor.cliutil import backend_from_args

    techniques = tuple(t.strip() for t in args.techniques.split(",") if t.strip())
    report = evaluate(backend_from_args(args), args.limit, techniques, args.max_repairs, args.group)
    path = write_report(report)
    print(table(report))
    print(f"\nwritten to {path}")
    return 0


def main(argv=None) -> int:
    from tailor.cliutil import evaluation_main

    return evaluation_main(sys.modules[__name__], argv)


if __name__ == "__main__":
    sys.exit(main())
