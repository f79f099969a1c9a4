"""The openai backend: the openai SDK against any OpenAI-compatible server.

OpenAI itself, vLLM, Ollama, llama.cpp's server, `transformers serve`: set OPENAI_BASE_URL (and
OPENAI_API_KEY where the server wants one) and TAILOR_OPENAI_MODEL. Tool calls and JSON-schema output are
native where the server supports them; where it refuses them, the request falls back to JSON mode (or the
schema in the prompt) and the reply is validated here. Timeouts and retries are the SDK's own, bounded.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator

from tailor.backends.base import Backend, ChatRequest, Completion, ToolCall, Usage
from tailor.backends.structured import json_schema_of, parse_tool_reply, schema_name, tool_reply_schema
from tailor.chat_format import describe_tools, flatten_tool_turns, schema_note, with_system_note
from tailor.config import setting
from tailor.errors import (
    AuthenticationError,
    BadResponseError,
    RateLimitedError,
    UnreachableError,
    UsageError,
)

OPENAI_HOST = "https://api.openai.com/v1"
DEFAULT_OPENAI_MODEL = "gpt-4o-mini"
DEFAULT_TIMEOUT_S = 60.0
DEFAULT_RETRIES = 2  # the SDK retries connection errors, 408, 429 and 5xx with backoff
# strongest first; "json_object_schema" is llama.cpp's server extension: JSON mode constrained by a schema
STRUCTURED_MODES = ("json_schema", "json_object_schema", "json_object", "prompt")
TOOL_MODES = ("native", "prompted")


class OpenAIBackend(Backend):
    name = "openai"

    def __init__(self, model: str | None = None, base_url: str | None = None, api_key: str | None = None,
                 timeout: float | None = None, max_retries: int | None = None, http_client=None,
                 tools: str | None = None):
        from openai import OpenAI

        self.base_url = setting(base_url, "OPENAI_BASE_URL", OPENAI_HOST).rstrip("/")
        key = setting(api_key, "OPENAI_API_KEY")
        if key is None and "api.openai.com" in self.base_url:
            raise AuthenticationError("OPENAI_API_KEY is not set; export it, or point OPENAI_BASE_URL at a "
                                      "local OpenAI-compatible server")
        self._model = setting(model, "TAILOR_OPENAI_MODEL", DEFAULT_OPENAI_MODEL)
        timeout = float(setting(timeout, "TAILOR_OPENAI_TIMEOUT", DEFAULT_TIMEOUT_S))
        retries = int(setting(max_retries, "TAILOR_OPENAI_RETRIES", DEFAULT_RETRIES))
        self.client = OpenAI(base_url=self.base_url, api_key=key or "not-needed", timeout=timeout,
                             max_retries=retries, http_client=http_client)
        self.structured_mode = "json_schema"  # lowered one step at a time while the server refuses
        # "prompted": the tool list in the prompt and the reply as JSON, for servers that accept `tools` but
        # never call one (llama.cpp's server with a plain chat template); "native" falls back on a refusal
        tool_mode = setting(tools, "TAILOR_OPENAI_TOOLS", "native")
        if tool_mode not in TOOL_MODES:
            raise UsageError(f"TAILOR_OPENAI_TOOLS must be one of {', '.join(TOOL_MODES)}, not {tool_mode!r}")
        self.native_tools = tool_mode == "native"

    @property
    def model(self) -> str:
        return self._model

    @classmethod
    def describe(cls, model: str | None = None) -> list[tuple[str, str]]:
        return [("base url", setting(None, "OPENAI_BASE_URL", OPENAI_HOST)),
                ("model", setting(model, "TAILOR_OPENAI_MODEL", DEFAULT_OPENAI_MODEL))]

    def close(self) -> None:
        self.client.close()

    def _generate(self, request: ChatRequest) -> Iterator[str | Completion]:
        if request.tools and request.tool_choice != "none" and self.native_tools:
            yield self._tool_call(request)
            return
        if request.tools and request.tool_choice != "none":
            yield self._prompted_tool_call(request)
            return
        if request.stream:
            yield from self._stream_text(request)
        else:
            yield self._whole_text(request)

    # -- text and structured output, streamed ---------------------------------------------------
    def _stream_text(self, request: ChatRequest) -> Iterator[str | Completion]:
        stream = self._structured_call(request, stream=True, stream_options={"include_usage": True})
        pieces, usage, finish = [], Usage(), "stop"
        with _mapped_errors(self.base_url):
            for chunk in stream:
                if chunk.usage:
                    usage = Usage(chunk.usage.prompt_tokens or 0, chunk.usage.completion_tokens or 0)
                for choice in chunk.choices or []:
                    if choice.delta and choice.delta.content:
                        pieces.append(choice.delta.content)
                        yield choice.delta.content
                    finish = choice.finish_reason or finish
        yield Completion(text="".join(pieces), usage=usage, model=self.model, finish_reason=finish)

    def _whole_text(self, request: ChatRequest) -> Completion:
        response = self._structured_call(request)
        if request.schema is not None and not _looks_like_json(response.choices[0].message.content):
            # The server accepted response_format but ignored it (transformers serve does): from now on
            # put the schema in the prompt instead, and ask once more.
            self.structured_mode = "prompt"
            response = self._structured_call(request)
        choice = response.choices[0]
        return Completion(text=choice.message.content or "", usage=_usage(response), model=self.model,
                          finish_reason=choice.finish_reason or "stop")

    def _structured_call(self, request: ChatRequest, **extra):
        """Ask in the strongest structured mode the server accepts, stepping down once per refusal."""
        while True:
            messages, response_format = self._structured(request)
            if response_format:
                extra["response_format"] = response_format
            else:
                extra.pop("response_format", None)
            try:
                return self._call(request, messages, **extra)
            except BadResponseError as error:
                if not (response_format and _refused(error, "response_format")):
                    raise
                self.structured_mode = STRUCTURED_MODES[STRUCTURED_MODES.index(self.structured_mode) + 1]

    def _structured(self, request: ChatRequest):
        """Messages and response_format for the strongest structured mode the server accepts."""
        if request.schema is None:
            return request.messages, None
        schema = json_schema_of(request.schema)
        hinted = with_system_note(request.messages, schema_note(schema))
        if self.structured_mode == "prompt":
            return hinted, None
        messages = request.messages if self.structured_mode == "json_schema" else hinted
        return messages, _response_format(self.structured_mode, schema_name(request.schema), schema)

    # -- tool calls -----------------------------------------------------------------------------
    def _native_tool_call(self, request: ChatRequest) -> Completion:
        choice = request.tool_choice
        if choice not in ("auto", "required"):
            choice = {"type": "function", "function": {"name": choice}}
        response = self._call(request, request.messages, tools=[t.to_openai() for t in request.tools],
                              tool_choice=choice)
        message = response.choices[0].message
        calls = [ToolCall(c.function.name, _decode_arguments(c.function.arguments), id=c.id)
                 for c in (message.tool_calls or [])]
        return Completion(text=message.content or "", usage=_usage(response), model=self.model,
                          tool_calls=calls, finish_reason="tool_calls" if calls else "stop")

    def _prompted_tool_call(self, request: ChatRequest) -> Completion:
        """For servers without native tools: the tool list in the prompt, the reply as constrained JSON."""
        messages = [{"role": "system", "content": describe_tools(request.tools)},
                    *flatten_tool_turns(request.messages)]
        reply = dataclasses.replace(request, messages=messages, tools=[], schema={
            "title": "tool_reply", **tool_reply_schema(request.tools, request.tool_choice)})
        response = self._structured_call(reply)
        text, call = parse_tool_reply(response.choices[0].message.content or "")
        calls = [ToolCall(call["name"], call["arguments"], id="call_0")] if call else []
        return Completion(text=text, usage=_usage(response), model=self.model, tool_calls=calls,
                          finish_reason="tool_calls" if calls else "stop")

    # -- plumbing -------------------------------------------------------------------------------
    def _call(self, request: ChatRequest, messages, **extra):
        with _mapped_errors(self.base_url):
            return self.client.chat.completions.create(
                model=self.model, messages=messages, max_tokens=request.max_tokens,
                temperature=request.temperature, **extra)

    def _tool_call(self, request: ChatRequest) -> Completion:
        """Native tool calling; a server that refuses `tools` gets them in the prompt from then on."""
        try:
            return self._native_tool_call(request)
        except BadResponseError as error:
            if not _refused(error, "tools"):
                raise
            self.native_tools = False
            return self._prompted_tool_call(request)


def _response_format(mode: str, name: str, schema: dict) -> dict:
    if mode == "json_schema":
        return {"type": "json_schema", "json_schema": {"name": name, "schema": schema, "strict": False}}
    if mode == "json_object_schema":
        return {"type": "json_object", "schema": schema}
    return {"type": "json_object"}


def _refused(error: BadResponseError, field: str) -> bool:
    """Did the server refuse a request field it does not support (rather than fail on a supported one)?"""
    status = getattr(error, "status", None)
    if status in (400, 404, 422, 501):
        return True
    # llama-cpp-python's server answers a field value it does not accept with HTTP 500 "validation error"
    message = f"{error} {error.__cause__}"  # the server's whole answer is on the SDK's exception
    return status == 500 and "validation error" in message and field in message


def _looks_like_json(text: str | None) -> bool:
    try:
        json.loads(text or "")
    except json.JSONDecodeError:
        return False
    return True


def _usage(response) -> Usage:
    if response.usage is None:
        return Usage()
    return Usage(response.usage.prompt_tokens or 0, response.usage.completion_tokens or 0)


def _decode_arguments(arguments: str) -> dict:
    try:
        value = json.loads(arguments or "{}")
    except json.JSONDecodeError as error:
        raise BadResponseError(f"the server returned tool arguments that are not JSON: {arguments[:80]!r}") from error
    return value if isinstance(value, dict) else {"value": value}


class _mapped_errors:
    """Turn the SDK's exceptions into tailor's own, keeping the cause and never the key."""

    def __init__(self, base_url: str):
        self.base_url = base_url

    def __enter__(self):
        return self

    def __exit__(self, kind, error, traceback):
        if error is None:
            return False
        import openai

        where = self.base_url
        if isinstance(error, openai.APITimeoutError):
            raise UnreachableError(f"{where} did not answer within the timeout; is the server up? "
                                   "(raise TAILOR_OPENAI_TIMEOUT for slow servers)") from error
        if isinstance(error, openai.APIConnectionError):
            raise UnreachableError(f"cannot reach {where}; start the server or fix OPENAI_BASE_URL") from error
        if isinstance(error, (openai.AuthenticationError, openai.PermissionDeniedError)):
            raise AuthenticationError(f"{where} refused the API key (HTTP {error.status_code}); "
                                      "check OPENAI_API_KEY") from error
        if isinstance(error, openai.RateLimitError):
            raise RateLimitedError(f"{where} is rate limiting (HTTP 429) after retries; wait and try again, "
                                   "or lower the request rate") from error
        if isinstance(error, openai.APIStatusError):
            mapped = BadResponseError(f"{where} answered HTTP {error.status_code}: {_short(error)}")
            mapped.status = error.status_code
            raise mapped from error
        if isinstance(error, openai.APIError):
            raise BadResponseError(f"{where} sent a reply that could not be read: {_short(error)}") from error
        return False


def _short(error) -> str:
    return str(getattr(error, "message", error)).splitlines()[0][:200]
