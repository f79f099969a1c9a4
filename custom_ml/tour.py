"""The tour's custom-ML step: train on the bundled diagnosis data and show the numbers beside the baseline.

No language model is involved (that comparison is `python -m custom_ml.evaluate --llm`), so this step takes
a few seconds on any backend.
"""

from __future__ import annotations


def run(args) -> str:
    from custom_ml.data import breast_cancer
    from custom_ml.run import save_run
    from custom_ml.train import summary_table, train

    result = train(breast_cancer())
    folder = save_run(result)
    print(summary_table(result))
    best, base = result.best.test, result.candidates["baseline"].test
    print(f"model card, plots and model: {folder}")
    return (f"{result.chosen}: test ROC-AUC {best['roc_auc']:.3f} vs {base['roc_auc']:.3f} baseline, "
            f"sensitivity {best['sensitivity']:.3f} at threshold {best['threshold']:.2f}, "
            f"trained in {result.seconds:.1f} s")
