"""The tour's custom-ML step: train on two bundled data sets, a binary one and a multi-class one, and show
each model's numbers beside its Dummy baseline.

No language model is involved (that comparison is `python -m custom_ml.evaluate --llm`), so this step takes
a few seconds on any backend.
"""

from __future__ import annotations

TOUR_DATA = ("breast_cancer", "wine")  # binary (with its sensitivity threshold), then three classes


def run(args) -> str:
    from custom_ml.bundled import load
    from custom_ml.run import save_run
    from custom_ml.train import summary_table, train

    lines = []
    for name in TOUR_DATA:
        result = train(load(name))
        folder = save_run(result)
        print(f"\n{name} ({result.task}, {len(result.table.y)} rows): CV on the training rows, then held-out rows")
        print(summary_table(result))
        print(f"model card, plots and model: {folder}")
        best, base = result.best.test, result.candidates["baseline"].test
        extra = f", sensitivity {best['sensitivity']:.3f}" if result.task == "binary" else ""
        lines.append(f"{name} {result.chosen}: test ROC-AUC {best['roc_auc']:.3f} vs {base['roc_auc']:.3f}, "
                     f"balanced accuracy {best['balanced_accuracy']:.3f} vs {base['balanced_accuracy']:.3f} "
                     f"baseline{extra}")
    return "; ".join(lines)
