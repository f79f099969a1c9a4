"""The backend interface every model sits behind, and the result types it returns.

A backend implements one method, `_generate`, which yields text pieces as they are produced and ends
with one `Completion`. Everything else (streaming, collecting the text, parsing a schema, timing,
input checks, batches) is built on top of it here, once for all backends.
"""

from __future__ import annotations

import json
import time
from abc import ABC, abstractmethod
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from tailor.backends.structured import SchemaLike, validate_reply
from tailor.backends.tools import Tool, normalize_tools
from tailor.errors import SchemaError, UsageError

MAX_TOKENS_LIMIT = 8192  # a bound on every request: nothing generates forever


@dataclass
class Usage:
    prompt_tokens: int = 0
    completion_tokens: int = 0

    @property
    def total_tokens(self) -> int:
        return self.prompt_tokens + self.completion_tokens


@dataclass
class ToolCall:
    name: str
    arguments: dict[str, Any]
    id: str = ""

    def to_message_dict(self) -> dict:
        """The OpenAI-style form, for an assistant message in the conversation history."""
        return {
            "id": self.id,
            "type": "function",
            "function": {"name": self.name, "arguments": json.dumps(self.arguments)},
        }


@dataclass
class Completion:
    """What a backend's `_generate` ends with: the raw reply before parsing."""

    text: str
    usage: Usage
    model: str
    tool_calls: list[ToolCall] = field(default_factory=list)
    finish_reason: str = "stop"  # "stop", "length" (hit max_tokens) or "tool_calls"


@dataclass
class ChatResult:
    text: str
    usage: Usage
    latency_s: float
    model: str
    backend: str
    tool_calls: list[ToolCall] = field(default_factory=list)
    parsed: Any = None  # the schema's instance when a schema was asked for
    finish_reason: str = "stop"
    error: str | None = None  # chat_batch only: why this item's reply did not validate (chat() raises)

    def cost(self):
        """USD for hosted models from the price table; 0 USD and the measured seconds on the local model."""
        from tailor.cost import cost_of

        return cost_of(self)

    def to_message(self) -> dict:
        """This reply as an assistant message, to append to the conversation."""
        message: dict[str, Any] = {"role": "assistant", "content": self.text}
        if self.tool_calls:
            message["tool_calls"] = [call.to_message_dict() for call in self.tool_calls]
        return message


@dataclass
class ChatRequest:
    """One validated request, as handed to `_generate`."""

    messages: list[dict]
    max_tokens: int
    temperature: float = 0.0
    tools: list[Tool] = field(default_factory=list)
    tool_choice: str = "auto"  # "auto" (answer or call), "required" (must call), or a tool's name
    schema: SchemaLike | None = None
    stream: bool = False  # a hint: servers are asked to stream only when the caller iterates pieces


class Backend(ABC):
    """One model behind one small interface. Subclasses implement `_generate` only."""

    name: str = "base"

    @property
    @abstractmethod
    def model(self) -> str:
        """The model's id as reported in results."""

    @abstractmethod
    def _generate(self, request: ChatRequest) -> Iterator[str | Completion]:
        """Yield text pieces as they are generated, then exactly one Completion."""

    @classmethod
    def describe(cls, model: str | None = None) -> list[tuple[str, str]]:
        """(label, value) lines for `tailor info`: what this backend would use, found without loading a model."""
        return []

    def load(self) -> None:
        """Load the model now (a server does, before it listens, so its first request is not slow)."""

    # -- built on _generate -------------------------------------------------------------------
    def chat(self, messages, *, max_tokens: int = 256, temperature: float = 0.0, tools=None,
             tool_choice: str = "auto", schema: SchemaLike | None = None) -> ChatResult:
        """Generate one reply. `schema` (a pydantic model) gives `.parsed`; `tools` may give `.tool_calls`."""
        request = self._request(messages, max_tokens, temperature, tools, tool_choice, schema)
        start = time.perf_counter()
        completion = _last_completion(self._generate(request))
        return self._result(request, completion, time.perf_counter() - start)

    def stream(self, messages, *, max_tokens: int = 256, temperature: float = 0.0,
               schema: SchemaLike | None = None) -> Stream:
        """The reply's text as it is generated: iterate it for the pieces; once they are all read, its
        `.result` is the whole ChatResult (its `.usage` the real token counts)."""
        return Stream(self, messages, max_tokens, temperature, schema)

    def chat_batch(self, conversations: Sequence, **options) -> list[ChatResult]:
        """One reply per conversation; an item whose reply does not validate gets `.error` instead of raising.
        `schema` is one schema for every conversation, or a list of them, one per conversation.

        Backends that can batch (local) override this with one generate call per batch.
        """
        options.pop("batch_size", None)
        schemas = per_item_schemas(options.pop("schema", None), len(conversations))
        return [self._batch_chat(messages, {**options, "schema": schema})
                for messages, schema in zip(conversations, schemas, strict=True)]

    def _batch_chat(self, messages, options) -> ChatResult:
        try:
            return self.chat(messages, **options)
        except SchemaError as error:
            usage = getattr(error, "usage", None) or Usage()
            return ChatResult(text="", usage=usage, latency_s=0.0, model=self.model, backend=self.name,
                              finish_reason="length" if "max_tokens" in str(error) else "stop", error=str(error))

    def close(self) -> None:
        """Release what the backend holds (connections, threads). Models stay cached in-process."""

    # -- helpers ------------------------------------------------------------------------------
    def _request(self, messages, max_tokens, temperature, tools, tool_choice, schema) -> ChatRequest:
        tool_list = normalize_tools(tools)
        if tool_list and schema is not None:
            raise UsageError("ask for either tools or a schema in one request, not both")
        return ChatRequest(
            messages=check_messages(messages),
            max_tokens=check_max_tokens(max_tokens),
            temperature=check_temperature(temperature),
            tools=tool_list,
            tool_choice=check_tool_choice(tool_choice, tool_list),
            schema=schema,
        )

    def _result(self, request: ChatRequest, completion: Completion, latency_s: float) -> ChatResult:
        try:
            parsed = self._parse(request, completion)
        except SchemaError as error:
            error.usage = completion.usage  # a failed reply still cost tokens; callers may count them
            raise
        return ChatResult(
            text=completion.text, usage=completion.usage, latency_s=latency_s, model=completion.model,
            backend=self.name, tool_calls=completion.tool_calls, parsed=parsed,
            finish_reason=completion.finish_reason,
        )

    @staticmethod
    def _parse(request: ChatRequest, completion: Completion):
        if request.tools and completion.finish_reason == "length":
            raise SchemaError(f"the model did not finish its tool reply within max_tokens={request.max_tokens}; "
                              "raise max_tokens")
        if request.schema is None:
            return None
        return validate_reply(completion.text, request.schema, completion.finish_reason, request.max_tokens)


