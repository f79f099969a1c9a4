"""`tailor serve`: an OpenAI request body checked and translated into the backend's chat options.

Everything a client can get wrong is found here, before any generation starts, and becomes a `RequestError`
with the HTTP status OpenAI would answer: so a streamed request with a bad field gets a 4xx, not HTTP 200 and
a cut connection, and no input reaches the model thread as an exception it was not written for.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from tailor.backends.base import ChatRequest, check_max_tokens, check_messages, check_temperature, check_tool_choice
from tailor.backends.tools import normalize_tools
from tailor.errors import TailorError

DEFAULT_MAX_TOKENS = 256  # when the client sets none (OpenAI's own default is "the rest of the context")
MAX_STRING_CHARS = 500  # the longest string a constrained reply may write, so every JSON reply ends
MAX_ARRAY_ITEMS = 16
SKELETON_TOKENS = 48  # what a tool reply's braces, keys and tool name take, roughly


class RequestError(Exception):
    """A request the server refuses: the HTTP status, the message, OpenAI's error type and code."""

    def __init__(self, status: int, message: str, code: str | None = None):
        super().__init__(message)
        self.status, self.code = status, code
        self.kind = "invalid_request_error" if status < 500 else "server_error"


@dataclass
class ServeRequest:
    """One checked request: the chat options, and how the reply is sent back."""

    messages: list[dict]
    max_tokens: int | None  # None: the server picks, within the context
    temperature: float = 0.0
    tools: list = field(default_factory=list)
    tool_choice: str = "auto"
    schema: dict | None = None
    stream: bool = False
    include_usage: bool = False

    def options(self, max_tokens: int) -> dict:
        """Keyword arguments for `backend.chat`, with bounded strings so a constrained reply always ends."""
        options = {"max_tokens": max_tokens, "temperature": self.temperature}
        if self.tools:
            options["tools"] = [bounded_tool(tool, max_tokens) for tool in self.tools]
            options["tool_choice"] = self.tool_choice
        if self.schema is not None:
            options["schema"] = bounded(self.schema, string_budget(self.schema, max_tokens))
        return options

    def chat_request(self, max_tokens: int) -> ChatRequest:
        """The request as the backend will see it: what the prompt's tokens are counted on."""
        options = self.options(max_tokens)
        tools = normalize_tools(options.get("tools"))
        return ChatRequest(messages=self.messages, max_tokens=max_tokens, temperature=self.temperature,
                           tools=tools, tool_choice=check_tool_choice(self.tool_choice, tools),
                           schema=options.get("schema"))


def parse_request(body, served_model: str) -> ServeRequest:
    """Check an OpenAI chat-completions body; raise RequestError (4xx) for anything the server cannot serve."""
    if not isinstance(body, dict):
        raise RequestError(400, f"the request body must be a JSON object, got {type(body).__name__}")
    model = body.get("model")
    if model is not None and model != served_model:
        raise RequestError(404, f"this server serves the model {served_model!r} only, not {model!r}; "
                                f"ask for {served_model!r} (GET /v1/models lists it)", code="model_not_found")
    if body.get("n") not in (None, 1):
        raise RequestError(400, "n must be 1: this server writes one reply per request")
    stream = body.get("stream") or False
    if not isinstance(stream, bool):
        raise RequestError(400, f"stream must be true or false, got {stream!r}")
    try:
        return _checked(body, stream)
    except TailorError as error:
        raise RequestError(400, str(error)) from error


