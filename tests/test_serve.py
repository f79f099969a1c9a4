"""`tailor serve` keeps every generation on the event loop's thread, one at a time, streamed or not."""

from __future__ import annotations

import asyncio
import json
import threading

import pytest

pytest.importorskip("fastapi")

from tailor.backends.fake import FakeBackend  # noqa: E402
from tailor.serve import create_app  # noqa: E402

try:  # the openai SDK's own HTTP client package; plain httpx has the same ASGITransport
    import httpx2 as httpx
except ImportError:  # pragma: no cover
    import httpx


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


def test_streamed_and_plain_requests_generate_on_the_event_loop_thread_one_at_a_time():
    backend = RecordingBackend(["one two three four", "five six seven eight"])
    body = {"model": "fake-model", "messages": [{"role": "user", "content": "hi"}], "max_tokens": 20}

    async def both():
        transport = httpx.ASGITransport(app=create_app(backend))
        async with httpx.AsyncClient(transport=transport, base_url="http://tailor.test") as client:
            return await asyncio.gather(client.post("/v1/chat/completions", json={**body, "stream": True}),
                                        client.post("/v1/chat/completions", json=body))

    loop_thread = threading.get_ident()  # asyncio.run runs the loop here
    streamed, plain = asyncio.run(both())
    assert streamed.status_code == plain.status_code == 200
    chunks = [json.loads(line[6:]) for line in streamed.text.splitlines()
              if line.startswith("data: {")]
    text = "".join(c["choices"][0]["delta"].get("content", "") for c in chunks if c["choices"])
    replies = {text, plain.json()["choices"][0]["message"]["content"]}
    assert replies == {"one two three four", "five six seven eight"}
    assert backend.threads == {loop_thread}
    assert not backend.overlapped


def test_a_streamed_reply_reports_the_same_usage_as_a_plain_one():
    backend = FakeBackend(replies=["one two three four", "one two three four"])
    body = {"model": "fake-model", "messages": [{"role": "user", "content": "count to four"}], "max_tokens": 20}

    async def both():
        transport = httpx.ASGITransport(app=create_app(backend))
        async with httpx.AsyncClient(transport=transport, base_url="http://tailor.test") as client:
            streamed = await client.post("/v1/chat/completions",
                                         json={**body, "stream": True, "stream_options": {"include_usage": True}})
            return streamed, await client.post("/v1/chat/completions", json=body)

    streamed, plain = asyncio.run(both())
    chunks = [json.loads(line[6:]) for line in streamed.text.splitlines() if line.startswith("data: {")]
    assert [c["usage"] for c in chunks if "usage" in c] == [plain.json()["usage"]]
    assert plain.json()["usage"]["completion_tokens"] == 4
