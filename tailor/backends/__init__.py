"""Model backends behind one interface: `get_backend(name=None, *, model=None, adapter=None, ...)`.

    local     transformers on the CPU, the bundled SmolLM2-135M-Instruct by default (TAILOR_MODEL to change)
    llamacpp  llama.cpp in-process (xllamacpp) on the bundled GGUF or any .gguf file
    openai    the openai SDK against any OpenAI-compatible server (OPENAI_BASE_URL, TAILOR_OPENAI_MODEL)
    fake      scripted replies for unit tests

The list of backends and the choosing live in registry.py; the interface and result types in base.py (they
are importable from here too, loaded on first use so that `tailor --help` never pays for pydantic).
"""

from __future__ import annotations

import importlib

from tailor.backends.registry import BACKENDS, COMMON_OPTIONS, backend_names, chosen_backend, get_backend

_INTERFACE = {"Backend": "base", "ChatRequest": "base", "ChatResult": "base", "Completion": "base",
              "Stream": "base", "ToolCall": "base", "Usage": "base", "Tool": "tools"}

__all__ = ["BACKENDS", "COMMON_OPTIONS", "backend_names", "chosen_backend", "get_backend", *_INTERFACE]


def __getattr__(name: str):
    if name in _INTERFACE:
        return getattr(importlib.import_module(f"tailor.backends.{_INTERFACE[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