class Stream(Iterator[str]):
    """The text pieces of one streamed reply, and after the last one the reply's ChatResult.

        stream = backend.stream(messages, max_tokens=64)
        for piece in stream: print(piece, end="")
        stream.usage                              # prompt and completion tokens, as chat() counts them

    Nothing runs until the first piece is asked for. A reply that does not fit the schema does not raise
    here (the text is already out): `.result.error` says why, as in chat_batch.
    """

    def __init__(self, backend: Backend, messages, max_tokens: int, temperature: float, schema):
        self.result: ChatResult | None = None
        self._pieces = self._run(backend, messages, max_tokens, temperature, schema)

    def __iter__(self) -> Stream:
        return self

    def __next__(self) -> str:
        return next(self._pieces)

    def close(self) -> None:
        """Stop generating now (a server's client went away); a no-op once every piece has been read."""
        self._pieces.close()

    @property
    def usage(self) -> Usage:
        if self.result is None:
            raise RuntimeError("a stream's usage is known once every piece has been read")
        return self.result.usage

    def _run(self, backend: Backend, messages, max_tokens, temperature, schema) -> Iterator[str]:
        request = backend._request(messages, max_tokens, temperature, None, "auto", schema)
        request.stream = True
        start, completion = time.perf_counter(), None
        for event in backend._generate(request):
            if isinstance(event, Completion):
                completion = event
            else:
                yield event
        if completion is None:
            raise RuntimeError("backend ended without a Completion")
        latency = time.perf_counter() - start
        try:
            self.result = backend._result(request, completion, latency)
        except SchemaError as error:
            self.result = ChatResult(text=completion.text, usage=completion.usage, latency_s=latency,
                                     model=completion.model, backend=backend.name,
                                     finish_reason=completion.finish_reason, error=str(error))


def _last_completion(events: Iterator[str | Completion]) -> Completion:
    completion = None
    for event in events:
        if isinstance(event, Completion):
            completion = event
    if completion is None:
        raise RuntimeError("backend ended without a Completion")
    return completion


# -- input checks shared by every backend --------------------------------------------------------
VALID_ROLES = {"system", "user", "assistant", "tool"}


def check_messages(messages) -> list[dict]:
    """Accept a string (one user turn) or OpenAI-style message dicts; reject empty conversations."""
    if isinstance(messages, str):
        messages = [{"role": "user", "content": messages}]
    if not isinstance(messages, (list, tuple)) or not messages:
        raise UsageError("messages must be a non-empty list of {'role': ..., 'content': ...} dicts")
    for i, message in enumerate(messages):
        if not isinstance(message, dict) or message.get("role") not in VALID_ROLES:
            raise UsageError(f"message {i} needs a role among {sorted(VALID_ROLES)}")
        content = message.get("content")
        if content is not None and not isinstance(content, str):
            raise UsageError(f"message {i}: content must be a string")
    if not any((m.get("content") or "").strip() or m.get("tool_calls") for m in messages):
        raise UsageError("the messages are empty: give the model something to answer")
    return [dict(m) for m in messages]


def check_max_tokens(max_tokens) -> int:
    if isinstance(max_tokens, bool) or not isinstance(max_tokens, int) or not 1 <= max_tokens <= MAX_TOKENS_LIMIT:
        raise UsageError(f"max_tokens must be an integer from 1 to {MAX_TOKENS_LIMIT}, got {max_tokens!r}")
    return max_tokens


def check_temperature(temperature) -> float:
    if isinstance(temperature, bool) or not isinstance(temperature, (int, float)) or not 0 <= temperature <= 2:
        raise UsageError(f"temperature must be a number from 0 to 2, got {temperature!r}")
    return float(temperature)


def check_tool_choice(tool_choice: str, tools: list[Tool]) -> str:
    names = {tool.name for tool in tools}
    if tool_choice in ("auto", "required", "none") or tool_choice in names:
        return tool_choice
    raise UsageError(f"tool_choice must be auto, required, none or a tool name in {sorted(names)}")


def per_item_schemas(schema, count: int) -> list:
    """chat_batch's `schema`: one for all conversations, or a list with exactly one per conversation."""
    if not isinstance(schema, list):
        return [schema] * count
    if len(schema) != count:
        raise UsageError(f"chat_batch got {len(schema)} schemas for {count} conversations; give one or one each")
    return schema
