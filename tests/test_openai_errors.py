"""The openai backend maps the SDK's failures to tailor's errors, within the timeout, without the key."""

from __future__ import annotations

import json
import time

import pytest

from tailor.backends.openai_compat import OpenAIBackend
from tailor.errors import (
    AuthenticationError,
    BadResponseError,
    RateLimitedError,
    SchemaError,
    UnreachableError,
)

try:  # the openai SDK's own HTTP client package; plain httpx has the same MockTransport
    import httpx2 as httpx
except ImportError:  # pragma: no cover
    import httpx

from conftest import free_port

SECRET = "sk-test-never-print-me"


def backend_answering(status: int, body: dict, calls: list | None = None) -> OpenAIBackend:
    def handler(request):
        if calls is not None:
            calls.append(json.loads(request.content))
        return httpx.Response(status, json=body)

    client = httpx.Client(transport=httpx.MockTransport(handler))
    return OpenAIBackend(model="m", base_url="http://mock.invalid/v1", api_key=SECRET, max_retries=0,
                         http_client=client)


def completion_body(content: str) -> dict:
    return {"id": "x", "object": "chat.completion", "created": 0, "model": "m",
            "choices": [{"index": 0, "finish_reason": "stop",
                         "message": {"role": "assistant", "content": content}}],
            "usage": {"prompt_tokens": 5, "completion_tokens": 2, "total_tokens": 7}}


@pytest.mark.parametrize("status, error", [(401, AuthenticationError), (403, AuthenticationError),
                                           (429, RateLimitedError), (500, BadResponseError)])
def test_status_codes_map_to_tailor_errors(status, error):
    backend = backend_answering(status, {"error": {"message": f"status {status}"}})
    with pytest.raises(error) as caught:
        backend.chat("hello", max_tokens=5)
    assert SECRET not in str(caught.value)
    assert caught.value.__cause__ is not None  # the SDK's exception stays attached


def test_dead_port_is_unreachable_within_the_timeout():
    backend = OpenAIBackend(model="m", base_url=f"http://127.0.0.1:{free_port()}/v1", api_key=SECRET,
                            timeout=2, max_retries=0)
    started = time.perf_counter()
    with pytest.raises(UnreachableError, match="cannot reach"):
        backend.chat("hello", max_tokens=5)
    assert time.perf_counter() - started < 5


def test_missing_key_for_openai_host_is_a_clear_error(monkeypatch):
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    with pytest.raises(AuthenticationError, match="OPENAI_API_KEY"):
        OpenAIBackend(base_url="https://api.openai.com/v1")


def test_structured_reply_is_validated_whatever_the_server_promised():
    calls: list = []
    backend = backend_answering(200, completion_body("I am not JSON"), calls)
    from pydantic import BaseModel

    class Answer(BaseModel):
        value: int

    with pytest.raises(SchemaError, match="not JSON"):
        backend.chat("x", schema=Answer, max_tokens=5)
    assert calls[0]["response_format"]["type"] == "json_schema"
