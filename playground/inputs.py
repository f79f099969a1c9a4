"""Checking what the page sends before anything runs: a bad body is a 4xx JSON error at once, in the error
form `tailor serve` answers with ({"error": {"message", "type", "code"}}, tailor/serve_stream.py), and the
page shows its message. Each tab then applies its demo's own checks (the same as on the command line).
"""

from __future__ import annotations

import json
import math

from tailor.serve_request import RequestError

MAX_BODY_BYTES = 16 * 1024  # the longest input (a breast-cancer row of 30 numbers) is under 2 KB


async def read_json(request) -> dict:
    """The request's JSON object; 413 past MAX_BODY_BYTES, 400 for anything that is not a JSON object."""
    from tailor.serve_limits import read_body

    try:
        body = await read_body(request, MAX_BODY_BYTES)
    except RequestError as error:  # tailor serve's words speak of a model's context; these of the page
        raise RequestError(413, f"the request is over {MAX_BODY_BYTES:,} bytes; the playground takes a question, "
                                "a fridge, a row or an idea of a few KB", code="request_too_large") from error
    try:
        value = json.loads(body)
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise RequestError(400, f"the request body is not JSON: {error}") from None
    if not isinstance(value, dict):
        raise RequestError(400, f"the request body must be a JSON object, got {kind(value)}")
    return value


def kind(value) -> str:
    """A JSON value's type in JSON's words."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true/false"
    return {str: "text", int: "a number", float: "a number", list: "a list", dict: "an object"}.get(
        type(value), type(value).__name__)


def text(body: dict, name: str, limit: int, what: str | None = None) -> str:
    """A required, non-empty text field of at most `limit` characters."""
    what = what or name
    value = body.get(name)
    if value is None:
        raise RequestError(400, f"the {what} is missing; send it as \"{name}\"")
    if not isinstance(value, str):
        raise RequestError(400, f"\"{name}\" must be text, got {kind(value)}")
    if not value.strip():
        raise RequestError(400, f"the {what} is empty; type something")
    if len(value) > limit:
        raise RequestError(400, f"the {what} has {len(value):,} characters; the limit is {limit:,}")
    return value.strip()


def number(value, name: str) -> float:
    """A finite JSON number (not true/false, not text)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise RequestError(400, f"\"{name}\" must be a number, got {kind(value)}")
    return float(value)


def optional_int(body: dict, name: str) -> int | None:
    value = body.get(name)
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise RequestError(400, f"\"{name}\" must be a whole number, got {kind(value)}")
    return value


def choice(body: dict, name: str, choices, default: str) -> str:
    value = body.get(name, default)
    if value is None:
        return default
    if not isinstance(value, str) or value not in choices:
        raise RequestError(400, f"\"{name}\" must be one of {', '.join(choices)}, got {value!r}")
    return value


def flag(body: dict, name: str) -> bool:
    value = body.get(name)
    if not isinstance(value, bool):
        raise RequestError(400, f"\"{name}\" must be true or false, got {kind(value)}")
    return value


def checked(function, *args):
    """A demo's own input check; its UsageError becomes a 400 with the same message."""
    from tailor.errors import TailorError

    try:
        return function(*args)
    except TailorError as error:
        raise RequestError(400, str(error)) from None
