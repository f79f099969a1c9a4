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


def backend_refusing(refuse, calls: list, **options) -> OpenAIBackend:
    """A server that answers `refuse(body)` = (status, json) or None for a normal JSON reply."""
    def handler(request):
        body = json.loads(request.content)
        calls.append(body)
        refusal = refuse(body)
        if refusal:
            return httpx.Response(refusal[0], json=refusal[1])
        return httpx.Response(200, json=completion_body('{"value": 3}'))

    client = httpx.Client(transport=httpx.MockTransport(handler))
    return OpenAIBackend(model="m", base_url="http://mock.invalid/v1", api_key=SECRET, max_retries=0,
                         http_client=client, **options)


def _answer_model():
    from pydantic import BaseModel

    class Answer(BaseModel):
        value: int

    return Answer


def test_structured_output_steps_down_through_llama_cpp_style_refusals():
    """llama.cpp's server refuses json_schema with HTTP 500 "validation error"; its JSON mode takes a schema."""
    def refuse(body):
        if body["response_format"]["type"] == "json_schema":
            return 500, {"error": {"message": "1 validation error: ('body', 'response_format', 'type') "
                                              "Input should be 'text' or 'json_object'"}}
        return None

    calls: list = []
    backend = backend_refusing(refuse, calls)
    assert backend.chat("x", schema=_answer_model(), max_tokens=5).parsed.value == 3
    assert calls[0]["response_format"]["type"] == "json_schema"
    assert calls[1]["response_format"]["type"] == "json_object" and "schema" in calls[1]["response_format"]
    backend.chat("y", schema=_answer_model(), max_tokens=5)  # remembered: no second refusal
    assert len(calls) == 3 and calls[2]["response_format"]["type"] == "json_object"


def test_a_500_that_is_not_a_refusal_is_raised_not_stepped_down():
    calls: list = []
    backend = backend_refusing(lambda body: (500, {"error": {"message": "out of memory"}}), calls)
    with pytest.raises(BadResponseError, match="500"):
        backend.chat("x", schema=_answer_model(), max_tokens=5)
    assert len(calls) == 1


def test_prompted_tools_setting_sends_no_tools_and_steps_down_like_structured_output():
    from tailor.backends.tools import Tool

    def get_weather(city: str) -> str:
        """Weather for a city."""
        return city

    calls: list = []

    def handler(request):
        body = json.loads(request.content)
        calls.append(body)
        if body["response_format"]["type"] == "json_schema":  # refused as llama.cpp's server does
            return httpx.Response(500, json={"error": {"message": "1 validation error: response_format"}})
        return httpx.Response(200, json=completion_body('{"tool": "get_weather", "arguments": {"city": "Oslo"}}'))

    client = httpx.Client(transport=httpx.MockTransport(handler))
    backend = OpenAIBackend(model="m", base_url="http://mock.invalid/v1", api_key=SECRET, max_retries=0,
                            http_client=client, tools="prompted")
    for _ in range(2):
        result = backend.chat("weather?", tools=[Tool.from_function(get_weather)], max_tokens=30)
        assert [(c.name, c.arguments) for c in result.tool_calls] == [("get_weather", {"city": "Oslo"})]
    assert [c["response_format"]["type"] for c in calls] == ["json_schema", "json_object", "json_object"]
    sent = calls[1]
    assert "tools" not in sent and "schema" in sent["response_format"]
    systems = [m["content"] for m in sent["messages"] if m["role"] == "system"]
    assert len(systems) == 1 and "get_weather" in systems[0] and "JSON schema" in systems[0]


def test_an_unknown_tools_setting_is_a_clear_error():
    from tailor.errors import UsageError

    with pytest.raises(UsageError, match="native, prompted"):
        OpenAIBackend(model="m", base_url="http://mock.invalid/v1", api_key=SECRET, tools="sometimes")
