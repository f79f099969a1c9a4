"""The fake backend: scripted replies for unit tests of control flow. Never a fallback for a real model.

    fake = FakeBackend()
    fake.queue(text="Hello")                                   # a text reply
    fake.queue(tool_calls=[("book_table", {"party_size": 4})]) # a tool call
    fake.queue(parsed={"title": "Omelette", ...})              # a structured reply (validated on use)
    result = fake.chat([...]); fake.requests[-1]               # what the code under test sent
"""

from __future__ import annotations

import json
from collections import deque
from collections.abc import Iterator

from tailor.backends.base import Backend, ChatRequest, Completion, ToolCall, Usage
from tailor.errors import BackendError


class FakeBackend(Backend):
    name = "fake"

    def __init__(self, model: str | None = None, replies=None):
        self._model = model or "fake-model"
        self.replies: deque = deque()
        self.requests: list[ChatRequest] = []
        for reply in replies or []:
            self.queue(**reply) if isinstance(reply, dict) else self.queue(text=reply)

    @property
    def model(self) -> str:
        return self._model

    @classmethod
    def describe(cls, model: str | None = None) -> list[tuple[str, str]]:
        return [("model", f"{model or 'fake-model'} (scripted replies, for tests)")]

    def queue(self, text: str = "", tool_calls=None, parsed=None, error: Exception | None = None):
        """Add one scripted reply. `parsed` may be a dict or a pydantic instance; it becomes JSON text."""
        if parsed is not None:
            text = parsed.model_dump_json() if hasattr(parsed, "model_dump_json") else json.dumps(parsed)
        calls = [call if isinstance(call, ToolCall) else ToolCall(call[0], call[1], id=f"call_{i}")
                 for i, call in enumerate(tool_calls or [])]
        self.replies.append((text, calls, error))
        return self

    def _generate(self, request: ChatRequest) -> Iterator[str | Completion]:
        self.requests.append(request)
        if not self.replies:
            raise BackendError("the fake backend has no scripted reply left; queue one in the test")
        text, calls, error = self.replies.popleft()
        if error is not None:
            raise error
        words = text.split(" ")
        for i, word in enumerate(words):  # stream word by word, like a real model would
            yield word if i == 0 else " " + word
        prompt_words = sum(len((m.get("content") or "").split()) for m in request.messages)
        yield Completion(text=text, usage=Usage(prompt_words, len(text.split())), model=self.model,
                         tool_calls=list(calls), finish_reason="tool_calls" if calls else "stop")
