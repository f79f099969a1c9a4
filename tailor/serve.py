"""`tailor serve`: the local backend behind an OpenAI-compatible HTTP API, on loopback by default.

Unlike a plain server, it honours `response_format` (json_schema, json_object) and `tools` for any local
model, through the same grammar-constrained decoding as the local backend, so a small model still returns
valid JSON and valid tool calls to any OpenAI client, streamed (`delta.tool_calls`) or not.

What it trusts and limits: a request is checked whole before it reaches the model (serve_request.py, a 4xx
for anything malformed), measured against the model's context (serve_limits.py: body bytes, prompt tokens),
and generated one at a time on one model thread (serve_stream.py) that a disconnect stops. With an API key
set (--api-key or TAILOR_SERVE_API_KEY) every /v1 route wants it as a Bearer token.
"""


import asyncio
import hmac
import ipaddress
import json
import sys
import time
import uuid

from tailor.errors import UsageError
from tailor.serve_limits import Limits, read_body
from tailor.serve_request import RequestError, parse_request
from tailor.serve_stream import ModelThread, error_body, stream_text, stream_tool_reply, usage_dict

GRACEFUL_SHUTDOWN_S = 3  # on SIGTERM, in-flight replies get this long before they are cut
MAX_CONNECTIONS = 32  # past this many at once: HTTP 503 instead of an ever longer queue


def create_app(backend, limits: Limits | None = None, api_key: str | None = None, thread: ModelThread | None = None):
    """A FastAPI app serving /health, /v1/models and /v1/chat/completions from one backend."""
    from fastapi import FastAPI, Request
    from fastapi.responses import JSONResponse

    app = FastAPI(title="tailor serve")
    thread = thread or ModelThread()
    limits = limits or Limits.of(backend)
    lock = asyncio.Lock()  # one generation at a time: the model and the CPU are shared

    def refused(request: Request):
        """A 401 when a key is set and the request lacks it (checked in each /v1 route; /health stays open)."""
        if api_key and not _key_matches(request, api_key):
            return _json(JSONResponse, RequestError(401, "this server needs its API key: send the header "
                                                         "'Authorization: Bearer <key>'", code="invalid_api_key"))
        return None

    @app.get("/health")
    def health():
        return {"status": "ok"}

    @app.get("/v1/models")
    def models(request: Request):
        if denied := refused(request):
            return denied
        return {"object": "list", "data": [{"id": backend.model, "object": "model", "owned_by": "tailor"}]}

    @app.post("/v1/chat/completions")
    async def chat_completions(request: Request):
        if denied := refused(request):
            return denied
        try:
            ask = parse_request(_decoded(await read_body(request, limits.body_bytes)), backend.model)
            max_tokens = limits.max_tokens(ask)
            options = ask.options(max_tokens)
        except Exception as error:  # noqa: BLE001 (RequestError, or a TailorError from the checks)
            return _json(JSONResponse, error)
        if ask.stream:
            return _sse(backend, thread, lock, ask, options, request)
        try:
            async with lock:
                result = await thread.run(lambda: backend.chat(ask.messages, **options))
        except Exception as error:  # noqa: BLE001
            return _json(JSONResponse, error)
        return completion_body(result)

    return app


def _decoded(body: bytes):
    try:
        return json.loads(body)
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise RequestError(400, f"the request body is not JSON: {error}") from error


def _key_matches(request, api_key: str) -> bool:
    scheme, _, given = request.headers.get("authorization", "").partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(given.strip().encode(), api_key.encode())


def _sse(backend, thread, lock, ask, options: dict, request):
    from starlette.responses import StreamingResponse

    class ClosingStream(StreamingResponse):
        """Closes its events when the response ends, however it ends, so the model lock is given back."""

        async def stream_response(self, send):
            try:
                await super().stream_response(send)
            finally:
                await self.body_iterator.aclose()

    if options.get("tools") and options.get("tool_choice") != "none":
        events = stream_tool_reply(backend, thread, lock, ask.messages, options, ask.include_usage)
    else:
        text_options = {k: v for k, v in options.items() if k not in ("tools", "tool_choice")}
        events = stream_text(backend, thread, lock, ask.messages, text_options, ask.include_usage,
                             request.is_disconnected)
    return ClosingStream(events, media_type="text/event-stream")


def completion_body(result) -> dict:
    message = {"role": "assistant", "content": result.text or None}
    if result.tool_calls:
        message["tool_calls"] = [call.to_message_dict() for call in result.tool_calls]
    return {
        "id": f"chatcmpl-{uuid.uuid4().hex[:16]}", "object": "chat.completion", "created": int(time.time()),
        "model": result.model,
        "choices": [{"index": 0, "message": message, "finish_reason": result.finish_reason}],
        "usage": usage_dict(result.usage),
    }


def _json(response_class, error: Exception):
    status, body = error_body(error)
    return response_class(body, status_code=status)


# -- starting the server ------------------------------------------------------------------------
def check_address(host: str, port) -> None:
    """Refuse a port uvicorn would not listen on as printed; warn when the address is beyond loopback."""
    if isinstance(port, bool) or not isinstance(port, int) or not 1 <= port <= 65535:
        raise UsageError(f"--port must be a whole number from 1 to 65535, got {port!r}")
    if not host:
        raise UsageError("--host must be an address, e.g. 127.0.0.1")


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False  # a host name: it may resolve to anything


def exposure_warning(host: str, api_key: str | None) -> str | None:
    if is_loopback(host):
        return None
    guard = ("requests need the API key" if api_key else
             "no API key is set (--api-key or TAILOR_SERVE_API_KEY), so anyone who can reach it can use it")
    return f"warning: tailor serve listens on {host}, beyond this machine: {guard}"


def serve(backend, host: str = "127.0.0.1", port: int = 8000, api_key: str | None = None) -> None:
    """Load the model on its thread, then serve until Ctrl-C or SIGTERM."""
    import uvicorn

    check_address(host, port)
    thread = ModelThread()
    limits = thread.submit(lambda: (backend.load(), Limits.of(backend))[1]).result()  # before listening
    warning = exposure_warning(host, api_key)
    if warning:
        print(warning, file=sys.stderr)
    print(f"tailor serve: {backend.model} on http://{host}:{port}/v1 (OpenAI-compatible; context "
          f"{limits.context_tokens} tokens{'; API key required' if api_key else ''}; Ctrl-C stops)")
    config = uvicorn.Config(create_app(backend, limits, api_key, thread), host=host, port=port,
                            log_level="warning", timeout_graceful_shutdown=GRACEFUL_SHUTDOWN_S,
                            limit_concurrency=MAX_CONNECTIONS)
    uvicorn.Server(config).run()
