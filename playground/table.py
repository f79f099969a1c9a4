"""The table-row tab: one row of a bundled data set, the custom model's prediction beside the LLM's guess.

    custom model   custom_ml/'s trained pipeline (the model chosen by cross-validation), its probability,
                   and its held-out scores beside the majority-class baseline
    LLM's guess    the same row as text to the language model, few-shot with labelled training rows, the
                   answer constrained to the labels (custom_ml/llm.py `ask_rows`, as its evaluation asks)

The model is trained on first use of a data set (seconds) and kept for the server's life. The page starts
from a held-out row (GET /api/table/sample) that the user can edit.
"""

from __future__ import annotations

from playground import inputs
from playground.events import measured
from tailor.serve_request import RequestError

DATA = ("wine", "breast_cancer", "diabetes")
SHOTS = 4  # labelled training rows before the row (custom_ml/llm.py SHOTS)


def trained(ctx, name: str, emit=None):
    """The TrainResult for a bundled data set, trained once per server."""
    kept = ctx.cache("table")
    if name not in kept:
        from custom_ml.bundled import load
        from custom_ml.train import train

        if emit:
            emit("progress", message=f"training the {name} model (first use only, seconds)")
        kept[name] = train(load(name))
    return kept[name]


def columns_of(ctx, name: str) -> list[str]:
    """The data set's feature names, read without training (the bundled data loads in milliseconds)."""
    kept = ctx.cache("table-columns")
    if name not in kept:
        from custom_ml.bundled import load

        kept[name] = load(name).features
    return kept[name]


def sample(ctx, name: str, index: int) -> dict:
    """A held-out row to start from, with its true answer: {data, task, target, columns, row, truth}."""
    import numpy as np

    from custom_ml.evaluate import names

    result = trained(ctx, name)
    at = index % len(result.X_test)
    row = {c: float(v) for c, v in zip(result.table.features, result.X_test[at], strict=True)}
    return {"data": name, "task": result.task, "target": result.table.target, "columns": result.table.features,
            "row": row, "truth": str(names(result, np.array([result.y_test[at]]))[0]), "index": at,
            "question": result.table.ask()}


def check(body: dict, ctx) -> tuple[str, dict]:
    name = inputs.choice(body, "data", DATA, "wine")
    row = body.get("row")
    if not isinstance(row, dict):
        raise RequestError(400, f"\"row\" must be an object of column: number, got {inputs.kind(row)}")
    columns = columns_of(ctx, name)
    missing, unknown = [c for c in columns if c not in row], [c for c in row if c not in columns]
    if missing or unknown:
        raise RequestError(400, f"the {name} row needs exactly its {len(columns)} columns"
                                + (f"; missing: {', '.join(missing[:5])}" if missing else "")
                                + (f"; unknown: {', '.join(unknown[:5])}" if unknown else ""))
    return name, {c: inputs.number(row[c], f"row.{c}") for c in columns}


def run(plan: tuple[str, dict], ctx, emit) -> None:
    name, row = plan
    emit.columns([("model", "custom model", f"scikit-learn, trained on {name}"),
                  ("llm", "LLM's guess", f"few-shot: {SHOTS} labelled rows, answer constrained to the labels")])
    result = trained(ctx, name, emit)
    import numpy as np

    X = np.array([[row[c] for c in result.table.features]], dtype=object)
    measured(emit, "model", None, lambda _: model_answer(result, X))
    measured(emit, "llm", ctx.make_backend, lambda meter: llm_answer(result, X, meter))


def model_answer(result, X) -> dict:
    from custom_ml.predict import labelled
    from custom_ml.train import predictions, threads_for

    best = result.best
    meta = {"task": result.task, "threshold": best.threshold, "positive": result.positive,
            "negative": result.negative, "classes": result.classes}
    with threads_for(1):
        answer = labelled(predictions(best.pipeline, X, result.task), meta)[0]
    probabilities = {k[2:]: v for k, v in answer.items() if k.startswith("p_")}
    key = "rmse" if result.task == "regression" else "balanced_accuracy"
    return {"text": str(answer["prediction"]), "probabilities": probabilities, "model": best.name,
            "held_out": {"metric": key, "model": round(best.test[key], 3),
                         "baseline": round(result.candidates["baseline"].test[key], 3)}}


def llm_answer(result, X, meter) -> dict:
    import numpy as np

    from custom_ml.evaluate import names
    from custom_ml.llm import ask_rows

    labels = None if result.task == "regression" else sorted(
        [result.positive, result.negative] if result.task == "binary" else result.classes)
    examples = [(x, names(result, np.array([y]))[0]) for x, y in result.examples[:SHOTS]]
    answers, _ = ask_rows(meter, X, result.table.features, labels, result.table.ask(), examples)
    value = answers[0]
    return {"text": f"{value:.4g}" if isinstance(value, float) else str(value)}
