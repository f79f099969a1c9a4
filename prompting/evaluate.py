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
from dataclasses import replace

from prompting.chain import plan_then_write
from prompting.metrics import summarize, table, write_report
from prompting.narrow import recipe_schema
from prompting.prompts import few_shot_messages, repair_message, structured_messages, zero_shot_messages
from prompting.schema import RecipeRequest
from prompting.techniques import (
    CANDIDATES,
    JSON_MAX_TOKENS,
    MAX_REPAIRS,
    TECHNIQUES,
    TEXT_MAX_TOKENS,
    RecipeResult,
    Variant,
    best_of,
    from_text,
    score,
)
from tailor.config import data_dir
from tailor.errors import UsageError
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
    """Replies in groups; a reply cut off at max_tokens comes back marked with .error, not as a crash."""
    outcomes = []
    for start in range(0, len(conversations), group_size):
        group = conversations[start:start + group_size]
        schema = options.get("schema")
        chunk = {**options, "schema": schema[start:start + group_size]} if isinstance(schema, list) else options
        outcomes += backend.chat_batch(group, **chunk)
        print(f"  {label}: {len(outcomes)}/{len(conversations)}", file=sys.stderr, flush=True)
    return outcomes


def run_free_text(backend, requests: list[RecipeRequest], technique: str, group_size: int = GROUP):
    build = zero_shot_messages if technique == "zero-shot" else few_shot_messages
    results = batch(backend, [build(r) for r in requests], technique, group_size, max_tokens=TEXT_MAX_TOKENS)
    attempts = [from_text(result, request) for result, request in zip(results, requests, strict=True)]
    return [RecipeResult(technique, r, [a], a) for r, a in zip(requests, attempts, strict=True)]


def run_structured(backend, requests: list[RecipeRequest], variant: Variant, group_size: int = GROUP,
                   label: str = "structured"):
    """techniques.structured for all requests at once, round by round: each active request's candidates
    go into the same batches, then the checks choose and the failed ones get a repair turn."""
    conversations = [structured_messages(r) for r in requests]
    schemas = [recipe_schema(r, variant.tight, variant.hidden) for r in requests]  # each row its own grammar
    attempts: list[list] = [[] for _ in requests]
    active, n = list(range(len(requests))), variant.candidates
    for round_number in range(variant.max_repairs + 1):
        name = label if round_number == 0 else f"{label} repair {round_number}"
        flat = [i for i in active for _ in range(n)]
        if variant.plan and round_number == 0:
            outcomes = plan_then_write(backend, [requests[i] for i in active], variant, JSON_MAX_TOKENS, group_size)
            print(f"  {name} (plan, then write): {len(outcomes)}/{len(flat)}", file=sys.stderr, flush=True)
        else:
            outcomes = batch(backend, [conversations[i] for i in flat], name, group_size, max_tokens=JSON_MAX_TOKENS,
                             schema=[schemas[i] for i in flat], temperature=variant.temperature) if flat else []
        still = []
        for k, i in enumerate(active):
            attempt, _ = best_of(outcomes[k * n:(k + 1) * n], requests[i])
            attempts[i].append(attempt)
            if not attempt.report.passed and attempt.result is not None and round_number < variant.max_repairs:
                conversations[i] = conversations[i] + [attempt.result.to_message(),
                                                       repair_message(attempt.report.listed())]
                still.append(i)
        active = still
    return [RecipeResult("structured", request, tries, min(reversed(tries), key=score))
            for request, tries in zip(requests, attempts, strict=True)]


def first_attempts(results: list[RecipeResult]) -> list[RecipeResult]:
    """The same run with the repair loop off: each scenario's first round is exactly what it would return."""
    return [RecipeResult("structured", r.request, r.attempts[:1], r.attempts[0]) for r in results]


# The ablation: each row switches one thing of the default structured technique off, measured in one run.
ABLATION = {
    "schema shown in prompt": Variant(hidden=False),
    "loose values (no value grammars)": Variant(tight=False),  # free strings: no cook's vocabulary
    "one greedy candidate": Variant(candidates=1),
    "plan, then write (two calls)": Variant(plan=True),
}


def evaluate(backend, limit: int | None = None, techniques=TECHNIQUES, max_repairs: int = MAX_REPAIRS,
             group_size: int = GROUP, ablation: bool = False, candidates: int = CANDIDATES) -> dict:
    """Run every technique on the scenarios (and, with `ablation`, the structured technique with one
    thing switched off per row); return the report (not yet written)."""
    unknown = set(techniques) - set(TECHNIQUES)
    if unknown:
        raise UsageError(f"unknown technique {sorted(unknown)}; choose from {', '.join(TECHNIQUES)}")
    scenarios = load_scenarios(limit)
    ids, requests = [s[0] for s in scenarios], [s[1] for s in scenarios]
    started, runs = time.perf_counter(), {}
    default = Variant(candidates=candidates, max_repairs=max_repairs)
    for technique in techniques:
        runs[technique] = (run_structured(backend, requests, default, group_size) if technique == "structured"
                           else run_free_text(backend, requests, technique, group_size))
        progress(technique, runs[technique], started)
    if ablation and "structured" in runs:
        runs["structured, repair off"] = first_attempts(runs["structured"])
        for name, variant in ABLATION.items():
            variant = replace(variant, max_repairs=max_repairs,
                              candidates=variant.candidates if variant.candidates == 1 else candidates)
            runs[f"structured, {name}"] = run_structured(backend, requests, variant, group_size, name)
            progress(name, runs[f"structured, {name}"], started)
    return summarize(backend, ids, runs, time.perf_counter() - started, limit, max_repairs)


def progress(name: str, results: list[RecipeResult], started: float) -> None:
    """One line per finished row on standard error, so a long run shows its numbers as they come."""
    passed = sum(r.recipe is not None and r.report.passed for r in results)
    parsed = sum(r.recipe is not None for r in results)
    print(f"  = {name}: all checks {passed}/{len(results)}, parsed {parsed}/{len(results)} "
          f"({time.perf_counter() - started:.0f} s so far)", file=sys.stderr, flush=True)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from prompting.options import add_eval_options
    from tailor.cliutil import positive_int

    add_eval_options(parser, positive_int)


def run(args) -> int:
    """Shared by `python -m prompting.evaluate` and `tailor recipe --evaluate`."""
    from tailor.cliutil import backend_from_args

    techniques = tuple(t.strip() for t in args.techniques.split(",") if t.strip())
    report = evaluate(backend_from_args(args), args.limit, techniques, args.max_repairs, args.group,
                      args.ablation, args.candidates)
    path = write_report(report)
    print(table(report))
    print(f"\nwritten to {path}")
    return 0


def main(argv=None) -> int:
    from tailor.cliutil import evaluation_main

    return evaluation_main(sys.modules[__name__], argv)


if __name__ == "__main__":
    sys.exit(main())
