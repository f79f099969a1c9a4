"""The report's sections beyond the table, read from the demos' own results.

- side by side: the same course questions answered by prompting alone, fine-tuned, RAG and fine-tuned +
  RAG (finetune_rag's four-way run), each cell marked for correctness, citation and voice;
- the agent and the classifier beside the baselines that do without them (no agent loop; the LLM
  classifying the same rows);
- the method advisor's own evaluation (advise.json), when there is one.
Every function returns plain dicts and lists (they go into results.json as they are), or None.
"""

from __future__ import annotations

from compare.rows import dig, number, text

SIDE_BY_SIDE = [("base", "prompting alone"), ("ft", "fine-tuned"), ("rag", "RAG"),
                ("ft+rag", "fine-tuned + RAG")]
QUESTIONS = 10
ANSWER_CHARS = 280


def side_by_side(doc: dict | None, count: int = QUESTIONS) -> dict | None:
    """Up to `count` questions x the four variants present in the four-way run."""
    answers = dig(doc, "answers") if doc else None
    if not isinstance(answers, dict):
        return None
    columns = [(name, label) for name, label in SIDE_BY_SIDE if isinstance(answers.get(name), list)]
    if not columns:
        return None
    by_variant = {name: {r.get("id"): r for r in answers[name] if isinstance(r, dict)} for name, _ in columns}
    ids = [r.get("id") for r in answers[columns[0][0]] if isinstance(r, dict)][:count]
    questions = dig(doc, "questions") or {}
    rows = [{"id": qid, "question": str(questions.get(qid, qid)),
             "cells": {name: _cell(by_variant[name].get(qid)) for name, _ in columns}} for qid in ids]
    return {"columns": [{"name": n, "label": lbl} for n, lbl in columns], "rows": rows,
            "variants": {n: _variant_numbers(doc, n) for n, _ in columns}}


def _cell(row: dict | None) -> dict:
    if row is None:
        return {"answer": "", "marks": ["not run"]}
    answer = " ".join(str(row.get("answer", "")).split())
    marks = []
    if "correct" in row:
        marks.append("correct" if row["correct"] else "wrong")
    else:
        marks.append("abstains (right)" if row.get("abstained") else "answers anyway (not in the notes)")
    if "cited_right" in row:
        marks.append("cites right" if row["cited_right"] else "cites wrong")
    if "voice" in row:
        marks.append("voice ok" if row["voice"] else "voice off")
    return {"answer": answer[:ANSWER_CHARS] + ("…" if len(answer) > ANSWER_CHARS else ""), "marks": marks}


def _variant_numbers(doc: dict, name: str) -> dict:
    variant = (dig(doc, "variants") or {}).get(name, {})
    return {key: number(variant, key) for key in ("correctness", "citation_correctness", "voice_compliance",
                                                 "abstention", "latency_s")}


def agent_beside_baseline(doc: dict | None) -> dict | None:
    """Every agent configuration and the no-loop baseline, on the same scenarios."""
    configs = dig(doc, "configs") if doc else None
    if not isinstance(configs, dict) or not configs:
        return None
    rows = [{"name": name, "baseline": name.startswith("baseline"),
             "success_rate": number(c, "success_rate"),
             "tool_calls_per_task": number(c, "tool_calls_per_task"),
             "argument_accuracy": number(c, "argument_accuracy"), "latency_s_p50": number(c, "latency_s_p50"),
             "tokens_per_task": _sum(number(c, "prompt_tokens_per_task"),
                                     number(c, "completion_tokens_per_task"))}
            for name, c in configs.items() if isinstance(c, dict)]
    return {"items": number(doc, "items"), "rows": rows}


def classifier_beside_llm(doc: dict | None) -> dict | None:
    """The classifier, its dummy baseline, and (with --llm) the LLM labelling the same rows."""
    if not doc or number(doc, "metrics.accuracy") is None:
        return None
    rows = [{"name": f"classifier ({text(doc, 'classifier', 'model') or 'chosen'}), all test rows",
             "accuracy": number(doc, "metrics.accuracy"), "sensitivity": number(doc, "metrics.sensitivity"),
             "seconds_per_row": number(doc, "seconds_per_row"), "usd": 0.0},
            {"name": f"baseline: {text(doc, 'baseline.name') or 'dummy'}",
             "accuracy": number(doc, "baseline.accuracy"),
             "sensitivity": number(doc, "baseline.sensitivity"), "seconds_per_row": None, "usd": 0.0}]
    llm = dig(doc, "llm")
    if isinstance(llm, dict):
        llm_label = f"LLM zero-shot ({text(llm, 'model') or '?'})"
        for key, label in (("classifier", "classifier"), ("llm", llm_label)):
            side = llm.get(key) or {}
            rows.append({"name": f"{label}, same {_int(number(llm, 'items'))} rows",
                         "accuracy": number(side, "accuracy"), "sensitivity": number(side, "sensitivity"),
                         "seconds_per_row": number(side, "seconds_per_row"), "usd": number(side, "usd")})
    return {"items": number(doc, "items"), "rows": rows}


def advise_section(doc: dict | None) -> dict | None:
    """The advisor's ways beside the majority-class baseline."""
    ways = dig(doc, "ways") if doc else None
    if not isinstance(ways, dict):
        return None
    rows = [{"way": name, "primary_accuracy": number(w, "primary_accuracy"),
             "full_accuracy": number(w, "full_accuracy"), "seconds_per_idea": number(w, "seconds_per_idea")}
            for name, w in ways.items() if isinstance(w, dict)]
    return {"items": number(doc, "n_test"), "rows": rows,
            "baseline": number(doc, "baseline.primary_accuracy"),
            "baseline_method": text(doc, "baseline.method"), "best_way": text(doc, "best_way"),
            "timestamp": text(doc, "timestamp")}


def _sum(a, b):
    return None if a is None and b is None else (a or 0) + (b or 0)


def _int(value):
    return "?" if value is None else int(value)
