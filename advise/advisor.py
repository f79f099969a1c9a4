"""The advisor: one idea in, a recommended method with its reasons out, by any of the four ways.

    advisor = Advisor()                       # loads what a way needs on first use
    advice = advisor.advise("An app that ...", way="classifier")
    advisor.predict("rules", ["idea 1", "idea 2"])   # raw labels, what the evaluation scores

The default way is the one the last evaluation (`python -m advise.evaluate`) measured best on the
held-out ideas; it is read from runs/eval/advise.json.
"""

from __future__ import annotations

import json
import time

from advise import classifier, prompt, rules
from advise.data import load_ideas, load_not_apps, split, split_not_apps
from advise.explain import Advice, build_advice, not_an_app
from advise.gate import check_text, looks_like_app, too_short
from tailor.errors import UsageError

WAYS = ("rules", "prompt", "classifier", "combined")
FALLBACK_WAY = "combined"  # measured best on 2026-11-28 (README); a stored evaluation overrides it
_VECTORS: dict = {}  # (embedding model id, text) -> vector, shared by every Advisor in this process


def eval_path():
    from tailor.runfiles import eval_path

    return eval_path("advise")


def default_way() -> tuple[str, str]:
    """(way, where the choice came from): the evaluation's measured best, else the fallback."""
    path = eval_path()
    try:
        stored = json.loads(path.read_text(encoding="utf-8"))
        if stored.get("best_way") in WAYS:
            score = stored["ways"][stored["best_way"]]["primary_accuracy"]
            return stored["best_way"], f"best on the held-out ideas ({score:.0%} primary accuracy, {path})"
    except (OSError, ValueError, KeyError, TypeError):
        pass
    return FALLBACK_WAY, "no evaluation stored yet; run `python -m advise.evaluate` to measure the best way"


class Advisor:
    """The labelled ideas, the embedder, the fitted classifiers and the backend, each made on first use."""

    def __init__(self, backend=None, backend_factory=None):
        self.train, self.test = split(load_ideas())
        self.not_apps_train, self.not_apps_test = split_not_apps(load_not_apps())
        self._backend, self._backend_factory = backend, backend_factory
        self._embedder, self._models = None, {}

    # -- resources --------------------------------------------------------------------------
    def backend(self):
        if self._backend is None:
            from tailor.backends import get_backend

            self._backend = (self._backend_factory or get_backend)()
        return self._backend

    def embed(self, texts: list[str]):
        """(n, 384) unit vectors; each text is embedded once per process (the training ideas are reused)."""
        import numpy as np

        if self._embedder is None:
            from tailor.embeddings import Embedder

            self._embedder = Embedder()
        if not texts:
            return np.zeros((0, self._embedder.dimension), dtype=np.float32)
        model_id = self._embedder.model_id
        missing = sorted({t for t in texts if (model_id, t) not in _VECTORS})
        if missing:
            for text, vector in zip(missing, self._embedder.embed(missing).vectors, strict=True):
                _VECTORS[(model_id, text)] = vector
        return np.stack([_VECTORS[(model_id, t)] for t in texts])

    def model(self, with_rules: bool) -> classifier.IdeaClassifier:
        """The fitted classifier (way 3) or stacked classifier (way 4): cached on disk after first fit."""
        if with_rules not in self._models:
            from tailor.embeddings import Embedder

            model_id = Embedder().model_id
            path = classifier.cache_path(self.train, self.not_apps_train, with_rules, model_id)
            model = classifier.load(path)
            if model is None:
                vectors = self.embed([i.idea for i in self.train])
                negatives = self.embed(self.not_apps_train)
                model = classifier.train(self.train, vectors, negatives, with_rules, model_id)
                classifier.save(model, path)
            self._models[with_rules] = model
        return self._models[with_rules]

    # -- the four ways ------------------------------------------------------------------------
    def predict(self, way: str, ideas: list[str], vectors=None) -> list[dict]:
        """Raw predictions for many ideas: {"primary", "supporting", "confidence", ...} each."""
        if way == "rules":
            return [rules.predict(idea) for idea in ideas]
        if way == "prompt":
            return prompt.predict(self.backend(), ideas, prompt.few_shot(self.train))
        if way in ("classifier", "combined"):
            vectors = self.embed(ideas) if vectors is None else vectors
            return self.model(with_rules=way == "combined").predict(ideas, vectors)
        raise UsageError(f"unknown way {way!r}; choose one of {', '.join(WAYS)}")

    def app_probability(self, vectors):
        """The probability that each text describes an app (the classifier's refusal check)."""
        return self.model(with_rules=False).app_probability(vectors)

    def advise(self, idea: str, way: str | None = None) -> Advice:
        """Check the idea, then recommend a method by the chosen (or measured-best) way."""
        idea = check_text(idea)
        way, why_way = (way, "chosen with --way") if way else default_way()
        if way not in WAYS:
            raise UsageError(f"unknown way {way!r}; choose one of {', '.join(WAYS)}")
        started = time.perf_counter()
        if too_short(idea):
            return not_an_app(idea, way, too_short(idea), time.perf_counter() - started)
        vectors = self.embed([idea])
        is_app, why_not = looks_like_app(idea, float(self.app_probability(vectors)[0]))
        if not is_app:
            return not_an_app(idea, way, why_not, time.perf_counter() - started)
        prediction = self.predict(way, [idea], vectors)[0]
        return build_advice(idea, way, why_way, prediction, time.perf_counter() - started)
