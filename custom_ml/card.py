"""The model card: what the model is, what data it saw, how well it did beside the baseline, and its limits.

Written next to the model in every run folder, with the numbers of that run only.
"""

from __future__ import annotations

from datetime import datetime, timezone

from custom_ml.metrics import COLUMNS, SELECTION
from custom_ml.models import describe

DIAGNOSIS_SOURCE = "Breast Cancer Wisconsin"
TASK_WORDS = {"binary": "binary classification", "multiclass": "multi-class classification",
              "regression": "regression"}


def metrics_rows(result) -> list[str]:
    columns = COLUMNS[result.task]
    binary = result.task == "binary"
    rows = ["| model | split | " + " | ".join(t for t, _ in columns) + (" | threshold |" if binary else " |"),
            "|---|---|" + "---|" * (len(columns) + binary)]
    for name, model in result.candidates.items():
        label = f"**{name}** (chosen)" if name == result.chosen else name
        for split, m in (("CV (training folds)", model.cv), ("held-out test", model.test)):
            cells = " | ".join(f"{m[key]:.3f}" for _, key in columns)
            rows.append(f"| {label} | {split} | {cells} |" + (f" {model.threshold:.3f} |" if binary else ""))
    return rows


def per_class_rows(result) -> list[str]:
    if result.task != "multiclass":
        return []
    rows = ["", "Per class, chosen model, held-out rows:", "",
            "| class | precision | recall | F1 | rows |", "|---|---|---|---|---|"]
    for label, m in result.best.test["per_class"].items():
        rows.append(f"| {label} | {m['precision']:.3f} | {m['recall']:.3f} | {m['f1-score']:.3f} "
                    f"| {m['support']:.0f} |")
    return rows


def intended_use(result) -> list[str]:
    if result.table.source.startswith(DIAGNOSIS_SOURCE):
        return ["A teaching example of a tabular classifier and of choosing a decision threshold by the cost of "
                "each error. **Not a medical device**: it must not be used to diagnose anyone. The data are "
                "569 tumours from one hospital in Wisconsin (1990s); measurements from other imaging set-ups, "
                "populations or labs may be distributed differently, and the model was never validated on them."]
    what = (f"({result.positive} or {result.negative})" if result.task == "binary"
            else f"(one of {len(result.classes)} classes)" if result.task == "multiclass" else "(a number)")
    return [f"Predicts `{result.table.target}` {what} for rows shaped like `{result.table.source}`. Check that "
            "new rows come from the same population and process before trusting its numbers; retrain when "
            "they drift."]


def data_lines(result) -> list[str]:
    table = result.table
    kinds = ", ".join(f"{table.kinds.count(k)} {k}" for k in ("numeric", "categorical", "text", "date")
                      if k in table.kinds)
    lines = ["## Data", f"- Source: {table.source}", f"- sha256 of the data: `{table.data_hash or 'unknown'}`",
             f"- {len(table.y)} rows ({result.rows_train} for training and cross-validation, "
             f"{len(result.y_test)} held out for one final test), {len(table.columns)} feature columns ({kinds})"]
    if result.task == "binary":
        lines.append(f"- Positive class (the one to catch): `{result.positive}`; negative: `{result.negative}`")
    elif result.task == "multiclass":
        lines.append("- Classes: " + ", ".join(f"`{c}`" for c in result.classes))
    if table.dropped:
        lines.append("- Left out: " + ", ".join(f"`{name}` ({why})" for name, why in table.dropped.items()))
    return lines


def threshold_lines(result) -> list[str]:
    if result.task != "binary":
        return []
    best = result.best
    c = best.test["confusion"]
    return ["## Decision threshold",
            f"- {best.threshold:.3f}: the highest probability cut-off whose sensitivity on the out-of-fold "
            f"training predictions reaches the target of {result.sensitivity_target:.0%} (missing a "
            f"{result.positive} case costs more than a false alarm); the test rows were not used to pick it",
            f"- On the held-out rows it caught {c['tp']} of {c['tp'] + c['fn']} {result.positive} cases and "
            f"raised {c['fp']} false alarm(s) among {c['fp'] + c['tn']} {result.negative} cases", ""]


PLOTS = {"binary": "`roc.png`, `confusion.png`, `calibration.png`", "multiclass": "`confusion.png`",
         "regression": "`predicted_vs_actual.png`"}


def model_card(result, created: datetime | None = None) -> str:
    """Markdown text of the card for one training result."""
    created = created or datetime.now(timezone.utc)
    task, key = result.task, SELECTION[result.task][0]
    lines = [f"# Model card: {result.table.target} ({TASK_WORDS[task]}, {result.chosen})", "",
             f"Trained {created:%Y-%m-%d %H:%M} UTC in {result.seconds:.1f} s by `custom_ml`.", "",
             f"- Task: {TASK_WORDS[task]}", "", *data_lines(result), "",
             "## Model", f"- {result.chosen}: {describe(result.chosen, task)}",
             f"- Baseline: {describe('baseline', task)}",
             f"- Chosen by {result.folds}-fold cross-validated {key.upper().replace('_', '-')} on the training rows",
             "", *threshold_lines(result),
             "## Metrics", *metrics_rows(result), *per_class_rows(result), "",
             f"Plots: {PLOTS[task]} (held-out rows).", "",
             "## Intended use and limitations", *intended_use(result), ""]
    if task != "regression":
        lines += [f"- {len(result.y_test)} test rows give a rough estimate: one more or one fewer error moves "
                  f"accuracy by {1 / len(result.y_test):.3f}.", ""]
    return "\n".join(lines)
