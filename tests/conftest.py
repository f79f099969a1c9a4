"""Shared fixtures. Every test gets its own TAILOR_HOME and runs folder; the converted model is shared.

Unit tests use the fake backend; tests marked `slow` load the real bundled model (loaded once per session
and cached in-process by the local backend).
"""

from __future__ import annotations

import os
import socket
from pathlib import Path

import pytest

os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"
os.environ["ANONYMIZED_TELEMETRY"] = "False"
os.environ["TOKENIZERS_PARALLELISM"] = "false"
# The converted model is expensive to make (~20 s), so all tests share the user's model cache.
os.environ.setdefault("TAILOR_MODEL_CACHE",
                      str(Path(os.environ.get("TAILOR_HOME", "~/.cache/tailor")).expanduser() / "models"))
for name in ("TAILOR_BACKEND", "TAILOR_MODEL", "OPENAI_BASE_URL", "OPENAI_API_KEY", "TAILOR_OPENAI_MODEL"):
    os.environ.pop(name, None)


@pytest.fixture(autouse=True)
def isolated_home(tmp_path, monkeypatch):
    """A fresh TAILOR_HOME (stores, databases) and runs folder for each test."""
    monkeypatch.setenv("TAILOR_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("TAILOR_RUNS", str(tmp_path / "runs"))
    return tmp_path


@pytest.fixture
def no_shipped_adapters(tmp_path, monkeypatch):
    """A checkout without adapters/ (a user's copy of one folder): what a demo says before any training."""
    from tailor import adapters

    monkeypatch.setattr(adapters, "SHIPPED_DIR", tmp_path / "no-adapters")


@pytest.fixture
def fake():
    from tailor.backends.fake import FakeBackend

    return FakeBackend()


@pytest.fixture(scope="session")
def local_backend():
    """The real bundled model on the local backend (loaded once; the local backend caches it in-process)."""
    from tailor.backends.local import LocalBackend

    return LocalBackend()


@pytest.fixture
def db_path(tmp_path):
    """A freshly seeded reservations database for the agent's tests."""
    from agents import db

    path = tmp_path / "reservations.db"
    db.reset(path)
    return path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
