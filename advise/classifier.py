"""Ways 3 and 4: a scikit-learn classifier on sentence embeddings of the labelled ideas (custom ML).

Way 3 ("classifier") embeds each idea with the bundled MiniLM (384 numbers, unit length) and fits
logistic regressions on the training split: one for the primary method, one for the supporting method
("none" most of the time), and one that tells an app idea from other text (the refusal check).
Way 4 ("combined") stacks the rule baseline's five criterion flags beside the embedding, so the
classifier can learn how much to trust each keyword criterion.

The fitted models are cached under TAILOR_HOME/advise/, keyed by a hash of the training ideas and the
embedding model, so `tailor advise` trains once and then answers in milliseconds after the model loads.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from advise import rules
from advise.data import Idea, fingerprint
from tailor.config import home

C_PRIMARY = 4.0     # inverse regularisation; 5-fold CV on the training split: C=1 0.65, 4 0.66, 16 0.64
RULE_WEIGHT = 0.5   # scale of the 0/1 rule flags beside unit-length embeddings (way 4)
RANDOM_STATE = 0


@dataclass
class IdeaClassifier:
    primary_model: object     # LogisticRegression over METHODS
    supporting_model: object  # LogisticRegression over SUPPORTING labels seen in training
    gate_model: object        # LogisticRegression: app idea (1) or not (0), for the refusal check
    with_rules: bool
    model_id: str

    def predict(self, texts: list[str], vectors: np.ndarray) -> list[dict]:
        """One {"primary", "supporting", "confidence", "scores"} per text, from precomputed embeddings."""
        features = build_features(texts, vectors, self.with_rules)
        primary_p = self.primary_model.predict_proba(features)
        supporting = self.supporting_model.predict(features)
        classes = [str(c) for c in self.primary_model.classes_]
        out = []
        for row, support in zip(primary_p, supporting, strict=True):
            best = int(np.argmax(row))
            out.append({"primary": classes[best],
                        "supporting": str(support) if support != classes[best] else "none",
                        "confidence": round(float(row[best]), 3),
                        "scores": {c: round(float(p), 3) for c, p in zip(classes, row, strict=True)}})
        return out

    def app_probability(self, vectors: np.ndarray) -> np.ndarray:
        """The probability that each text describes an app, from its embedding alone."""
        return self.gate_model.predict_proba(vectors)[:, list(self.gate_model.classes_).index(1)]


def build_features(texts: list[str], vectors: np.ndarray, with_rules: bool) -> np.ndarray:
    if not with_rules:
        return vectors
    flags = np.array([rules.feature_vector(t) for t in texts], dtype=np.float32) * RULE_WEIGHT
    return np.hstack([vectors, flags])


def train(ideas: list[Idea], vectors: np.ndarray, negatives: np.ndarray, with_rules: bool,
          model_id: str) -> IdeaClassifier:
    """Fit the method classifiers on the training ideas, and the app-or-not check on ideas vs negatives."""
    from sklearn.linear_model import LogisticRegression

    texts = [i.idea for i in ideas]
    features = build_features(texts, vectors, with_rules)
    primary = LogisticRegression(C=C_PRIMARY, max_iter=2000, random_state=RANDOM_STATE)
    primary.fit(features, [i.primary for i in ideas])
    # Only ~1 idea in 15 has a supporting method; 5-fold cross-validation on the training split scored
    # plain weights (0.95) above balanced ones (0.94), so the rare labels are not up-weighted.
    supporting = LogisticRegression(C=C_PRIMARY, max_iter=2000, random_state=RANDOM_STATE)
    supporting.fit(features, [i.supporting for i in ideas])
    gate = LogisticRegression(C=C_PRIMARY, max_iter=2000, class_weight="balanced", random_state=RANDOM_STATE)
    gate.fit(np.vstack([vectors, negatives]), [1] * len(vectors) + [0] * len(negatives))
    return IdeaClassifier(primary, supporting, gate, with_rules, model_id)


def cache_path(ideas: list[Idea], negatives: list[str], with_rules: bool, model_id: str) -> Path:
    kind = "combined" if with_rules else "classifier"
    safe_model = "".join(ch if ch.isalnum() else "-" for ch in model_id)[-40:]
    return home() / "advise" / f"{kind}-{fingerprint(ideas, negatives)}-{safe_model}.skops"


def save(model: IdeaClassifier, path: Path) -> None:
    """Write atomically: a crash never leaves half a model where the next run would load it."""
    import skops.io as sio

    path.parent.mkdir(parents=True, exist_ok=True)
    state = {"primary": model.primary_model, "supporting": model.supporting_model,
             "gate": model.gate_model, "with_rules": model.with_rules, "model_id": model.model_id}
    handle, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    os.close(handle)
    try:
        sio.dump(state, tmp)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def load(path: Path) -> IdeaClassifier | None:
    """The cached model, or None when it is absent, unreadable or holds a type outside the reviewed list.

    The list is tailor/safe_skops.py's, shared with custom_ml: a cache file is data written by an earlier
    run, but anyone who can write TAILOR_HOME could plant one, so it is checked like any model file.
    """
    from tailor import safe_skops

    if not path.is_file():
        return None
    try:
        state = safe_skops.load(path)
        return IdeaClassifier(state["primary"], state["supporting"], state["gate"], bool(state["with_rules"]),
                              str(state["model_id"]))
    except Exception:  # a damaged or untrusted cache is rebuilt (and overwritten), never trusted
        return None
