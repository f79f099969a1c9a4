"""The candidate models for each task: a baseline that ignores the features, a linear model and a tree ensemble.

    task        baseline                      linear                          trees
    binary      DummyClassifier (class rates)  LogisticRegression              HistGradientBoostingClassifier
    multiclass  DummyClassifier (class rates)  LogisticRegression (softmax)    HistGradientBoostingClassifier
    regression  DummyRegressor (the mean)      Ridge                           HistGradientBoostingRegressor

Every candidate is one scikit-learn Pipeline that starts from the raw feature table, so the same object
is cross-validated, fitted, saved and used to predict; nothing is computed outside it (no leakage of the
test rows into the scaling, the imputation or the text vocabulary).
"""

from __future__ import annotations

SEED = 0  # every random_state in the package; the demo's numbers repeat run after run
TASKS = ("binary", "multiclass", "regression")
# What `--model` accepts; `auto` cross-validates `linear` and `trees` and keeps the better one.
CHOICES = ("linear", "trees", "auto")
TEXT_FEATURES = 300  # words and word pairs kept per free-text column (dense: the tree ensemble needs it)
DESCRIPTIONS = {
    "baseline": "DummyClassifier: always the training class rates (the number to beat)",
    "linear": "median imputation + StandardScaler + LogisticRegression",
    "trees": "median imputation + HistGradientBoostingClassifier",
}
REGRESSION_DESCRIPTIONS = {
    "baseline": "DummyRegressor: always the training mean (the number to beat)",
    "linear": "median imputation + StandardScaler + Ridge",
    "trees": "median imputation + HistGradientBoostingRegressor",
}


def describe(name: str, task: str) -> str:
    return (REGRESSION_DESCRIPTIONS if task == "regression" else DESCRIPTIONS)[name]


def preprocessor(kinds: list[str], scale: bool):
    """Numbers: median for a missing value (scaled for the linear model); categories: one-hot; text: TF-IDF."""
    from sklearn.compose import ColumnTransformer
    from sklearn.feature_extraction.text import TfidfVectorizer
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
                               ("onehot", OneHotEncoder(handle_unknown="ignore", sparse_output=False,
                                                        min_frequency=5, max_categories=50))])
        parts.append(("categories", categories, categorical))
    for j, kind in enumerate(kinds):
        if kind == "text":  # one column index (not a list): the vectorizer takes a 1-D array of strings
            vectorizer = TfidfVectorizer(max_features=TEXT_FEATURES, ngram_range=(1, 2), min_df=2,
                                         sublinear_tf=True)
            parts.append((f"text{j}", vectorizer, j))
    return ColumnTransformer(parts, sparse_threshold=0)  # dense: HistGradientBoosting refuses sparse input


def estimator(name: str, task: str):
    """The unfitted estimator for a name and a task, and whether its inputs should be scaled."""
    from sklearn.dummy import DummyClassifier, DummyRegressor
    from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor
    from sklearn.linear_model import LogisticRegression, Ridge

    regression = task == "regression"
    if name == "baseline":
        return (DummyRegressor(strategy="mean") if regression else DummyClassifier(strategy="prior")), False
    if name == "linear":
        return (Ridge(alpha=1.0) if regression else LogisticRegression(max_iter=5000, random_state=SEED)), True
    if name == "trees":
        model = HistGradientBoostingRegressor if regression else HistGradientBoostingClassifier
        return model(random_state=SEED), False
    raise ValueError(f"unknown candidate {name!r}")


def candidate(name: str, kinds: list[str], task: str = "binary"):
    """One unfitted Pipeline by name (baseline, linear or trees) for a task."""
    from sklearn.pipeline import Pipeline

    if task not in TASKS:
        raise ValueError(f"unknown task {task!r}")
    model, scale = estimator(name, task)
    return Pipeline([("prepare", preprocessor(kinds, scale)), ("model", model)])


def candidate_names(choice: str) -> list[str]:
    """The baseline plus the model(s) a `--model` choice asks to compare."""
    return ["baseline"] + (["linear", "trees"] if choice == "auto" else [choice])
