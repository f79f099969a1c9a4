"""The embedding model: the bundled all-MiniLM-L6-v2 through sentence-transformers, on the CPU.

`embed(texts)` returns normalized float32 vectors of shape (n, 384) together with the model's id, so a
vector store can refuse vectors from a different model instead of retrieving badly in silence.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from tailor.config import setting
from tailor.errors import ModelNotFoundError, UsageError
from tailor.models import BUNDLED_EMBEDDER_ID, INSTALL_HINT, bundled_embedder_dir

_MODELS: dict[str, object] = {}
_LOCK = threading.Lock()


@dataclass
class Embeddings:
    vectors: np.ndarray  # (n, dim) float32, each row of unit length
    model_id: str


class Embedder:
    """Loads the sentence-transformers model once per process and embeds batches of text."""

    def __init__(self, model: str | None = None):
        chosen = setting(model, "TAILOR_EMBED_MODEL")
        if chosen is None:
            path = bundled_embedder_dir()
            if path is None:
                raise ModelNotFoundError(f"the bundled embedding model is not installed; {INSTALL_HINT}")
            self.path, self.model_id = path, BUNDLED_EMBEDDER_ID
        else:
            self.path = Path(chosen).expanduser()
            if not self.path.is_dir():
                raise ModelNotFoundError(f"embedding model folder {self.path} does not exist (TAILOR_EMBED_MODEL)")
            self.model_id = self.path.name

    def _model(self):
        with _LOCK:
            if str(self.path) not in _MODELS:
                from sentence_transformers import SentenceTransformer

                from tailor.weights import quiet_model_load

                quiet_model_load()  # `course ask` / `kb ask` print an answer, not a loading bar
                _MODELS[str(self.path)] = SentenceTransformer(str(self.path), device="cpu")
            return _MODELS[str(self.path)]

    @property
    def dimension(self) -> int:
        return self._model().get_sentence_embedding_dimension()

    def embed(self, texts, batch_size: int = 64, progress: bool = False) -> Embeddings:
        if isinstance(texts, str) or not all(isinstance(t, str) for t in texts):
            raise UsageError("embed() takes a list of strings")
        if not texts:
            return Embeddings(np.zeros((0, self.dimension), dtype=np.float32), self.model_id)
        vectors = self._model().encode(list(texts), batch_size=batch_size, normalize_embeddings=True,
                                       convert_to_numpy=True, show_progress_bar=progress)
        return Embeddings(vectors.astype(np.float32), self.model_id)


def embed(texts, model: str | None = None) -> Embeddings:
    """Embed texts with the configured model (the bundled MiniLM by default)."""
    return Embedder(model).embed(texts)
