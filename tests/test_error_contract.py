"""The error contract: bad input or a broken environment ends in one `error:` line and exit code 2, with
nothing written; an unexpected internal error says it is a bug, where to report it and how to see the
traceback. One table of bad inputs, each run through the CLI's `main` (in-process, the fake backend or no
model at all, so the whole file takes seconds); the UTF-8 case also through a real subprocess.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tailor.cli import main

# -- a loopback server that answers like a misconfigured OpenAI-compatible one ------------------------------
REPLIES = {
    "html": ("text/html", "<html><body>Welcome to nginx!</body></html>"),
    "nochoices": ("application/json", json.dumps({"id": "x", "object": "chat.completion"})),
    "badsse": ("text/event-stream", "data: {not json\n\n"),
}


class BadServer(BaseHTTPRequestHandler):
    def do_POST(self):  # noqa: N802 (the http.server API)
        self.rfile.read(int(self.headers.get("content-length", 0)))
        kind, body = REPLIES[self.path.strip("/").split("/")[0]]
        self.send_response(200)
        self.send_header("content-type", kind)
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body.encode())

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def bad_server():
    server = ThreadingHTTPServer(("127.0.0.1", 0), BadServer)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


# -- the table ----------------------------------------------------------------------------------------------
def a_file(tmp_path, name: str, text: str) -> str:
    path = tmp_path / "inputs" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return str(path)


def bad_adapter(tmp_path, weights: bytes, card: str | None = None) -> str:
    folder = tmp_path / "inputs" / "adapter"
    folder.mkdir(parents=True)
    (folder / "adapter_config.json").write_text(json.dumps({"peft_type": "LORA", "r": 2}))
    (folder / "adapter_model.safetensors").write_bytes(weights)
    if card is not None:
        (folder / "run_card.json").write_text(card)
    return str(folder)


def nan_weights() -> bytes:
    import torch
    from safetensors.torch import save

    return save({"base_model.model.layer.lora_A.weight": torch.full((2, 4), float("nan"))})


ASSISTANT_FIRST = json.dumps({"messages": [{"role": "assistant", "content": "Hello!"},
                                           {"role": "user", "content": "hi"}]})
BAD_PATTERN = json.dumps({"type": "object", "properties": {"code": {"type": "string", "pattern": "([a-z"}}})

# (id, a function of tmp_path giving (argv, environment), a fragment of the one error line)
CASES = [
    ("chat-not-utf8", lambda t: (["chat", "caf\udce9", "--backend", "fake"], {}), "not valid UTF-8"),
    ("kb-ask-not-utf8", lambda t: (["kb", "ask", "caf\udce9?", "--backend", "fake"], {}), "not valid UTF-8"),
    ("advise-not-utf8", lambda t: (["advise", "caf\udce9"], {}), "not valid UTF-8"),
    ("schema-is-a-folder", lambda t: (["chat", "hi", "--backend", "fake", "--json-schema", str(t)], {}),
     "is a folder"),
    ("schema-bad-regex", lambda t: (["chat", "hi", "--backend", "fake", "--json-schema",
                                     a_file(t, "s.json", BAD_PATTERN)], {}), "not a valid regular expression"),
    ("data-is-a-folder", lambda t: (["tutor", "train", "--data", str(t)], {}), "not a folder written by Dataset"),
    ("record-starts-with-assistant", lambda t: (["tutor", "train", "--data", a_file(t, "d.jsonl", ASSISTANT_FIRST)],
                                                {}), "no user turn before it"),
    ("epochs-nan", lambda t: (["tutor", "train", "--epochs", "nan"], {}), "finite"),
    ("lr-inf", lambda t: (["tutor", "train", "--lr", "inf", "--max-steps", "1"], {}), "finite"),
    ("port-out-of-range", lambda t: (["serve", "--port", "99999"], {}), "65535"),
    ("collection-name", lambda t: (["kb", "ingest", "--collection", "team docs!"], {}), "is not allowed"),
    ("collection-ip", lambda t: (["kb", "ingest", "--collection", "10.0.0.1"], {}), "is not allowed"),
    ("ingest-empty-path", lambda t: (["kb", "ingest", ""], {}), "empty path"),
    ("db-is-a-folder", lambda t: (["reserve", "--once", "a table for 2", "--backend", "fake", "--db", str(t)],
                                  {}), "database"),
    ("out-folder-not-creatable", lambda t: (["tutor", "export-openai", "--out",
                                             a_file(t, "plain.txt", "x") + "/sub/out.jsonl"], {}), "plain.txt"),
    ("home-not-creatable", lambda t: (["info"], {"TAILOR_HOME": a_file(t, "plain.txt", "x") + "/home"}),
     "TAILOR_HOME"),
    ("openai-timeout-abc", lambda t: (["chat", "hi", "--backend", "openai"],
                                      {"OPENAI_BASE_URL": "http://127.0.0.1:9/v1", "TAILOR_OPENAI_TIMEOUT": "abc"}),
     "TAILOR_OPENAI_TIMEOUT"),
    ("openai-retries-negative", lambda t: (["chat", "hi", "--backend", "openai"],
                                           {"OPENAI_BASE_URL": "http://127.0.0.1:9/v1",
                                            "TAILOR_OPENAI_RETRIES": "-3"}), "TAILOR_OPENAI_RETRIES"),
    ("quantize-int3", lambda t: (["chat", "hi"], {"TAILOR_QUANTIZE": "int3"}), "int3"),
    ("model-config-garbage", lambda t: (["chat", "hi"], {"TAILOR_MODEL": os.path.dirname(
        a_file(t, "model/config.json", "{garbage"))}), "could not be loaded"),
    ("adapter-truncated", lambda t: (["tutor", "chat", "hi", "--adapter", bad_adapter(t, nan_weights()[:40])], {}),
     "truncated"),
    ("adapter-nan", lambda t: (["tutor", "chat", "hi", "--adapter", bad_adapter(t, nan_weights())], {}),
     "non-finite"),
    ("run-card-garbage", lambda t: (["tutor", "chat", "hi", "--adapter", bad_adapter(t, nan_weights(), "{oops")],
                                    {}), "run card"),
]


def one_error_line(captured, code: int, fragment: str) -> str:
    lines = [line for line in captured.err.splitlines() if "error:" in line]
    assert code == 2, captured.err
    assert len(lines) == 1 and fragment in lines[0], captured.err
    assert "Traceback" not in captured.err and "internal error" not in captured.err
    return lines[0]


def written(tmp_path) -> list[str]:
    """Everything under the test's TAILOR_HOME and runs folder (conftest points both into tmp_path)."""
    return sorted(str(p.relative_to(tmp_path)) for folder in ("home", "runs") if (tmp_path / folder).exists()
                  for p in (tmp_path / folder).rglob("*") if p.is_file())


