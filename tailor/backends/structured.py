"""Structured output: schemas, the JSON shapes used for constrained decoding, and validation.

A schema is a pydantic model class (the result's `.parsed` is an instance) or a JSON-schema dict
(`.parsed` is the decoded JSON). Replies are always validated here, whatever the backend promised.
"""

from __future__ import annotations

import json
from typing import Any

from pydantic import BaseModel, ValidationError

from tailor.errors import SchemaError

SchemaLike = type[BaseModel] | dict


def json_schema_of(schema: SchemaLike) -> dict:
    if isinstance(schema, dict):
        return schema
    if isinstance(schema, type) and issubclass(schema, BaseModel):
        return schema.model_json_schema()
    raise SchemaError(f"a schema must be a pydantic model class or a JSON-schema dict, got {schema!r}")


def schema_name(schema: SchemaLike) -> str:
    if isinstance(schema, dict):
        return str(schema.get("title") or "reply").replace(" ", "_")[:64]
    return schema.__name__


def validate_reply(text: str, schema: SchemaLike, finish_reason: str = "stop", max_tokens: int = 0) -> Any:
    """Parse and validate a reply; a clear SchemaError says why it does not fit."""
    if finish_reason == "length":
        raise SchemaError(f"the model did not finish the JSON within max_tokens={max_tokens}: "
                          "raise max_tokens or simplify the schema")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise SchemaError(f"the reply is not JSON ({error.msg} at position {error.pos}): {text[:80]!r}") from error
    if isinstance(schema, dict):
        return _validate_json_schema(data, schema)
    try:
        return schema.model_validate(data)
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(map(str, first["loc"])) or "reply"
        raise SchemaError(f"the reply does not fit {schema.__name__}: {where}: {first['msg']}") from error


def _validate_json_schema(data: Any, schema: dict) -> Any:
    import jsonschema

    try:
        jsonschema.validate(data, schema)
    except jsonschema.ValidationError as error:
        raise SchemaError(f"the reply does not fit the schema: {error.message}") from error
    return data


# -- the JSON shapes a local model is constrained to when it may call tools ----------------------
def tool_reply_schema(tools, tool_choice: str, answer_chars: int | None = None) -> dict:
    """One JSON object: {"tool": NAME, "arguments": {...}} for a call, or {"answer": TEXT} for a reply.

    `answer_chars` bounds the answer: under a grammar an unbounded string is one the model may never close
    (the small model repeats itself inside it until max_tokens), so a bound makes every reply end."""
    chosen = [t for t in tools if tool_choice in ("auto", "required") or t.name == tool_choice]
    options = [{
        "type": "object",
        "properties": {"tool": {"const": tool.name}, "arguments": tool.parameters},
        "required": ["tool", "arguments"],
        "additionalProperties": False,
    } for tool in chosen]
    if tool_choice == "auto":
        answer = {"type": "string", **({"maxLength": answer_chars} if answer_chars else {})}
        options.append({"type": "object", "properties": {"answer": answer},
                        "required": ["answer"], "additionalProperties": False})
    return options[0] if len(options) == 1 else {"anyOf": options}


def parse_tool_reply(text: str) -> tuple[str, dict | None]:
    """Split a constrained tool reply into (answer text, call dict or None)."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise SchemaError(f"the model's tool reply is not complete JSON: {text[:80]!r}") from error
    if "tool" in data:
        return "", {"name": data["tool"], "arguments": data.get("arguments") or {}}
    return data.get("answer", ""), None

