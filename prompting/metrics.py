"""Turning the evaluation's recipe results into numbers, a table, and runs/eval/prompting.json.

Every number is computed from what was measured in the run; the zero-shot technique is the baseline the
others are shown beside.
"""

from __future__ import annotations

import statistics
from datetime import datetime, timezone
from pathlib import Path

from prompting.checks import CHECKS
from prompting.prompts import copies_example
from tailor.cost import projected_usd
from tailor.runfiles import eval_path, write_json

BASELINE = "zero-shot"
REPLY_CHARS = 800  # each item keeps the start of its best reply, for reading the results
PROJECTED_MODEL = "gpt-4o-mini"  # what the same tokens would cost on a named hosted model


def reply_text(item) -> str:
    """The chosen reply's own text (free text or JSON), parsed or not."""
    result = item.best.result if item.best else None
    return getattr(result, "text", "") or ""


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))] if ordered else 0.0


def rate(flags) -> float:
    flags = list(flags)
    return round(sum(flags) / len(flags), 4) if flags else 0.0


def technique_metrics(results) -> dict:
    """The measured numbers of one technique over all scenarios."""
    latency = [sum(r.latency_s for r in item.results) for item in results]
    prompt = [sum(r.usage.prompt_tokens for r in item.results) for item in results]
    completion = [sum(r.usage.completion_tokens for r in item.results) for item in results]
    usd = [r.cost().usd for item in results for r in item.results]
    projected = sum(projected_usd(p, c, PROJECTED_MODEL) for p, c in zip(prompt, completion, strict=True))
    metrics = {
        "n": len(results),
        "parse_rate": rate(item.recipe is not None for item in results),
        "constraint_adherence": rate(item.recipe is not None and item.report.adheres for item in results),
        "all_checks_passed": rate(item.recipe is not None and item.report.passed for item in results),
        "first_attempt_adherence": rate(a[0].recipe is not None and a[0].report.adheres
                                        for a in (item.attempts for item in results)),
        "check_pass_rate": {name: rate(item.recipe is not None and not item.report.failures[name]
                                       for item in results) for name in CHECKS},
        "copies_an_example": rate(copies_example(item.recipe, reply_text(item)) for item in results),
        "mean_attempts": round(statistics.fmean(len(item.attempts) for item in results), 3),
        "mean_replies": round(statistics.fmean(len(item.results) for item in results), 3),
        "latency_s": {"mean": round(statistics.fmean(latency), 3), "p50": round(percentile(latency, 0.5), 3),
                      "p95": round(percentile(latency, 0.95), 3)},
        "mean_prompt_tokens": round(statistics.fmean(prompt), 1),
        "mean_completion_tokens": round(statistics.fmean(completion), 1),
        "cost": {"usd_total": None if None in usd else round(sum(usd), 6),
                 "cpu_seconds_total": round(sum(latency), 2),
                 f"usd_projected_{PROJECTED_MODEL}": round(projected, 6)},
    }
    metrics["mean_tokens"] = round(metrics["mean_prompt_tokens"] + metrics["mean_completion_tokens"], 1)
    return metrics


def item_rows(ids, runs) -> list[dict]:
    rows = []
    for technique, results in runs.items():
        for item_id, item in zip(ids, results, strict=True):
            parsed = item.recipe is not None
            rows.append({"id": item_id, "technique": technique, "title": item.recipe.title if parsed else None,
                         "parsed": parsed, "adheres": parsed and item.report.adheres,
                         "attempts": len(item.attempts), "failures": item.report.listed(),
                         "reply": _reply_text(item)[:REPLY_CHARS]})
    return rows


def _reply_text(item) -> str:
    result = item.best.result if item.best else None
    return result.text if result is not None else ""


def summarize(backend, ids, runs: dict, elapsed_s: float, limit, max_repairs: int) -> dict:
    techniques = {name: technique_metrics(results) for name, results in runs.items()}
    best = "structured" if "structured" in techniques else next(iter(techniques))
    baseline = techniques.get(BASELINE, {})
    return {
        "demo": "prompting", "app": "Smart Recipe Generator",
        "backend": backend.name, "model": backend.model,
        "timestamp": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "n_items": len(ids), "limit": limit, "elapsed_s": round(elapsed_s, 1), "max_repairs": max_repairs,
        "data": {"scenarios": len(ids), "few_shot_examples": 3, "training_examples": 0},
        "baseline": BASELINE,
        "quality": {"metric": "constraint_adherence", "method": best,
                    "value": techniques[best]["constraint_adherence"],
                    "baseline_value": baseline.get("constraint_adherence")},
        "techniques": techniques,
        "items": item_rows(ids, runs),
    }


def write_report(report: dict, path: Path | None = None) -> Path:
    """Write atomically (temp file + rename), so a crash never leaves half a JSON file."""
    return write_json(path or eval_path("prompting"), report)


def table(report: dict) -> str:
    """The side-by-side table, baseline first."""
    width = max(12, *(len(name) + 1 for name in report["techniques"]))
    header = (f"{'technique':<{width}}{'parse':>7}{'adhere':>8}{'ingred':>8}{'diet':>6}{'time':>6}{'qty':>6}"
              f"{'steps':>7}{'values':>8}{'all':>6}{'tries':>7}{'calls':>7}{'lat s':>8}{'tokens':>8}{'cost $':>9}")
    lines = [f"{report['n_items']} scenarios on {report['backend']}:{report['model']} "
             f"in {report['elapsed_s']} s (baseline: {report['baseline']})", header, "-" * len(header)]
    for name, m in report["techniques"].items():
        checks = m["check_pass_rate"]
        usd = m["cost"]["usd_total"]
        lines.append(f"{name:<{width}}{m['parse_rate']:>7.0%}{m['constraint_adherence']:>8.0%}"
                     f"{checks['ingredients']:>8.0%}{checks['diet']:>6.0%}{checks['time']:>6.0%}"
                     f"{checks['quantities']:>6.0%}{checks['steps']:>7.0%}{checks['values']:>8.0%}"
                     f"{m['all_checks_passed']:>6.0%}{m['copies_an_example']:>6.0%}{m['mean_attempts']:>7.2f}{m['mean_replies']:>7.2f}"
                     f"{m['latency_s']['mean']:>8.2f}{m['mean_tokens']:>8.0f}"
                     f"{'n/a' if usd is None else f'{usd:.4f}':>9}")
    lines.append("parse = usable recipe; adhere = ingredients + diet + time all pass; copy = repeats a few-shot "
                 "example's title or a step; tries = rounds (repairs "
                 "included); calls = replies generated (candidates included); latency per scenario "
                 "(batch share, all replies); cost = USD on this backend (0 on the local model)")
    return "\n".join(lines)
