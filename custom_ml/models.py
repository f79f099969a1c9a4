"""The candidate models: a majority-rate baseline, a scaled linear model and a gradient-boosted tree ensemble.

Every candidate is one scikit-learn Pipeline that starts from the raw feature table, so the same object
is cross-validated, fitted, saved and used to predict; nothing is computed outside it (no leakage of the
test rows into the scaling or the imputation).
"""

from __future__ import annotations

SEED = 0  # every random_state in the package; the demo's numbers repeat run after run

# What `--model` accepts; `auto` cross-validates `linear` and `trees` and keeps the better one.
CHOICES = ("linear", "trees", "auto")
DESCRIPTIONS = {
    "baseline": "DummyClassifier: always the training class rates (the number to beat)",
    "linear": "median imputation + StandardScaler + LogisticRegression",
    "trees": "median imputation + HistGradientBoostingClassifier",
}


def preprocessor(kinds: list[str], scale: bool):
    """Numbers: median for a missing value (then scaled for the linear model); categories: one-hot."""
    from sklearn.compose import ColumnTransformer
    from sklearn.impute import SimpleImputer
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import OneHotEncoder, StandardScaler

    numeric = [j for j, kind in enumerate(kinds) if kind == "numeric"]
    categorical = [j for j, kind in enumerate(kinds) if kind == "categorical"]
    number_steps = [("impute", SimpleImputer(strategy="median"))]
    if scale:  # trees split on thresholds, so scaling changes nothing for them
        number_steps.append(("scale", StandardScaler()))
    parts = []
    if numeric:
        parts.append(("numbers", Pipeline(number_steps), numeric))
    if categorical:
        # a category never seen in training becomes all zeros instead of an error at predict time
        categories = Pipeline([("impute", SimpleImputer(strategy="constant", fill_value="(missing)")),
                               ("onehot", OneHotEncoder(handle_unknown="ignore", sparse_output=False))])
        parts.append(("categories", categories, categorical))
    return ColumnTransformer(parts)


def candidate(name: str, kinds: list[str]):
    """One unfitted Pipeline by name: baseline, linear or trees."""
    from sklearn.dummy import DummyClassifier
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import Pipeline

    if name == "baseline":
        model, scale = DummyClassifier(strategy="prior"), False
    elif name == "linear":
        model, scale = LogisticRegression(max_iter=5000, random_state=SEED), True
    elif name == "trees":
        model, scale = HistGradientBoostingClassifier(random_state=SEED), False
    else:
        raise ValueError(f"unknown candidate {name!r}")
    return Pipeline([("prepare", preprocessor(kinds, scale)), ("model", model)])


def candidate_names(choice: str) -> list[str]:
    """The baseline plus the model(s) a `--model` choice asks to compare."""
    return ["baseline"] + (["linear", "trees"] if choice == "auto" else [choice])