@pytest.mark.parametrize("make", [c[1] for c in CASES], ids=[c[0] for c in CASES])
def test_bad_input_is_one_error_line_exit_2_and_nothing_written(make, tmp_path, monkeypatch, capsys):
    fragment = next(c[2] for c in CASES if c[1] is make)
    argv, env = make(tmp_path)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    try:
        code = main(argv)
    except SystemExit as exit_:  # argparse's own refusals (a bad number, a port) exit 2 with its error line
        code = exit_.code
    one_error_line(capsys.readouterr(), code, fragment)
    assert written(tmp_path) == []


@pytest.mark.parametrize("kind", ["html", "nochoices", "badsse"])
@pytest.mark.parametrize("command", [["chat", "hi"], ["chat", "hi", "--json-schema", "SCHEMA"],
                                     ["kb", "ask", "What is the VPN port?", "--closed-book"]],
                         ids=["chat-streamed", "chat-schema", "kb-ask"])
def test_a_server_that_is_not_openai_compatible_is_an_error_not_an_empty_answer(
        kind, command, bad_server, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("OPENAI_BASE_URL", f"{bad_server}/{kind}/v1")
    monkeypatch.setenv("TAILOR_OPENAI_RETRIES", "0")
    monkeypatch.setenv("TAILOR_OPENAI_TIMEOUT", "10")
    schema = a_file(tmp_path, "s.json", json.dumps({"type": "object", "properties": {"a": {"type": "string"}}}))
    argv = [schema if part == "SCHEMA" else part for part in command] + ["--backend", "openai"]
    captured_code = main(argv)
    captured = capsys.readouterr()
    one_error_line(captured, captured_code, bad_server)
    assert captured.out.strip() == ""


def test_non_utf8_bytes_on_a_real_command_line():
    env = {**os.environ, "LC_ALL": "C.UTF-8"}
    result = subprocess.run([sys.executable.encode(), b"-m", b"tailor", b"chat", b"caf\xe9", b"--backend", b"fake"],
                            capture_output=True, env=env, timeout=60)
    err = result.stderr.decode("utf-8", "replace")
    assert result.returncode == 2 and err.count("error:") == 1 and "not valid UTF-8" in err, err


def test_non_utf8_standard_input_is_one_error_line():
    result = subprocess.run([sys.executable, "-m", "tailor", "chat", "-", "--backend", "fake"], input=b"caf\xe9\n",
                            capture_output=True, env={**os.environ, "LC_ALL": "C.UTF-8"}, timeout=60)
    err = result.stderr.decode("utf-8", "replace")
    assert result.returncode == 2 and err.count("error:") == 1 and "standard input is not UTF-8" in err, err


# -- the other side of the contract: a real bug is not disguised as the user's mistake ----------------------
def crash(args):
    raise AttributeError("'NoneType' object has no attribute 'text'")


def test_an_internal_error_says_it_is_a_bug_and_where_to_report_it(capsys, monkeypatch):
    from tailor.cliutil import run_command

    monkeypatch.delenv("TAILOR_DEBUG", raising=False)
    assert run_command(crash, None) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "internal error: AttributeError" in err and "bug" in err
    assert "tests/test_error_contract.py:" in err and "TAILOR_DEBUG=1" in err and "Traceback" not in err
    monkeypatch.setenv("TAILOR_DEBUG", "1")
    assert run_command(crash, None) == 1
    assert "Traceback" in capsys.readouterr().err  # the whole story, on request


@pytest.mark.parametrize("error, fragment", [
    (PermissionError(13, "Permission denied", "/data/in.csv"), "permission denied"),
    (IsADirectoryError(21, "Is a directory", "/data"), "is a folder"),
    (FileNotFoundError(2, "No such file or directory", "/data/x.json"), "does not exist"),
])
def test_file_errors_from_user_paths_map_to_the_contract(error, fragment):
    from tailor.errors import UsageError, user_error

    mapped = user_error(error)
    assert isinstance(mapped, UsageError) and fragment in str(mapped) and error.filename in str(mapped)


def test_an_oserror_without_a_path_or_a_plain_bug_is_not_a_user_error():
    from tailor.errors import user_error

    assert user_error(OSError("socket closed")) is None
    assert user_error(KeyError("choices")) is None
    assert user_error(FileNotFoundError(2, "No such file", "/venv/lib/site-packages/x/data.bin")) is None
