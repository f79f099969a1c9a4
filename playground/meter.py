"""A backend seen through a meter: every reply's text reaches the page as it is generated, and every call
is counted (calls, prompt and completion tokens), whichever demo code makes the call.

The demos call `chat`, `chat_batch` or `stream` as they always do; the meter implements the interface's one
method, `_generate`, by asking the wrapped backend to stream (`request.stream`, the interface's own hint),
so even a whole-reply `chat` arrives piece by piece. Everything else is the wrapped backend's.
"""

from __future__ import annotations

from collections.abc import Iterator

from tailor.backends.base import Backend, ChatRequest, Completion, Usage


class Meter(Backend):
    def __init__(self, inner: Backend, on_piece=None, on_call=None):
        self.inner = inner
        self.name = inner.name  # results (and their cost) are the wrapped backend's
        self.listen(on_piece, on_call)

    def listen(self, on_piece=None, on_call=None) -> None:
        """Send this run's pieces and calls to new listeners (an agent's backend lives across requests)."""
        self.on_piece, self.on_call = on_piece, on_call
        self.usage, self.calls = Usage(), 0

    @property
    def model(self) -> str:
        return self.inner.model

    def load(self) -> None:
        self.inner.load()

    def _generate(self, request: ChatRequest) -> Iterator[str | Completion]:
        self.calls += 1
        if self.on_call:
            self.on_call(self.calls)
        request.stream = True
        for event in self.inner._generate(request):
            if isinstance(event, Completion):
                self.usage.prompt_tokens += event.usage.prompt_tokens
                self.usage.completion_tokens += event.usage.completion_tokens
            elif self.on_piece and event:
                self.on_piece(event)
            yield event

    def __getattr__(self, name: str):
        if name == "inner":  # not set yet (during __init__): never recurse
            raise AttributeError(name)
        return getattr(self.inner, name)
