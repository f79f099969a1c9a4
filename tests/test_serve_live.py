"""`tailor serve` on a real socket (uvicorn, loopback), a slow scripted model: /health answers during a long
generation, a client that disconnects stops the generation, SIGTERM stops the server promptly (#23.4)."""

from __future__ import annotations

import contextlib
import signal
import subprocess
import sys
import textwrap
import threading
import time

import pytest

pytest.importorskip("uvicorn")

from conftest import free_port  # noqa: E402
from servers import running  # noqa: E402
from tailor.backends.fake import FakeBackend  # noqa: E402
from tailor.serve import create_app  # noqa: E402

try:  # the openai SDK's own HTTP client package
    import httpx2 as httpx
except ImportError:  # pragma: no cover
    import httpx

WORDS = 400  # at 20 ms a word the whole reply would take 8 s


class SlowBackend(FakeBackend):
    """Scripted words, one every 20 ms, counting how many were generated."""

    def __init__(self, replies):
        super().__init__(replies=replies)
        self.generated = 0
        self.running = threading.Event()

    def _generate(self, request):
        self.running.set()
        try:
            for event in super()._generate(request):
                time.sleep(0.02)
                self.generated += isinstance(event, str)
                yield event
        finally:
            self.running.clear()


@contextlib.contextmanager
def live(app):
    import uvicorn

    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        _wait_up(f"http://127.0.0.1:{port}/health")
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def _wait_up(url: str) -> None:
    for _ in range(100):
        try:
            if httpx.get(url, timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            time.sleep(0.1)
    raise RuntimeError(f"{url} never answered")


STREAM = {"model": "fake-model", "messages": [{"role": "user", "content": "talk"}], "max_tokens": 500, "stream": True}


def test_health_answers_during_a_generation_and_a_disconnect_stops_it():
    backend = SlowBackend([" ".join(["word"] * WORDS), "short reply"])
    with live(create_app(backend)) as url:
        with httpx.Client(base_url=url, timeout=10) as client:
            with client.stream("POST", "/v1/chat/completions", json=STREAM) as response:
                lines = response.iter_lines()
                assert next(lines).startswith("data: ")  # the stream has begun
                health = httpx.get(f"{url}/health", timeout=5)
                assert health.status_code == 200 and backend.running.is_set()  # answered mid-generation
            # the client has gone: the model must stop within a few tokens, not write all 400 words
            for _ in range(200):
                if not backend.running.is_set():
                    break
                time.sleep(0.05)
            assert not backend.running.is_set()
            assert backend.generated < WORDS / 2
            after = client.post("/v1/chat/completions", json={**STREAM, "stream": False})
            assert after.status_code == 200 and after.json()["choices"][0]["message"]["content"] == "short reply"


SERVER = textwrap.dedent("""
    import sys, time
    from tailor.backends.fake import FakeBackend
    from tailor.serve import serve

    class Slow(FakeBackend):
        def _generate(self, request):
            for event in super()._generate(request):
                time.sleep(0.05)
                yield event

    serve(Slow(replies=[" ".join(["word"] * 2000)]), port=int(sys.argv[1]))
""")


def test_sigterm_stops_the_server_mid_generation(tmp_path):
    script = tmp_path / "slow_server.py"
    script.write_text(SERVER)
    port = free_port()
    with running([sys.executable, str(script), str(port)], f"http://127.0.0.1:{port}/health",
                 timeout_s=60, log=tmp_path / "server.log") as process:
        with httpx.Client(timeout=10) as client:
            with client.stream("POST", f"http://127.0.0.1:{port}/v1/chat/completions", json=STREAM) as response:
                assert next(response.iter_lines()).startswith("data: ")
                process.send_signal(signal.SIGTERM)  # 2,000 words at 50 ms would take 100 s
                try:
                    process.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    pytest.fail("tailor serve ignored SIGTERM during a generation")
    assert process.returncode is not None
