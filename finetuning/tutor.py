"""Asking the tutor: the base model or the base model plus a trained LoRA adapter, on the chosen inference backend.

No system prompt: the voice has to come from the adapter's weights, which is what fine-tuning shows.
"""

from __future__ import annotations

from pathlib import Path

from tailor.adapters import find
from tailor.errors import UsageError
from tailor.runfiles import RUN_CARD, read_card

RUN_NAME = "tutor"
MAX_TOKENS = 120  # the voice allows 80 words, about 110 tokens


def find_adapter(adapter: str | Path | None, name: str = RUN_NAME) -> Path:
    """The adapter to use: an explicit path (which must exist), else the user's runs_dir()/<name>/latest,
    else the one shipped with the project (adapters/<name>/)."""
    if adapter is not None:
        path = Path(adapter).expanduser()
        if not path.exists():
            raise UsageError(f"adapter path {path} does not exist; give a run folder of `tailor tutor train`")
        return path
    found = find(name)
    if found is None:
        raise UsageError(f"no trained {name} adapter yet; run `tailor tutor train` (a few minutes) "
                         "or ask with --base-only")
    return found.path


def check_base(adapter: Path, model: str | None) -> None:
    """An adapter only fits the base model it was trained on; say so before peft fails obscurely."""
    from tailor.models import resolve_model

    if not (adapter / RUN_CARD).is_file():
        return  # a bare peft folder: attach_adapter still checks the shapes
    trained_on = read_card(adapter).get("base_model")
    _, model_id = resolve_model(model)
    if trained_on and trained_on != model_id:
        raise UsageError(f"the adapter at {adapter} was trained on {trained_on}, not {model_id}; "
                         f"use --model to pick {trained_on} or train a new adapter")


def tutor_backend(adapter: str | Path | None = None, base_only: bool = False, model: str | None = None,
                  backend: str | None = None):
    """The inference backend (--backend, else the default) on the base model, with the tutor adapter unless
    base_only. Training reads the weights itself (tailor/weights.py), never through this."""
    from tailor.backends import get_backend

    if base_only:
        return get_backend(backend, model=model)
    path = find_adapter(adapter)
    check_base(path, model)
    return get_backend(backend, model=model, adapter=path)


def ask(backend, question: str, max_tokens: int = MAX_TOKENS):
    """One question, one answer (greedy); returns the ChatResult."""
    return backend.chat([{"role": "user", "content": question}], max_tokens=max_tokens)
