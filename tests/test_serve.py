"""`tailor serve` on the fake backend: every bad request is a 4xx before generation, tools and schemas in every
form the OpenAI API allows, streamed errors as error events, the API key, the limits from the context (#23.4,
#23.7). The hostile inputs are the audit's own."""

from __future__ import annotations

import asyncio
import json
import threading

import pytest

pytest.importorskip("fastapi")

from tailor.backends.fake import FakeBackend  # noqa: E402
from tailor.cli import main  # noqa: E402
from tailor.errors import BackendError  # noqa: E402
from tailor.serve import create_app, exposure_warning  # noqa: E402
from tailor.serve_limits import Limits, rough_count  # noqa: E402
from tailor.serve_request import bounded  # noqa: E402

try:  # the openai SDK's own HTTP client package; plain httpx has the same ASGITransport
    import httpx2 as httpx
except ImportError:  # pragma: no cover
    import httpx

HI = [{"role": "user", "content": "hi"}]
WEATHER = {"type": "function", "function": {
    "name": "get_weather", "description": "The weather in a city.",
    "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}}}


def post(app, *bodies, path="/v1/chat/completions", headers=None, raw=False):
    """POST each body to the app (ASGI, no socket), concurrently; the responses in order."""
    async def run():
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://tailor.test") as client:
            send = [client.post(path, content=body, headers=headers) if raw else
                    client.post(path, json=body, headers=headers) for body in bodies]
            return await asyncio.gather(*send)

    responses = asyncio.run(run())
    return responses[0] if len(responses) == 1 else responses


def sse(response) -> list[dict]:
    return [json.loads(line[6:]) for line in response.text.splitlines() if line.startswith("data: {")]


def body(**fields) -> dict:
    return {"model": "fake-model", "messages": HI, "max_tokens": 20, **fields}


class RecordingBackend(FakeBackend):
    """Notes the thread each generation runs on and whether two ever overlap."""

    def __init__(self, replies):
        super().__init__(replies=replies)
        self.threads: set[int] = set()
        self.running = 0
        self.overlapped = False

    def _generate(self, request):
        self.threads.add(threading.get_ident())
        self.running += 1
        self.overlapped |= self.running > 1
        try:
            yield from super()._generate(request)
        finally:
            self.running -= 1


def test_every_generation_runs_on_one_model_thread_one_at_a_time_never_the_event_loops():
    backend = RecordingBackend(["one two three four", "five six seven eight"])
    streamed, plain = post(create_app(backend), body(stream=True), body())
    assert streamed.status_code == plain.status_code == 200
    text = "".join(c["choices"][0]["delta"].get("content") or "" for c in sse(streamed) if c["choices"])
    assert {text, plain.json()["choices"][0]["message"]["content"]} == {"one two three four", "five six seven eight"}
    assert len(backend.threads) == 1 and threading.get_ident() not in backend.threads  # the loop stays free
    assert not backend.overlapped


def test_a_streamed_reply_reports_the_same_usage_as_a_plain_one():
    backend = FakeBackend(replies=["one two three four", "one two three four"])
    app = create_app(backend)
    streamed = post(app, body(stream=True, stream_options={"include_usage": True}))
    plain = post(app, body())
    assert [c["usage"] for c in sse(streamed) if "usage" in c] == [plain.json()["usage"]]
    assert plain.json()["usage"]["completion_tokens"] == 4


HOSTILE = [
    (b"[1, 2]", "must be a JSON object"),
    (b"null", "must be a JSON object"),
    (b'"hello"', "must be a JSON object"),
    (body(response_format={"type": "json_schema", "json_schema": {"name": "x"}}), "schema"),
    (body(response_format={"type": "json_schema", "json_schema": {"schema": {"type": 5}}}), "not a valid JSON schema"),
    (body(response_format={"type": "yaml"}), "response_format.type"),
    (body(tools=[WEATHER], tool_choice={"type": "function"}), "tool_choice"),
    (body(tools=[WEATHER], tool_choice={"type": "function", "function": {"name": "nope"}}), "not among the tools"),
    (body(tools=[WEATHER], tool_choice="sometimes"), "tool_choice"),
    (body(tool_choice="required"), "needs tools"),
    (body(tools=[{"type": "function", "function": {"description": "no name"}}]), "name"),
    (body(max_tokens=0), "max_tokens"),
    (body(max_tokens=-5), "max_tokens"),
    (body(max_tokens="many"), "max_tokens"),
    (body(temperature=9), "temperature"),
    (body(n=3), "n must be 1"),
    (body(stream="yes"), "stream must be"),
    (body(messages="hi"), "'messages' list"),
    (body(messages=[]), "messages"),
    (body(messages=[None]), "message 0"),
    (body(messages=[{"role": "wizard", "content": "hi"}]), "role"),
    (body(messages=[{"role": "user", "content": [{"type": "image_url", "image_url": {"url": "x"}}]}]), "text only"),
    (body(messages=[{"role": "user", "content": {"text": "hi"}}]), "content"),
    (body(messages=[*HI, {"role": "assistant", "tool_calls": [{"id": "1"}]}]), "tool call"),
]


@pytest.mark.parametrize("stream", [False, True])
@pytest.mark.parametrize("hostile, says", HOSTILE)
def test_a_bad_request_is_a_4xx_before_any_generation_streamed_or_not(hostile, says, stream):
    backend = FakeBackend(replies=["never generated"])
    if isinstance(hostile, dict):
        hostile = {**hostile, "stream": hostile.get("stream", stream)}
    response = post(create_app(backend), hostile, raw=isinstance(hostile, bytes))
    assert response.status_code == 400, response.text
    assert says in response.json()["error"]["message"]
    assert backend.requests == []  # nothing reached the model


def test_a_body_that_is_not_json_is_a_400():
    response = post(create_app(FakeBackend()), b"{not json", raw=True)
    assert response.status_code == 400 and "not JSON" in response.json()["error"]["message"]


def test_an_unknown_model_is_refused_and_the_served_one_named():
    backend = FakeBackend(replies=["fine"])
    app = create_app(backend)
    wrong = post(app, body(model="gpt-4o"))
    assert wrong.status_code == 404 and wrong.json()["error"]["code"] == "model_not_found"
    assert "'fake-model'" in wrong.json()["error"]["message"]
    assert post(app, {"messages": HI}).status_code == 200  # no model named: the one served
    assert backend.requests[-1].max_tokens == 256  # and no max_tokens: the default, within the context


def test_openai_content_parts_are_read_as_text():
    backend = FakeBackend(replies=["fine"])
    parts = [{"type": "text", "text": "What is"}, {"type": "text", "text": "a roux?"}]
    response = post(create_app(backend), body(messages=[{"role": "developer", "content": [parts[0]]},
                                                        {"role": "user", "content": parts}]))
    assert response.status_code == 200
    assert backend.requests[0].messages == [{"role": "system", "content": "What is"},
                                            {"role": "user", "content": "What is\na roux?"}]


def test_a_prompt_over_the_context_is_refused_at_once_and_a_huge_body_before_it_is_read():
    backend = FakeBackend(replies=["never"])
    app = create_app(backend, limits=Limits(context_tokens=100, count_tokens=rough_count))
    long = post(app, body(messages=[{"role": "user", "content": "word " * 400}], max_tokens=10))
    assert long.status_code == 400 and long.json()["error"]["code"] == "context_length_exceeded"
    budget = post(app, body(max_tokens=200))  # a short prompt, but the reply could not fit
    assert budget.status_code == 400 and "max_tokens 200" in budget.json()["error"]["message"]
    huge = post(app, body(messages=[{"role": "user", "content": "x" * 10_000}]))  # 100 tokens x 32 bytes
    assert huge.status_code == 413
    assert backend.requests == []


def test_a_failure_mid_stream_reaches_the_openai_sdk_as_an_error():
    import openai

    backend = FakeBackend()
    backend.queue(error=BackendError("the model fell over"))

    async def run():
        transport = httpx.ASGITransport(app=create_app(backend))
        client = openai.AsyncOpenAI(base_url="http://tailor.test/v1", api_key="x", max_retries=0,
                                    http_client=httpx.AsyncClient(transport=transport))
        stream = await client.chat.completions.create(model="fake-model", messages=HI, stream=True)
        return [chunk async for chunk in stream]

    with pytest.raises(openai.APIError, match="the model fell over"):
        asyncio.run(run())


def test_a_streamed_reply_that_breaks_its_schema_ends_with_an_error_event():
    backend = FakeBackend(replies=["not json at all"])
    response = post(create_app(backend), body(stream=True, response_format={"type": "json_object"}))
    events = sse(response)
    assert "error" in events[-1] and "not JSON" in events[-1]["error"]["message"]


async def _sdk(app, **request):
    import openai

    client = openai.AsyncOpenAI(base_url="http://tailor.test/v1", api_key="x", max_retries=0,
                                http_client=httpx.AsyncClient(transport=httpx.ASGITransport(app=app)))
    if not request.get("stream"):
        return (await client.chat.completions.create(model="fake-model", messages=HI, **request)).choices[0]
    calls, finish = {}, None
    async for chunk in await client.chat.completions.create(model="fake-model", messages=HI, **request):
        for choice in chunk.choices:
            finish = choice.finish_reason or finish
            for call in choice.delta.tool_calls or []:
                entry = calls.setdefault(call.index, {"id": call.id, "name": call.function.name, "arguments": ""})
                entry["arguments"] += call.function.arguments or ""
    return calls, finish


@pytest.mark.parametrize("stream", [False, True])
def test_tool_calls_reach_the_openai_sdk_streamed_as_delta_tool_calls_and_not(stream):
    backend = FakeBackend()
    backend.queue(tool_calls=[("get_weather", {"city": "Paris"})])
    reply = asyncio.run(_sdk(create_app(backend), tools=[WEATHER], stream=stream))
    if stream:
        calls, finish = reply
        assert finish == "tool_calls"
        assert [(c["name"], json.loads(c["arguments"])) for c in calls.values()] == [("get_weather", {"city": "Paris"})]
        assert calls[0]["id"]
    else:
        assert reply.finish_reason == "tool_calls"
        assert json.loads(reply.message.tool_calls[0].function.arguments) == {"city": "Paris"}


ALLOWED = {"type": "allowed_tools", "allowed_tools": {"mode": "required", "tools": [
    {"type": "function", "function": {"name": "get_weather"}}]}}


@pytest.mark.parametrize("stream", [False, True])
@pytest.mark.parametrize("choice, backend_sees", [
    (None, "auto"), ("auto", "auto"), ("required", "required"), ("none", "none"),
    ({"type": "function", "function": {"name": "get_weather"}}, "get_weather"), (ALLOWED, "required")])
def test_tool_choice_in_every_form_the_api_allows(choice, backend_sees, stream):
    backend = FakeBackend(replies=["sunny"])
    extra = {"tool_choice": choice} if choice is not None else {}
    other = {"type": "function", "function": {"name": "get_time", "parameters": {"type": "object"}}}
    response = post(create_app(backend), body(tools=[WEATHER, other], stream=stream, **extra))
    assert response.status_code == 200, response.text
    seen = backend.requests[0]
    if backend_sees == "none":  # no tool may be called: a plain reply, the tools left out of the prompt
        assert seen.tool_choice == "none" or not seen.tools
        return
    assert seen.tool_choice == backend_sees
    expected = ["get_weather"] if choice is ALLOWED else ["get_weather", "get_time"]
    assert [tool.name for tool in seen.tools] == expected


def test_generated_strings_and_arrays_are_bounded_so_a_constrained_reply_ends():
    backend = FakeBackend(replies=["sunny"])
    post(create_app(backend), body(tools=[WEATHER], max_tokens=600))
    city = backend.requests[0].tools[0].parameters["properties"]["city"]
    assert 0 < city["maxLength"] <= 600 - 48  # every character is at least one token
    schema = bounded({"type": "object", "properties": {"tags": {"type": "array", "items": {"type": "string"}},
                                                       "mood": {"type": "string", "enum": ["a", "b"]}}}, 50)
    assert schema["properties"]["tags"]["maxItems"] and schema["properties"]["tags"]["items"]["maxLength"] == 50
    assert "maxLength" not in schema["properties"]["mood"]  # an enum already ends


def test_an_api_key_is_required_as_a_bearer_token_when_set():
    backend = FakeBackend(replies=["fine", "fine"])
    app = create_app(backend, api_key="s3cret-key")
    assert post(app, body()).status_code == 401
    assert post(app, body(), headers={"Authorization": "Bearer wrong"}).status_code == 401
    denied = post(app, body(), headers={"Authorization": "Basic s3cret-key"})
    assert denied.status_code == 401 and "s3cret-key" not in denied.text
    assert post(app, body(), headers={"Authorization": "Bearer s3cret-key"}).status_code == 200
    assert backend.requests and len(backend.requests) == 1

    async def health():
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://tailor.test") as client:
            return await client.get("/health"), await client.get("/v1/models")

    open_health, models = asyncio.run(health())
    assert open_health.status_code == 200 and models.status_code == 401


def test_an_invalid_port_is_refused_before_the_model_loads(capsys):
    for port in ("99999", "0", "-1"):
        assert main(["serve", "--port", port]) == 2
        err = capsys.readouterr().err
        assert err.startswith("error: --port must be") and err.count("\n") == 1


def test_listening_beyond_loopback_is_warned_about():
    assert exposure_warning("127.0.0.1", None) is None and exposure_warning("::1", None) is None
    assert exposure_warning("localhost", None) is None
    assert "no API key" in exposure_warning("0.0.0.0", None)
    assert "need the API key" in exposure_warning("192.168.1.5", "k")


def test_the_local_models_tool_answer_is_bounded_by_max_tokens_too():
    from tailor.backends.base import ChatRequest
    from tailor.backends.grammar import constraint_schema
    from tailor.backends.tools import normalize_tools

    request = ChatRequest(messages=HI, max_tokens=100, tools=normalize_tools([WEATHER]), tool_choice="auto")
    answer = next(option for option in constraint_schema(request)["anyOf"] if "answer" in option["properties"])
    assert answer["properties"]["answer"]["maxLength"] <= 3 * 100  # a token of English is about 4 characters
