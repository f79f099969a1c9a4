"""Start real servers on free loopback ports for integration tests, and always stop them."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from conftest import free_port

BIN = Path(sys.executable).parent


@contextlib.contextmanager
def running(command: list[str], health_url: str, timeout_s: float = 180, log: Path | None = None):
    """Run a server process until the block ends; fail clearly if it never answers its health URL."""
    out = open(log, "wb") if log else subprocess.DEVNULL
    process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, env=os.environ.copy())
    try:
        _wait_healthy(process, health_url, timeout_s, log)
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
        if log:
            out.close()


def _wait_healthy(process, url: str, timeout_s: float, log: Path | None) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            tail = log.read_text(errors="replace")[-2000:] if log else ""
            raise RuntimeError(f"server exited with {process.returncode} before answering {url}\n{tail}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise RuntimeError(f"server did not answer {url} within {timeout_s} s")


@contextlib.contextmanager
def transformers_serve(model_dir: Path, log: Path, continuous_batching: bool = False):
    port = free_port()
    command = [str(BIN / "transformers"), "serve", str(model_dir), "--host", "127.0.0.1", "--port", str(port),
               "--device", "cpu", *(["--continuous-batching"] if continuous_batching else [])]
    with running(command, f"http://127.0.0.1:{port}/health", log=log):
        yield f"http://127.0.0.1:{port}/v1"


@contextlib.contextmanager
def tailor_serve(log: Path):
    port = free_port()
    command = [sys.executable, "-m", "tailor", "serve", "--port", str(port)]
    with running(command, f"http://127.0.0.1:{port}/health", log=log):
        yield f"http://127.0.0.1:{port}/v1"


@contextlib.contextmanager
def llama_cpp_serve(gguf: Path, log: Path):
    """llama-cpp-python's OpenAI-compatible server on the bundled GGUF (optional: `make bench-full` installs it)."""
    port = free_port()
    command = [sys.executable, "-m", "llama_cpp.server", "--model", str(gguf), "--host", "127.0.0.1",
               "--port", str(port), "--n_ctx", "2048", "--n_threads", str(os.cpu_count() or 2)]
    with running(command, f"http://127.0.0.1:{port}/v1/models", log=log):
        yield f"http://127.0.0.1:{port}/v1"
