"""The one list of model backends, and `get_backend`, the one place a backend is chosen and built.

Adding a backend is one entry in BACKENDS (and its module): `--backend`'s choices and help, `tailor info` and
`get_backend` all read this list. Every backend takes the same common options (COMMON_OPTIONS); its entry says
which it honours and which it leaves alone, and any other one is refused here with a UsageError, so a caller
never needs to know the backend's kind before building it (it reads `backend.name` afterwards).

Light on purpose: a backend's module is imported only when that backend is built or described.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass

from tailor.config import DEFAULT_BACKEND, setting
from tailor.errors import UsageError

# The options every backend is asked with; what each means, as the refusal names it.
COMMON_OPTIONS = {
    "model": "use another model",
    "adapter": "load a LoRA adapter",
    "repetition_penalty": "apply a repetition penalty",
    "quantize": "quantize the weights",
    "prompt_cache": "reuse a prompt cache",
}


@dataclass(frozen=True)
class BackendEntry:
    name: str
    target: str  # "module:Class", imported only when this backend is used
    hint: str  # a few words for --backend's help ("" for none)
    honours: frozenset[str]  # the common options it applies
    # common options it accepts and leaves alone: a decoding tweak for a model tailor decodes itself, where a
    # server decides its own decoding; an adapter, for scripted replies that are the same either way
    ignores: frozenset[str] = frozenset()
    model_help: str = ""  # what --model means for it ("" when it has no real model)
    model_env: str = "TAILOR_MODEL"  # the environment variable its model comes from

    def backend_class(self):
        module, _, name = self.target.partition(":")
        return getattr(importlib.import_module(module), name)

    def build(self, options: dict):
        """The backend, built with the given (not None) common options; one it cannot honour is refused."""
        for option in options:
            if option not in self.honours | self.ignores:
                able = [e.name for e in BACKENDS.values() if option in e.honours]
                raise UsageError(f"the {self.name} backend cannot {COMMON_OPTIONS[option]}; "
                                 f"use --backend {' or '.join(able)}")
        honoured = {k: v for k, v in options.items() if k in self.honours}
        return self.backend_class()(**honoured)


BACKENDS = {entry.name: entry for entry in [
    BackendEntry("local", "tailor.backends.local:LocalBackend", "",
                 honours=frozenset({"model", "adapter", "repetition_penalty", "quantize", "prompt_cache"}),
                 model_help="model folder or .gguf"),
    BackendEntry("llamacpp", "tailor.backends.llamacpp:LlamaCppBackend", "llama.cpp in-process on the GGUF",
                 honours=frozenset({"model", "adapter", "repetition_penalty", "prompt_cache"}),
                 model_help=".gguf file"),
    BackendEntry("openai", "tailor.backends.openai_compat:OpenAIBackend", "any OpenAI-compatible server",
                 honours=frozenset({"model"}), ignores=frozenset({"repetition_penalty"}),
                 model_help="model name", model_env="TAILOR_OPENAI_MODEL"),
    BackendEntry("fake", "tailor.backends.fake:FakeBackend", "",  # its scripted replies need no adapter
                 honours=frozenset({"model"}), ignores=frozenset({"repetition_penalty", "adapter"})),
]}


def backend_names() -> tuple[str, ...]:
    return tuple(BACKENDS)


def chosen_backend(name: str | None = None, model: str | None = None, quantize: str | None = None,
                   default: str | None = None) -> BackendEntry:
    """The entry named by the flag, else TAILOR_BACKEND, else the caller's `default` (a demo whose measurements
    favour another engine says so), else the default for the model (default_backend)."""
    chosen = setting(name, "TAILOR_BACKEND") or default or default_backend(model, quantize)
    if chosen not in BACKENDS:
        raise UsageError(f"unknown backend {chosen!r}; choose one of: {', '.join(BACKENDS)}")
    return BACKENDS[chosen]


def default_backend(model: str | None = None, quantize: str | None = None) -> str:
    """The inference engine when none is named: llamacpp (llama.cpp on the GGUF, the fastest here), but local
    (transformers) for what only it runs: a --model / TAILOR_MODEL that is not a .gguf file (a Hugging Face
    folder), or quantized weights of tailor's own (--quantize / TAILOR_QUANTIZE)."""
    chosen = setting(model, "TAILOR_MODEL")
    if (chosen is not None and not str(chosen).endswith(".gguf")) or setting(quantize, "TAILOR_QUANTIZE"):
        return "local"
    return DEFAULT_BACKEND


def get_backend(name: str | None = None, *, model: str | None = None, adapter=None,
                repetition_penalty: float | None = None, quantize: str | None = None,
                prompt_cache: bool | None = None, default: str | None = None):
    """The backend named by the flag, else TAILOR_BACKEND, else the default (llamacpp; local for a model folder),
    built with the common options given.

    An option left at None is not given. One the backend cannot honour (an adapter on the openai backend) is
    a UsageError; one it leaves alone (a repetition penalty on a server) is dropped, as its entry says.
    `default`: the engine when neither the flag nor TAILOR_BACKEND names one (see chosen_backend).
    """
    options = {"model": model, "adapter": adapter, "repetition_penalty": repetition_penalty,
               "quantize": quantize, "prompt_cache": prompt_cache}
    return chosen_backend(name, model, quantize, default).build({k: v for k, v in options.items() if v is not None})
