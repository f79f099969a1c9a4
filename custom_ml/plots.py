"""The three pictures of a trained classifier, on the held-out test rows, saved as PNG.

    roc.png          ROC curve of every candidate; the chosen model's operating point is marked
    confusion.png    the chosen model's confusion matrix at its threshold
    calibration.png  predicted probability against the observed rate (a diagonal is perfectly calibrated)
"""

from __future__ import annotations

from pathlib import Path


def _pyplot():
    import matplotlib

    matplotlib.use("Agg")  # files only: no display is needed, or wanted, on a server
    import matplotlib.pyplot as plt

    return plt


def roc(result, path: Path) -> None:
    from sklearn.metrics import roc_curve

    plt = _pyplot()
    figure, axes = plt.subplots(figsize=(5, 5))
    for name, model in result.candidates.items():
        fpr, tpr, _ = roc_curve(result.y_test, model.p_test)
        axes.plot(fpr, tpr, label=f"{name} (AUC {model.test['roc_auc']:.3f})")
    best = result.best.test
    axes.plot(1 - best["specificity"], best["sensitivity"], "ko",
              label=f"{result.chosen} at threshold {best['threshold']:.2f}")
    axes.set(xlabel="1 - specificity (false alarm rate)", ylabel=f"sensitivity ({result.positive} caught)",
             title="ROC curve, held-out test rows")
    axes.legend(loc="lower right")
    _save(figure, path)


def confusion(result, path: Path) -> None:
    from sklearn.metrics import ConfusionMatrixDisplay

    plt = _pyplot()
    figure, axes = plt.subplots(figsize=(4.5, 4))
    predicted = (result.best.p_test >= result.best.threshold).astype(int)
    labels = [result.negative, result.positive]  # 0, 1
    ConfusionMatrixDisplay.from_predictions(result.y_test, predicted, display_labels=labels, ax=axes,
                                            colorbar=False)
    axes.set_title(f"{result.chosen}, threshold {result.best.threshold:.2f}")
    _save(figure, path)


def calibration(result, path: Path) -> None:
    from sklearn.calibration import calibration_curve

    plt = _pyplot()
    figure, axes = plt.subplots(figsize=(5, 5))
    axes.plot([0, 1], [0, 1], "k:", label="perfectly calibrated")
    for name, model in result.candidates.items():
        if name == "baseline":  # one constant probability: a single point says nothing
            continue
        observed, predicted = calibration_curve(result.y_test, model.p_test, n_bins=8, strategy="quantile")
        axes.plot(predicted, observed, "o-", label=f"{name} (Brier {model.test['brier']:.3f})")
    axes.set(xlabel=f"predicted probability of {result.positive}", ylabel="observed share",
             title="Calibration, held-out test rows")
    axes.legend(loc="upper left")
    _save(figure, path)


def _save(figure, path: Path) -> None:
    figure.tight_layout()
    figure.savefig(path, dpi=100)
    import matplotlib.pyplot as plt

    plt.close(figure)


def save_all(result, folder: Path) -> list[str]:
    """Write the three PNG files into a folder; returns their names."""
    for name, draw in (("roc.png", roc), ("confusion.png", confusion), ("calibration.png", calibration)):
        draw(result, folder / name)
    return ["roc.png", "confusion.png", "calibration.png"]
