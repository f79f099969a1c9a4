"""The pictures of a trained model, on the held-out test rows, saved as PNG.

    roc.png                  binary: ROC curve of every candidate; the chosen model's operating point marked
    confusion.png            classification: the chosen model's confusion matrix (binary: at its threshold)
    calibration.png          binary: predicted probability against the observed rate
    predicted_vs_actual.png  regression: each test row's prediction against its true value, beside the mean
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
    if result.task == "binary":
        predicted = (result.best.p_test >= result.best.threshold).astype(int)
        ConfusionMatrixDisplay.from_predictions(result.y_test, predicted, labels=[0, 1],
                                                display_labels=[result.negative, result.positive], ax=axes,
                                                colorbar=False)
        axes.set_title(f"{result.chosen}, threshold {result.best.threshold:.2f}")
    else:
        predicted = [result.classes[k] for k in result.best.p_test.argmax(axis=1)]
        ConfusionMatrixDisplay.from_predictions(result.y_test, predicted, labels=result.classes, ax=axes,
                                                colorbar=False, xticks_rotation=45)
        axes.set_title(f"{result.chosen}, held-out test rows")
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


def predicted_vs_actual(result, path: Path) -> None:
    plt = _pyplot()
    figure, axes = plt.subplots(figsize=(5, 5))
    truth = result.y_test
    predicted = result.best.p_test
    low, high = float(min(truth.min(), predicted.min())), float(max(truth.max(), predicted.max()))
    axes.plot([low, high], [low, high], "k:", label="perfect prediction")
    base = result.candidates["baseline"]
    axes.axhline(float(base.p_test[0]), color="grey", lw=1,
                 label=f"baseline: the mean (RMSE {base.test['rmse']:.3g})")
    axes.scatter(truth, predicted, s=12, alpha=0.7,
                 label=f"{result.chosen} (RMSE {result.best.test['rmse']:.3g}, R^2 {result.best.test['r2']:.3f})")
    axes.set(xlabel=f"actual {result.table.target}", ylabel=f"predicted {result.table.target}",
             title="Predicted vs actual, held-out test rows")
    axes.legend(loc="upper left", fontsize=8)
    _save(figure, path)


PLOTS = {"binary": {"roc.png": roc, "confusion.png": confusion, "calibration.png": calibration},
         "multiclass": {"confusion.png": confusion},
         "regression": {"predicted_vs_actual.png": predicted_vs_actual}}


def save_all(result, folder: Path) -> list[str]:
    """Write the task's PNG files into a folder; returns their names."""
    for name, draw in PLOTS[result.task].items():
        draw(result, folder / name)
    return list(PLOTS[result.task])
