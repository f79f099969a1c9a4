"""The chat format: how an OpenAI-style conversation becomes the turns and token ids a model is shown.

One module for both backends and for training, so an adapter trains on exactly the prompt it is later given
(light at import: training data code and `tailor --help` import it):

- `render_messages(request)`: plain role/content turns a chat template can render. An earlier tool call
  becomes the JSON the local model is constrained to write; tool results keep the "tool" role; the tool
  list or the schema goes into the one system message as a note.
- `prompt_ids(tokenizer, turns)`: the template's token ids with the assistant header appended.
- the notes: `describe_tools(tools)` (the tool list) and `schema_note(schema)`, added by `with_system_note`.
- `flatten_tool_turns(messages)`: the tool history as plain text turns, for servers that reject tool fields.
"""

from __future__ import annotations

import json

from tailor.errors import UsageError

SCHEMA_NOTE = "Reply with one JSON object only, following this JSON schema: "
# A JSON-schema key (top level) that keeps the schema out of the prompt where the grammar enforces it anyway:
# a small model copies schema text (class names, bounds) into its values. A server that cannot enforce a
# schema still gets the note (openai_fallbacks.py writes it itself).
HIDE_FROM_PROMPT = "x-hide-from-prompt"
TOOL_RESULT = "Tool result: "  # how a flattened tool result starts


def render_messages(request) -> list[dict]:
    """A ChatRequest's messages -> plain role/content turns the chat template can render."""
    turns = []
    for message in request.messages:
        content = message.get("content") or ""
        if message.get("tool_calls"):
            content = tool_call_json(message["tool_calls"][0]["function"])
        turns.append({"role": message["role"], "content": content})
    note = ""
    if request.tools and request.tool_choice != "none":
        note = describe_tools(request.tools)
    elif request.schema is not None and not schema_hidden(request.schema):
        note = schema_note(request.schema)
    return with_system_note(turns, note) if note else turns


def prompt_ids(tokenizer, turns: list[dict]) -> list[int]:
    """The inference prompt: the chat template of these turns with the assistant header appended."""
    return tokenizer.apply_chat_template(turns, add_generation_prompt=True, tokenize=True, return_dict=False)


def with_system_note(messages: list[dict], note: str) -> list[dict]:
    """Add a note to the leading system message, or start with one: some chat templates allow only one."""
    if messages and messages[0].get("role") == "system":
        return [{**messages[0], "content": f"{messages[0].get('content') or ''}\n\n{note}"}, *messages[1:]]
    return [{"role": "system", "content": note}, *messages]


def schema_note(schema) -> str:
    """The note that asks for one JSON object following the schema (the grammar or the server enforces it)."""
    from tailor.backends.structured import json_schema_of  # pydantic: only when a schema is asked for

    return SCHEMA_NOTE + json.dumps(json_schema_of(schema))


def schema_hidden(schema) -> bool:
    """True when the schema asks to stay out of the prompt (HIDE_FROM_PROMPT)."""
    from tailor.backends.structured import json_schema_of

    return bool(json_schema_of(schema).get(HIDE_FROM_PROMPT))


def tool_call_json(call: dict) -> str:
    """An OpenAI-style tool call ({"name", "arguments"}) as the JSON a local model writes for it.

    Python's json.dumps spacing: the format the local backend's grammar allows and a tool-calling adapter
    learns, so never change it without retraining.
    """
    return json.dumps({"tool": call["name"], "arguments": call_arguments(call)})


def call_arguments(call: dict):
    """A tool call's arguments, given as JSON text (OpenAI's form) or already decoded."""
    arguments = call["arguments"]
    if not isinstance(arguments, str):
        return arguments
    try:
        return json.loads(arguments)
    except json.JSONDecodeError as error:
        raise UsageError(f"a tool call to {call['name']} in the conversation has arguments that are not JSON: "
                         f"{arguments[:80]!r}") from error


def flatten_tool_turns(messages: list[dict]) -> list[dict]:
    """Tool-call history as plain text turns, for servers that reject the tool message fields."""
    turns = []
    for message in messages:
        if message.get("tool_calls"):
            turns.append({"role": "assistant", "content": tool_call_json(message["tool_calls"][0]["function"])})
        elif message["role"] == "tool":
            turns.append({"role": "user", "content": TOOL_RESULT + (message.get("content") or "")})
        else:
            turns.append({"role": message["role"], "content": message.get("content") or ""})
    return turns


def describe_tools(tools) -> str:
    """The system-prompt text that tells a local model which tools exist and how to call them.

    Compact signatures, not JSON schemas: the small model reads this on every step (and a tool-calling
    adapter trains on it), and the grammar enforces the exact schema anyway.
    """
    lines = ["You can call these tools. To call one, reply with JSON "
             '{"tool": NAME, "arguments": {...}}; to answer the user directly, reply {"answer": TEXT}.']
    for tool in tools:
        lines.append(f"- {tool.name}({signature(tool.parameters)}): {tool.description}")
    return "\n".join(lines)


def signature(parameters: dict) -> str:
    """`name: type` per argument, enums as a|b|c, optional ones marked with '?'."""
    required = set(parameters.get("required", []))
    parts = []
    for name, spec in parameters.get("properties", {}).items():
        kind = "|".join(str(v) for v in spec["enum"]) if "enum" in spec else _type_name(spec)
        parts.append(f"{name}{'' if name in required else '?'}: {kind}")
    return ", ".join(parts)


def _type_name(spec: dict) -> str:
    if "type" in spec:
        return spec["type"] if isinstance(spec["type"], str) else "|".join(spec["type"])
    options = spec.get("anyOf") or spec.get("oneOf") or []
    names = [_type_name(o) for o in options if o.get("type") != "null"]
    return "|".join(names) or "any"
