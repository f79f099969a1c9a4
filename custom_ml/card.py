"""The model card: what the model is, what data it saw, how well it did beside the baseline, and its limits.

Written next to the model in every run folder, with the numbers of that run only.
"""

from __future__ import annotations

from datetime import datetime, timezone

from custom_ml.models import DESCRIPTIONS

DIAGNOSIS_SOURCE = "Breast Cancer Wisconsin"


def metrics_rows(result) -> list[str]:
    rows = ["| model | split | ROC-AUC | accuracy | sensitivity | specificity | Brier | threshold |",
            "|---|---|---|---|---|---|---|---|"]
    for name, model in result.candidates.items():
        label = f"**{name}** (chosen)" if name == result.chosen else name
        for split, m in (("CV (training folds)", model.cv), ("held-out test", model.test)):
            rows.append(f"| {label} | {split} | {m['roc_auc']:.3f} | {m['accuracy']:.3f} | {m['sensitivity']:.3f} "
                        f"| {m['specificity']:.3f} | {m['brier']:.3f} | {model.threshold:.3f} |")
    return rows


def intended_use(result) -> list[str]:
    if result.table.source.startswith(DIAGNOSIS_SOURCE):
        return ["A teaching example of a tabular classifier and of choosing a decision threshold by the cost of "
                "each error. **Not a medical device**: it must not be used to diagnose anyone. The data are "
                "569 tumours from one hospital in Wisconsin (1990s); measurements from other imaging set-ups, "
                "populations or labs may be distributed differently, and the model was never validated on them."]
    return [f"Predicts `{result.table.target}` ({result.positive} or {result.negative}) for rows shaped like "
            f"`{result.table.source}`. Check that new rows come from the same population and process before "
            "trusting its numbers; retrain when they drift."]


def model_card(result, created: datetime | None = None) -> str:
    """Markdown text of the card for one training result."""
    created = created or datetime.now(timezone.utc)
    best, table = result.best, result.table
    lines = [
        f"# Model card: {table.target} classifier ({result.chosen})", "",
        f"Trained {created:%Y-%m-%d %H:%M} UTC in {result.seconds:.1f} s by `custom_ml`.", "",
        "## Data",
        f"- Source: {table.source}",
        f"- {len(table.y)} rows ({result.rows_train} for training and cross-validation, {len(result.y_test)} "
        f"held out for one final test), {len(table.columns)} feature columns "
        f"({table.kinds.count('numeric')} numeric, {table.kinds.count('categorical')} categorical)",
        f"- Positive class (the one to catch): `{result.positive}`; negative: `{result.negative}`",
    ]
    if table.dropped:
        lines.append("- Left out: " + ", ".join(f"`{name}` ({why})" for name, why in table.dropped.items()))
    lines += ["", "## Model", f"- {result.chosen}: {DESCRIPTIONS[result.chosen]}",
              f"- Baseline: {DESCRIPTIONS['baseline']}",
              "- Chosen by 5-fold stratified cross-validated ROC-AUC on the training rows", "",
              "## Decision threshold",
              f"- {best.threshold:.3f}: the highest probability cut-off whose sensitivity on the out-of-fold "
              f"training predictions reaches the target of {result.sensitivity_target:.0%} (missing a "
              f"{result.positive} case costs more than a false alarm); the test rows were not used to pick it",
              f"- On the held-out rows it caught {best.test['confusion']['tp']} of "
              f"{best.test['confusion']['tp'] + best.test['confusion']['fn']} {result.positive} cases and raised "
              f"{best.test['confusion']['fp']} false alarm(s) among "
              f"{best.test['confusion']['fp'] + best.test['confusion']['tn']} {result.negative} cases", "",
              "## Metrics", *metrics_rows(result), "",
              "Plots: `roc.png`, `confusion.png`, `calibration.png` (held-out rows).", "",
              "## Intended use and limitations", *intended_use(result),
              "", f"- {len(result.y_test)} test rows give a rough estimate: one more or one fewer error moves "
              f"accuracy by {1 / len(result.y_test):.3f}.", ""]
    return "\n".join(lines)
