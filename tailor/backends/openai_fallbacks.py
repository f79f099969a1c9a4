"""What an OpenAI-compatible server accepts, learned one refusal at a time: the openai backend's step-downs.

Servers differ in what they take: OpenAI and vLLM take JSON-schema output and native tools; llama.cpp's
server takes JSON mode with a schema (its extension) and accepts `tools` but, with a plain chat template,
never calls one; `transformers serve` accepts `response_format` and ignores it. So a request is made in the
strongest mode, and a refusal (or an ignored format) lowers the mode for the rest of the backend's life:

    structured output   json_schema -> json_object_schema -> json_object -> prompt (the schema as a note)
    tool calls          native -> prompted (the tool list as a note, the reply as constrained JSON)

The reply is validated by the backend whatever the mode, so a lower mode costs reliability, never correctness.
"""

from __future__ import annotations

import json

from tailor.backends.base import ChatRequest
from tailor.backends.structured import json_schema_of, schema_name
from tailor.chat_format import schema_note, with_system_note
from tailor.errors import BadResponseError, UsageError

# strongest first; "json_object_schema" is llama.cpp's server extension: JSON mode constrained by a schema
STRUCTURED_MODES = ("json_schema", "json_object_schema", "json_object", "prompt")
TOOL_MODES = ("native", "prompted")


class ServerModes:
    """The strongest structured mode and tool mode one server has not refused yet."""

    def __init__(self, tool_mode: str = "native"):
        if tool_mode not in TOOL_MODES:
            raise UsageError(f"TAILOR_OPENAI_TOOLS must be one of {', '.join(TOOL_MODES)}, not {tool_mode!r}")
        self.structured_mode = "json_schema"  # lowered one step at a time while the server refuses
        # "prompted": the tool list in the prompt and the reply as JSON, for servers that accept `tools` but
        # never call one (llama.cpp's server with a plain chat template); "native" falls back on a refusal
        self.native_tools = tool_mode == "native"

    def structured(self, request: ChatRequest):
        """Messages and response_format for the strongest structured mode the server accepts."""
        if request.schema is None:
            return request.messages, None
        schema = json_schema_of(request.schema)
        hinted = with_system_note(request.messages, schema_note(schema))
        if self.structured_mode == "prompt":
            return hinted, None
        messages = request.messages if self.structured_mode == "json_schema" else hinted
        return messages, response_format(self.structured_mode, schema_name(request.schema), schema)

    def step_down_structured(self, error: BadResponseError, response_format) -> bool:
        """After a failed call: True (and one mode lower) when the server refused the response_format."""
        if not (response_format and refused(error, "response_format")):
            return False
        self.structured_mode = STRUCTURED_MODES[STRUCTURED_MODES.index(self.structured_mode) + 1]
        return True

    def format_ignored(self, request: ChatRequest, reply: str | None) -> bool:
        """True (and the schema in the prompt from now on) when the server took response_format and ignored it
        (transformers serve does): the reply to a schema is not JSON."""
        if request.schema is None or looks_like_json(reply):
            return False
        self.structured_mode = "prompt"
        return True

    def step_down_tools(self, error: BadResponseError) -> bool:
        """After a failed native tool call: True (and tools in the prompt from now on) when `tools` was refused."""
        if not refused(error, "tools"):
            return False
        self.native_tools = False
        return True


def response_format(mode: str, name: str, schema: dict) -> dict:
    if mode == "json_schema":
        return {"type": "json_schema", "json_schema": {"name": name, "schema": schema, "strict": False}}
    if mode == "json_object_schema":
        return {"type": "json_object", "schema": schema}
    return {"type": "json_object"}


def refused(error: BadResponseError, field: str) -> bool:
    """Did the server refuse a request field it does not support (rather than fail on a supported one)?"""
    status = getattr(error, "status", None)
    if status in (400, 404, 422, 501):
        return True
    # llama-cpp-python's server answers a field value it does not accept with HTTP 500 "validation error"
    message = f"{error} {error.__cause__}"  # the server's whole answer is on the SDK's exception
    return status == 500 and "validation error" in message and field in message


def looks_like_json(text: str | None) -> bool:
    try:
        json.loads(text or "")
    except json.JSONDecodeError:
        return False
    return True
