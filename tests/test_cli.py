"""The `tailor` command: instant help, one-line errors with exit code 2 on bad input, nothing half-written."""

from __future__ import annotations

import json
import subprocess
import sys
import time

import pytest

from conftest import free_port


def tailor(*args, env=None, timeout=120):
    return subprocess.run([sys.executable, "-m", "tailor", *args], capture_output=True, text=True,
                          timeout=timeout, env=env)


def test_help_is_instant_and_imports_no_torch():
    started = time.perf_counter()
    result = tailor("--help")
    assert result.returncode == 0 and "chat" in result.stdout
    assert time.perf_counter() - started < 5  # generous for a loaded CI machine; typically ~0.1 s
    probe = subprocess.run([sys.executable, "-c", "import sys, tailor.cli; tailor.cli.build_parser(); "
                            "print(sorted(m for m in ('torch', 'transformers', 'chromadb', 'sklearn', 'langgraph') "
                            "if m in sys.modules))"], capture_output=True, text=True)
    assert probe.stdout.strip() == "[]"


def test_info_reports_backend_cache_and_bundled_weights(tmp_path, monkeypatch):
    result = tailor("info")
    assert result.returncode == 0
    assert "backend       llamacpp" in result.stdout  # the default inference engine
    assert str(tmp_path / "home") in result.stdout
    assert "NOT FOUND" not in result.stdout


def test_a_model_folder_goes_to_the_local_backend_unless_another_is_named(tmp_path):
    folder = tmp_path / "my-model"
    folder.mkdir()
    assert "backend       local" in tailor("info", "--model", str(folder)).stdout
    assert "backend       llamacpp" in tailor("info", "--model", str(tmp_path / "m.gguf")).stdout
    one_line_error(tailor("chat", "hi", "--backend", "llamacpp", "--model", str(folder)), "use --backend local")


def test_serve_names_the_backend_it_serves():
    one_line_error(tailor("serve", "--backend", "llamacpp", "--port", "8"), "serves the local")


def one_line_error(result, fragment: str):
    assert result.returncode == 2, result.stderr
    lines = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(lines) == 1 and fragment in lines[0], result.stderr
    assert "Traceback" not in result.stderr


def test_empty_prompt():
    one_line_error(tailor("chat", "   "), "empty")


def test_unknown_backend_lists_the_valid_ones(monkeypatch):
    monkeypatch.setenv("TAILOR_BACKEND", "vllm")
    one_line_error(tailor("chat", "hi"), "local, llamacpp, openai, fake")


def test_missing_model_path(monkeypatch, tmp_path):
    monkeypatch.setenv("TAILOR_MODEL", str(tmp_path / "nowhere"))
    one_line_error(tailor("chat", "hi"), "does not exist")


@pytest.mark.slow
def test_gguf_that_is_not_a_model_leaves_no_cache(monkeypatch, tmp_path):
    fake_gguf = tmp_path / "broken.gguf"
    fake_gguf.write_bytes(b"this is not a gguf file at all")
    cache = tmp_path / "models"
    monkeypatch.setenv("TAILOR_MODEL", str(fake_gguf))
    monkeypatch.setenv("TAILOR_MODEL_CACHE", str(cache))
    one_line_error(tailor("chat", "hi"), "llama.cpp could not load")
    assert not cache.exists() or list(cache.iterdir()) == []  # no half-converted folder left behind


def test_openai_server_that_does_not_answer(monkeypatch):
    monkeypatch.setenv("OPENAI_BASE_URL", f"http://127.0.0.1:{free_port()}/v1")
    monkeypatch.setenv("TAILOR_OPENAI_TIMEOUT", "3")
    started = time.perf_counter()
    one_line_error(tailor("chat", "hi", "--backend", "openai"), "cannot reach")
    assert time.perf_counter() - started < 30


def test_missing_api_key_for_openai(monkeypatch):
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)
    one_line_error(tailor("chat", "hi", "--backend", "openai"), "OPENAI_API_KEY")


def test_schema_file_missing_or_malformed(tmp_path):
    one_line_error(tailor("chat", "hi", "--json-schema", str(tmp_path / "none.json")), "does not exist")
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    one_line_error(tailor("chat", "hi", "--json-schema", str(bad)), "not valid JSON")


@pytest.mark.slow
def test_schema_the_model_cannot_finish_within_max_tokens(tmp_path):
    schema = tmp_path / "story.json"
    schema.write_text(json.dumps({"type": "object", "properties": {"story": {"type": "string"}},
                                  "required": ["story"]}))
    one_line_error(tailor("chat", "Tell a long story.", "--json-schema", str(schema), "--max-tokens", "4"),
                   "max_tokens=4")


@pytest.mark.slow
def test_chat_streams_an_answer_and_reports_measured_numbers():
    result = tailor("chat", "Say hello.", "--max-tokens", "12")
    assert result.returncode == 0 and result.stdout.strip()
    assert "llamacpp:" in result.stderr and " s]" in result.stderr
