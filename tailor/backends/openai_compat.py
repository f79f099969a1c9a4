"""The openai backend: the openai SDK against any OpenAI-compatible server.

OpenAI itself, vLLM, Ollama, llama.cpp's server, `transformers serve`: set OPENAI_BASE_URL (and
OPENAI_API_KEY where the server wants one) and TAILOR_OPENAI_MODEL. Tool calls and JSON-schema output are
native where the server supports them; where it refuses them, the request steps down to JSON mode (or the
schema in the prompt; openai_fallbacks.py) and the reply is validated here. Timeouts and retries are the
SDK's own, bounded.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator

from tailor.backends.base import Backend, ChatRequest, Completion, ToolCall, Usage
from tailor.backends.openai_fallbacks import ServerModes
from tailor.backends.structured import parse_tool_reply, tool_reply_schema
from tailor.chat_format import describe_tools, flatten_tool_turns
from tailor.config import number_setting, setting
from tailor.errors import AuthenticationError, BadResponseError, RateLimitedError, UnreachableError
from tailor.redact import redact

OPENAI_HOST = "https://api.openai.com/v1"
DEFAULT_OPENAI_MODEL = "gpt-4o-mini"
DEFAULT_TIMEOUT_S = 60.0
DEFAULT_RETRIES = 2  # the SDK retries connection errors, 408, 429 and 5xx with backoff


class OpenAIBackend(Backend):
    name = "openai"

    def __init__(self, model: str | None = None, base_url: str | None = None, api_key: str | None = None,
                 timeout: float | None = None, max_retries: int | None = None, http_client=None,
                 tools: str | None = None):
        from openai import OpenAI

        self.base_url = setting(base_url, "OPENAI_BASE_URL", OPENAI_HOST).rstrip("/")
        key = setting(api_key, "OPENAI_API_KEY")
        self._secrets = (key,) if key else ()  # removed verbatim from every message built from a reply
        if key is None and "api.openai.com" in self.base_url:
            raise AuthenticationError("OPENAI_API_KEY is not set; export it, or point OPENAI_BASE_URL at a "
                                      "local OpenAI-compatible server")
        self._model = setting(model, "TAILOR_OPENAI_MODEL", DEFAULT_OPENAI_MODEL)
        timeout = number_setting(timeout, "TAILOR_OPENAI_TIMEOUT", DEFAULT_TIMEOUT_S, float, minimum=0.1)
        retries = number_setting(max_retries, "TAILOR_OPENAI_RETRIES", DEFAULT_RETRIES, int, minimum=0)
        self.client = OpenAI(base_url=self.base_url, api_key=key or "not-needed", timeout=timeout,
                             max_retries=retries, http_client=http_client)
        # what this server accepts, lowered one step per refusal: native, or "prompted" tools (the tool list
        # in the prompt: for servers that accept `tools` but never call one)
        self.modes = ServerModes(setting(tools, "TAILOR_OPENAI_TOOLS", "native"))

    @property
    def model(self) -> str:
        return self._model

    @classmethod
    def describe(cls, model: str | None = None) -> list[tuple[str, str]]:
        return [("base url", redact(setting(None, "OPENAI_BASE_URL", OPENAI_HOST))),
                ("model", setting(model, "TAILOR_OPENAI_MODEL", DEFAULT_OPENAI_MODEL))]

    def close(self) -> None:
        self.client.close()

    def _generate(self, request: ChatRequest) -> Iterator[str | Completion]:
        if request.tools and request.tool_choice != "none" and self.modes.native_tools:
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
        pieces, usage, finish, replied = [], Usage(), "stop", False
        with _mapped_errors(self.base_url, self._secrets):
            for chunk in stream:
                if getattr(chunk, "usage", None):
                    usage = Usage(chunk.usage.prompt_tokens or 0, chunk.usage.completion_tokens or 0)
                for choice in getattr(chunk, "choices", None) or []:
                    replied = True
                    if choice.delta and choice.delta.content:
                        pieces.append(choice.delta.content)
                        yield choice.delta.content
                    finish = choice.finish_reason or finish
        if not replied:  # an HTML page or events without `choices`: never an empty answer with exit code 0
            raise BadResponseError(f"{self.base_url} streamed no chat-completion chunks; {NOT_OPENAI}")
        yield Completion(text="".join(pieces), usage=usage, model=self.model, finish_reason=finish)

    def _whole_text(self, request: ChatRequest) -> Completion:
        response = self._structured_call(request)
        if self.modes.format_ignored(request, response.choices[0].message.content):
            response = self._structured_call(request)  # once more, with the schema in the prompt
        choice = response.choices[0]
        return Completion(text=choice.message.content or "", usage=_usage(response), model=self.model,
                          finish_reason=choice.finish_reason or "stop")

    def _structured_call(self, request: ChatRequest, **extra):
        """Ask in the strongest structured mode the server accepts, stepping down once per refusal."""
        while True:
            messages, response_format = self.modes.structured(request)
            if response_format:
                extra["response_format"] = response_format
            else:
                extra.pop("response_format", None)
            try:
                return self._call(request, messages, **extra)
            except BadResponseError as error:
                if not self.modes.step_down_structured(error, response_format):
                    raise

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
        with _mapped_errors(self.base_url, self._secrets):
            response = self.client.chat.completions.create(
                model=self.model, messages=messages, max_tokens=request.max_tokens,
                temperature=request.temperature, **extra)
        return response if extra.get("stream") else _checked(response, redact(self.base_url, self._secrets))

    def _tool_call(self, request: ChatRequest) -> Completion:
        """Native tool calling; a server that refuses `tools` gets them in the prompt from then on."""
        try:
            return self._native_tool_call(request)
        except BadResponseError as error:
            if not self.modes.step_down_tools(error):
                raise
            return self._prompted_tool_call(request)


NOT_OPENAI = "is OPENAI_BASE_URL the /v1 address of an OpenAI-compatible server?"


def _checked(response, where: str):
    """The SDK hands back whatever the server sent (an HTML page as a str, JSON without `choices`): a reply
    without one choice holding a message is the server's fault, said in one line, never an empty answer."""
    choices = getattr(response, "choices", None)
    if not isinstance(choices, list) or not choices or getattr(choices[0], "message", None) is None:
        shown = str(response)[:80] if isinstance(response, str) else "JSON without choices[0].message"
        raise BadResponseError(f"{where} answered something that is not a chat completion ({shown!r}); "
                               f"{NOT_OPENAI}")
    return response


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
    """Turn the SDK's exceptions into tailor's own, keeping the cause and never a credential: the message
    names the server without `user:password@`, and a reply that echoes the key is redacted."""

    def __init__(self, base_url: str, secrets=()):
        self.base_url = base_url
        self.secrets = secrets

    def __enter__(self):
        return self

    def __exit__(self, kind, error, traceback):
        if error is None:
            return False
        import openai

        where = redact(self.base_url, self.secrets)
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
            mapped = BadResponseError(f"{where} answered HTTP {error.status_code}: {_short(error, self.secrets)}")
            mapped.status = error.status_code
            raise mapped from error
        if isinstance(error, openai.APIError):
            raise BadResponseError(f"{where} sent a reply that could not be read: {_short(error, self.secrets)}") \
                from error
        if isinstance(error, json.JSONDecodeError):  # a server-sent event whose data is not JSON
            raise BadResponseError(f"{where} streamed an event that is not JSON ({error.msg}); "
                                   f"{NOT_OPENAI}") from error
        return False


def _short(error, secrets=()) -> str:
    """The server's own words, first line, redacted before it is cut (a cut could split a key)."""
    text = redact(str(getattr(error, "message", error)), secrets)
    return (text.splitlines() or [""])[0][:200]
