"""The bundled demo data sets: real measurements that ship inside scikit-learn (no download, offline).

    breast_cancer  binary      569 tumours, 30 measurements: malignant or benign
    wine           multiclass  178 wines, 13 chemical measurements: which of three cultivars
    diabetes       regression  442 patients, 10 baseline measurements: disease progression a year later
"""

from __future__ import annotations

import hashlib

import numpy as np

from custom_ml.data import Table
from custom_ml.llm import DIAGNOSIS_TASK

NAMES = ("breast_cancer", "wine", "diabetes")


def _hash(*arrays) -> str:
    digest = hashlib.sha256()
    for array in arrays:
        digest.update(np.ascontiguousarray(array).tobytes())
    return digest.hexdigest()


def breast_cancer() -> Table:
    """Breast Cancer Wisconsin (Diagnostic): 569 tumours, 30 measurements."""
    from sklearn.datasets import load_breast_cancer

    bunch = load_breast_cancer()
    # scikit-learn codes malignant as 0 and benign as 1; names are clearer than codes in every report
    y = np.asarray(bunch.target_names)[bunch.target].astype(str)
    columns = [str(name) for name in bunch.feature_names]
    return Table(X=bunch.data.astype(object), columns=columns, kinds=["numeric"] * len(columns), y=y,
                 source="Breast Cancer Wisconsin (Diagnostic), UCI, as bundled in scikit-learn",
                 target="diagnosis", task="binary", data_hash=_hash(bunch.data, bunch.target),
                 question=DIAGNOSIS_TASK)


def wine() -> Table:
    """Wine recognition: 178 Italian wines from three cultivars, 13 chemical measurements."""
    from sklearn.datasets import load_wine

    bunch = load_wine()
    y = np.array([f"cultivar_{k}" for k in bunch.target], dtype=str)
    columns = [str(name) for name in bunch.feature_names]
    return Table(X=bunch.data.astype(object), columns=columns, kinds=["numeric"] * len(columns), y=y,
                 source="Wine recognition, UCI, as bundled in scikit-learn", target="cultivar",
                 task="multiclass", data_hash=_hash(bunch.data, bunch.target),
                 question="Each row is the chemical analysis of a wine grown in one region of Italy from one "
                          "of three cultivars (cultivar_0, cultivar_1, cultivar_2). Decide which cultivar.")


def diabetes() -> Table:
    """Diabetes: 442 patients, 10 baseline measurements (scaled), disease progression one year later."""
    from sklearn.datasets import load_diabetes

    bunch = load_diabetes()
    columns = [str(name) for name in bunch.feature_names]
    return Table(X=bunch.data.astype(object), columns=columns, kinds=["numeric"] * len(columns),
                 y=bunch.target.astype(float),
                 source="Diabetes (Efron et al. 2004), as bundled in scikit-learn", target="progression",
                 task="regression", data_hash=_hash(bunch.data, bunch.target),
                 question="Each row holds baseline measurements of one diabetes patient: age, sex, body mass "
                          "index, blood pressure and six blood serum values, all centred and scaled. Predict "
                          "a quantitative measure of disease progression one year later (about 25 to 346).")


def load(name: str) -> Table:
    return {"breast_cancer": breast_cancer, "wine": wine, "diabetes": diabetes}[name]()
