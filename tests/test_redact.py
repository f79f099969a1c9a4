"""No credential reaches the terminal or a file: a server echoing the Authorization header, a password in
OPENAI_BASE_URL (#23.6). The attack is a real loopback server that puts every request header in its error."""

from __future__ import annotations

import contextlib
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tailor.cli import main
from tailor.redact import redact

SECRET = "sk-live-abcdef0123456789"
PASSWORD = "hunter2-password"


@pytest.mark.parametrize("text", [
    f"Authorization: Bearer {SECRET}",
    f'{{"headers": {{"authorization": "Bearer {SECRET}"}}}}',
    f"got key {SECRET} from you",
    f"api_key={SECRET}&x=1",
    f"cannot reach http://alice:{PASSWORD}@10.0.0.5:8000/v1",
    f"http://{SECRET}@host/v1",
])
def test_redact_hides_every_credential_shape(text):
    hidden = redact(text)
    assert SECRET not in hidden and PASSWORD not in hidden
    assert "[redacted]" in hidden


def test_redact_removes_the_exact_key_whatever_it_looks_like():
    assert "plainkey42" not in redact("the key plainkey42 was refused", secrets=["plainkey42"])
    assert redact("nothing secret here: http://127.0.0.1:8000/v1") == "nothing secret here: http://127.0.0.1:8000/v1"


class EchoHeaders(BaseHTTPRequestHandler):
    """A hostile or careless server: every error body repeats the request's headers."""

    status = 400

    def do_POST(self):  # noqa: N802 (http.server's name)
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        body = json.dumps({"error": {"message": f"bad request; you sent {dict(self.headers)}"}}).encode()
        self.send_response(self.status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@contextlib.contextmanager
def echo_server():
    server = ThreadingHTTPServer(("127.0.0.1", 0), EchoHeaders)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://alice:{PASSWORD}@127.0.0.1:{server.server_port}/v1"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def hostile_server(monkeypatch):
    with echo_server() as url:
        monkeypatch.setenv("OPENAI_BASE_URL", url)
        monkeypatch.setenv("OPENAI_API_KEY", SECRET)
        monkeypatch.setenv("TAILOR_OPENAI_RETRIES", "0")
        yield url


def test_an_echoed_key_and_a_url_password_never_reach_the_terminal(hostile_server, capsys):
    assert main(["chat", "hello", "--backend", "openai"]) == 2
    out, err = capsys.readouterr()
    assert err.startswith("error: ") and "HTTP 400" in err  # the server's words are still there
    assert "you sent" in err
    assert SECRET not in out + err and PASSWORD not in out + err
    assert main(["info", "--backend", "openai"]) == 0
    out, err = capsys.readouterr()
    assert "127.0.0.1" in out and PASSWORD not in out + err


def test_an_echoed_key_never_reaches_the_evaluation_file(hostile_server, isolated_home, capsys):
    from agents import evaluate

    evaluate.main(["--backend", "openai", "--limit", "1"])
    written = [path for path in (isolated_home / "runs").rglob("*") if path.is_file()]
    assert written, "the evaluation wrote nothing"
    text = "".join(path.read_text(errors="replace") for path in written)
    assert "HTTP 400" in text  # the model's failure is recorded, without the credentials
    out, err = capsys.readouterr()
    assert SECRET not in text + out + err and PASSWORD not in text + out + err