def _checked(body: dict, stream: bool) -> ServeRequest:
    raw = body.get("messages")
    if not isinstance(raw, list):
        raise RequestError(400, "the request needs a 'messages' list")
    messages = check_messages([plain_message(i, message) for i, message in enumerate(raw)])
    max_tokens = body.get("max_completion_tokens", body.get("max_tokens"))
    temperature = body.get("temperature")
    tools, choice = tools_and_choice(body.get("tools"), body.get("tool_choice"))
    normalize_tools(tools)  # each needs a name, and a unique one
    options = body.get("stream_options") or {}
    if not isinstance(options, dict):
        raise RequestError(400, "stream_options must be an object")
    return ServeRequest(
        messages=messages, max_tokens=None if max_tokens is None else check_max_tokens(max_tokens),
        temperature=0.0 if temperature is None else check_temperature(temperature),
        tools=tools, tool_choice=choice, schema=response_schema(body.get("response_format")),
        stream=stream, include_usage=bool(options.get("include_usage")))


# -- messages -----------------------------------------------------------------------------------
def plain_message(index: int, message) -> dict:
    """One OpenAI message with string content: text parts joined, 'developer' read as 'system'."""
    if not isinstance(message, dict):
        raise RequestError(400, f"message {index} must be an object with a role and content")
    message = dict(message)
    if message.get("role") == "developer":  # OpenAI's newer name for the system turn
        message["role"] = "system"
    message["content"] = text_of(index, message.get("content"))
    if message.get("tool_calls") is not None:
        message["tool_calls"] = [_tool_call(index, call) for call in _list(index, message["tool_calls"])]
    return message


def text_of(index: int, content) -> str | None:
    """A message's content as text: a string, or OpenAI's content parts [{"type": "text", "text": ...}]."""
    if content is None or isinstance(content, str):
        return content
    if not isinstance(content, list):
        raise RequestError(400, f"message {index}: content must be a string or a list of content parts")
    texts = []
    for part in content:
        kind = part.get("type") if isinstance(part, dict) else None
        if kind != "text" or not isinstance(part.get("text"), str):
            raise RequestError(400, f"message {index}: this model reads text only; got a {kind or 'malformed'} "
                                    "content part (send {\"type\": \"text\", \"text\": ...})")
        texts.append(part["text"])
    return "\n".join(texts)


def _tool_call(index: int, call) -> dict:
    function = call.get("function") if isinstance(call, dict) else None
    if not isinstance(function, dict) or not isinstance(function.get("name"), str) \
            or not isinstance(function.get("arguments", "{}"), (str, dict)):
        raise RequestError(400, f"message {index}: each tool call needs a function with a name and arguments")
    return call


def _list(index: int, value) -> list:
    if not isinstance(value, list):
        raise RequestError(400, f"message {index}: tool_calls must be a list")
    return value


# -- tools and tool_choice ----------------------------------------------------------------------
def tools_and_choice(tools, choice) -> tuple[list, str]:
    """The tools the model may call and the backend's tool_choice, from every form the API allows:
    "none", "auto", "required", {"type": "function", "function": {"name"}}, and
    {"type": "allowed_tools", "allowed_tools": {"mode", "tools"}}."""
    tools = tools or []
    if not isinstance(tools, list) or not all(isinstance(t, dict) for t in tools):
        raise RequestError(400, "tools must be a list of {\"type\": \"function\", \"function\": {...}} objects")
    for tool in tools:
        if tool.get("type", "function") != "function" or not isinstance(tool.get("function", tool), dict):
            raise RequestError(400, f"only function tools are served, got a {tool.get('type')!r} tool")
    names = [t.get("function", t).get("name") for t in tools]
    if choice is None:
        return tools, "auto"
    if isinstance(choice, str):
        if choice not in ("none", "auto", "required"):
            raise RequestError(400, f"tool_choice must be none, auto, required or an object, got {choice!r}")
        if choice == "required" and not tools:
            raise RequestError(400, "tool_choice 'required' needs tools")
        return tools, choice
    if not isinstance(choice, dict):
        raise RequestError(400, "tool_choice must be a string or an object")
    if choice.get("type") == "allowed_tools":
        return _allowed_tools(tools, names, choice.get("allowed_tools"))
    name = (choice.get("function") or {}).get("name") if isinstance(choice.get("function"), dict) else None
    if choice.get("type") != "function" or not isinstance(name, str):
        raise RequestError(400, "tool_choice as an object needs "
                                "{\"type\": \"function\", \"function\": {\"name\": ...}}")
    if name not in names:
        raise RequestError(400, f"tool_choice names {name!r}, which is not among the tools {names}")
    return tools, name


