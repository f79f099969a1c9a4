"""Model backends behind one interface: `get_backend(name=None, **overrides)`.

    local   transformers on the CPU, the bundled SmolLM2-135M-Instruct by default (TAILOR_MODEL to change)
    openai  the openai SDK against any OpenAI-compatible server (OPENAI_BASE_URL, TAILOR_OPENAI_MODEL)
    fake    scripted replies for unit tests
"""

from __future__ import annotations

from tailor.backends.base import Backend, ChatRequest, ChatResult, Completion, ToolCall, Usage
from tailor.backends.tools import Tool
from tailor.config import DEFAULT_BACKEND, setting
from tailor.errors import UsageError

BACKEND_NAMES = ("local", "openai", "fake")

__all__ = ["Backend", "ChatRequest", "ChatResult", "Completion", "Tool", "ToolCall", "Usage",
           "BACKEND_NAMES", "get_backend"]


def get_backend(name: str | None = None, **overrides) -> Backend:
    """The backend named by the flag, else TAILOR_BACKEND, else local. Overrides go to its constructor."""
    chosen = setting(name, "TAILOR_BACKEND", DEFAULT_BACKEND)
    overrides = {k: v for k, v in overrides.items() if v is not None}
    if chosen == "local":
        from tailor.backends.local import LocalBackend

        return LocalBackend(**overrides)
    if chosen == "openai":
        from tailor.backends.openai_compat import OpenAIBackend

        overrides.pop("adapter", None)  # adapters are a local-model feature
        return OpenAIBackend(**overrides)
    if chosen == "fake":
        from tailor.backends.fake import FakeBackend

        return FakeBackend(**overrides)
    raise UsageError(f"unknown backend {chosen!r}; choose one of: {', '.join(BACKEND_NAMES)}")
