"""From the six evaluations to one results document: the rows, their costs, and every section.

A row whose evaluation failed, or whose JSON cannot be read, is kept with its status and reason; the
rest of the document is built the same. Costs per 1,000 requests are computed here from each row's
measured latency and tokens: seconds (CPU time on the local model, where they are the real cost) and
USD projected for the price table's hosted model.
"""

from __future__ import annotations

import importlib.metadata
import os
import platform
import sys
import time

from compare import lesson, sections
from compare.code import lines_of_code
from compare.readers import fill
from compare.rows import FAILED, Row
from compare.runner import Outcome, Plan, estimate_s, obtain, reusable
from compare.sources import ADVISE, SOURCES, data_needed
from tailor.config import PROJECT_ROOT
from tailor.cost import PRICE_TABLE_DATE, PRICE_TABLE_SOURCE, projected_usd

PRICE_MODEL = "gpt-4o-mini"  # the hosted model the token counts are priced as
LIBRARIES = ["torch", "transformers", "peft", "sentence-transformers", "chromadb", "langgraph",
             "scikit-learn", "matplotlib"]


def announce(plan: Plan, sources) -> None:
    """State up front what will run and roughly how long it takes."""
    to_run = [s for s in sources if plan.run and not reusable(s, plan)]
    guesses = [estimate_s(s, plan) for s in to_run]
    total = sum(seconds for seconds, _ in guesses)
    basis = "from the last runs" if guesses and all(m for _, m in guesses) else "a rough estimate"
    mode = "--quick (small subsets)" if plan.quick else "full"
    names = ", ".join(s.demo for s in to_run) or "nothing (every result is reused)"
    print(f"compare, {mode}, backend {plan.backend}: to run: {names}; about {total / 60:.0f} min ({basis})",
          file=sys.stderr, flush=True)


def build_row(source, plan: Plan, step: str) -> tuple[Row, dict | None]:
    row = Row(source.demo, source.title, source.app, loc=lines_of_code(PROJECT_ROOT / source.code[0]))
    print(f"{step} {source.demo}: {source.title}", file=sys.stderr, flush=True)
    outcome = _obtain_safely(source, plan)
    row.status, row.reason = outcome.status, outcome.reason
    if outcome.doc is not None:
        try:
            fill(row, outcome.doc)
        except Exception as error:  # a reader bug or a JSON of an unexpected shape: this row only
            row.status, row.reason = FAILED, f"could not read {source.eval_file.name}: {error!r}"
    if row.data_count is None:
        row.data_count, row.data_unit = data_needed(source, outcome.doc or {})
    add_costs(row)
    print(f"{step} {source.demo}: {row.status}{': ' + row.reason if row.reason else ''}", file=sys.stderr)
    return row, outcome.doc if row.ok else None


def _obtain_safely(source, plan: Plan) -> Outcome:
    try:
        return obtain(source, plan)
    except OSError as error:  # e.g. the interpreter or a folder vanished: mark the row, keep going
        return Outcome(FAILED, f"could not start the evaluation: {error}")


def add_costs(row: Row) -> None:
    per_request = row.latency_mean_s if row.latency_mean_s is not None else row.latency_p50_s
    if per_request is not None:
        row.seconds_per_1000 = per_request * 1000
    if row.prompt_tokens is not None and row.completion_tokens is not None:
        row.usd_per_1000 = projected_usd(row.prompt_tokens, row.completion_tokens, PRICE_MODEL) * 1000


def collect(plan: Plan, sources=SOURCES, advise=ADVISE) -> dict:
    """Run or reuse every evaluation and return the results document."""
    started = time.perf_counter()
    announce(plan, [*sources, *([advise] if advise else [])])
    rows, docs = [], {}
    for number, source in enumerate(sources, start=1):
        row, doc = build_row(source, plan, f"[{number}/{len(sources)}]")
        rows.append(row)
        docs[source.demo] = doc
    advise_row, advise_doc = build_row(advise, plan, "[extra]") if advise else (None, None)
    paragraph, checks = lesson.agreement(rows)
    return {
        "created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "quick": plan.quick, "backend": plan.backend, "model": plan.model or _models(rows),
        "machine": machine(), "seconds": round(time.perf_counter() - started, 1),
        "price": {"model": PRICE_MODEL, "table_date": PRICE_TABLE_DATE, "source": PRICE_TABLE_SOURCE},
        "rows": [r.to_dict() for r in rows],
        "lesson": {"columns": [{"key": k, "label": lbl} for k, lbl in lesson.COLUMNS],
                   "ratings": lesson.RATINGS, "checks": checks},
        "agreement": paragraph,
        "side_by_side": sections.side_by_side(docs.get("finetune_rag")),
        "agent_baseline": sections.agent_beside_baseline(docs.get("agents")),
        "classifier_baseline": sections.classifier_beside_llm(docs.get("custom_ml")),
        "advise": {"status": advise_row.status, "reason": advise_row.reason,
                   "result": sections.advise_section(advise_doc)} if advise_row else None,
    }


def _models(rows: list[Row]) -> str | None:
    names = sorted({r.model for r in rows if r.ok and r.model})
    return ", ".join(names) or None


def machine() -> dict:
    versions = {}
    for name in LIBRARIES:
        try:
            versions[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            versions[name] = None
    return {"platform": platform.platform(), "processor": platform.machine(), "cpus": os.cpu_count(),
            "python": platform.python_version(), "versions": versions}