def _allowed_tools(tools: list, names: list, allowed) -> tuple[list, str]:
    if not isinstance(allowed, dict) or allowed.get("mode") not in ("auto", "required") \
            or not isinstance(allowed.get("tools"), list):
        raise RequestError(400, "allowed_tools needs a mode (auto or required) and a list of tools")
    wanted = [(t.get("function") or {}).get("name") if isinstance(t, dict) else None for t in allowed["tools"]]
    unknown = [name for name in wanted if name not in names]
    if unknown or not wanted:
        raise RequestError(400, f"allowed_tools names {unknown or 'no tools'}, not among the tools {names}")
    return [t for t, name in zip(tools, names, strict=True) if name in wanted], allowed["mode"]


# -- response_format ----------------------------------------------------------------------------
def response_schema(response_format) -> dict | None:
    """The JSON schema a reply is held to: json_schema's schema, {"type": "object"} for json_object."""
    if response_format is None:
        return None
    kind = response_format.get("type") if isinstance(response_format, dict) else None
    if kind in (None, "text") and isinstance(response_format, dict):
        return None
    if kind == "json_object":
        return {"type": "object"}
    spec = response_format.get("json_schema") if kind == "json_schema" else None
    schema = spec.get("schema") if isinstance(spec, dict) else None
    if kind != "json_schema":
        raise RequestError(400, "response_format.type must be text, json_object or json_schema")
    if not isinstance(schema, dict):
        raise RequestError(400, "response_format json_schema needs {\"json_schema\": {\"name\": ..., \"schema\": "
                                "{...}}} with the schema as an object")
    _check_schema(schema)
    return schema


def _check_schema(schema: dict) -> None:
    import jsonschema

    try:
        jsonschema.validators.validator_for(schema).check_schema(schema)
    except jsonschema.SchemaError as error:
        raise RequestError(400, f"response_format's schema is not a valid JSON schema: {error.message}") from error


# -- bounds: a constrained reply always ends ----------------------------------------------------
_DATA_KEYS = {"enum", "const", "default", "examples", "required"}  # values, not schemas: never rewritten


def bounded(schema, max_chars: int):
    """A copy of a JSON schema whose free strings have a maxLength and arrays a maxItems.

    Under grammar-constrained decoding an unbounded string is a string the model may never close: the small
    model repeats itself inside it until max_tokens, and the reply is not JSON. With every string bounded
    the whole reply fits the token budget (a token writes at least one character)."""
    if isinstance(schema, list):
        return [bounded(item, max_chars) for item in schema]
    if not isinstance(schema, dict):
        return schema
    out = {key: value if key in _DATA_KEYS else bounded(value, max_chars) for key, value in schema.items()}
    kinds = out.get("type") if isinstance(out.get("type"), list) else [out.get("type")]
    free = not {"enum", "const", "pattern", "format"} & out.keys()
    if "string" in kinds and free and "maxLength" not in out:
        out["maxLength"] = max_chars
    if "array" in kinds and "maxItems" not in out:
        out["maxItems"] = MAX_ARRAY_ITEMS
    return out


def string_budget(schema: dict, max_tokens: int) -> int:
    """Characters each string may take so that all of them together stay within max_tokens."""
    strings = max(1, str(schema).count("'string'"))
    return max(8, min(MAX_STRING_CHARS, (max_tokens - SKELETON_TOKENS) // strings))


def bounded_tool(tool: dict, max_tokens: int) -> dict:
    spec = dict(tool.get("function", tool))
    parameters = spec.get("parameters") or {"type": "object", "properties": {}}
    spec["parameters"] = bounded(parameters, string_budget(parameters, max_tokens))
    return {"type": "function", "function": spec}
