"""`tailor serve`: the local backend behind an OpenAI-compatible HTTP API, on loopback by default.

Unlike a plain server, it honours `response_format` (json_schema, json_object) and `tools` for any local
model, through the same grammar-constrained decoding as the local backend, so a small model still returns
valid JSON and valid tool calls to any OpenAI client. Requests are served one at a time (one CPU model).
"""


import asyncio
import json
import time
import uuid

from tailor.errors import SchemaError, TailorError


def create_app(backend):
    """A FastAPI app serving /health, /v1/models and /v1/chat/completions from one backend."""
    from fastapi import FastAPI, Request
    from fastapi.responses import JSONResponse, StreamingResponse

    app = FastAPI(title="tailor serve")
    # one generation at a time: the model is shared and the CPU is small. Generation runs on the event
    # loop's thread, never in a worker pool: torch's OpenMP workers belong to the thread that started them,
    # and matrix work on other threads beside them slowed every later request about 2x (measured: 44 -> 21
    # tokens/s after one streamed reply). An asyncio lock, because a streamed reply pauses between chunks.
    lock = asyncio.Lock()

    @app.get("/health")
    def health():
        return {"status": "ok"}

    @app.get("/v1/models")
    def models():
        return {"object": "list", "data": [{"id": backend.model, "object": "model", "owned_by": "tailor"}]}

    @app.post("/v1/chat/completions")
    async def chat_completions(request: Request):
        try:
            body = await request.json()
            options = request_options(body)
        except (ValueError, TailorError) as error:
            return _error(JSONResponse, 400, str(error))
        if body.get("stream"):
            return StreamingResponse(_sse(backend, lock, body, options), media_type="text/event-stream")
        try:
            async with lock:
                result = backend.chat(body["messages"], **options)
        except SchemaError as error:
            return _error(JSONResponse, 422, str(error))
        except TailorError as error:
            return _error(JSONResponse, 400, str(error))
        return completion_body(result)

    return app


def request_options(body: dict) -> dict:
    """Translate an OpenAI request body into the backend's chat() options."""
    if not isinstance(body.get("messages"), list):
        raise ValueError("the request needs a 'messages' list")
    options = {"max_tokens": body.get("max_completion_tokens") or body.get("max_tokens") or 256,
               "temperature": body.get("temperature") or 0.0}
    if body.get("tools"):
        options["tools"] = body["tools"]
        choice = body.get("tool_choice") or "auto"
        options["tool_choice"] = choice["function"]["name"] if isinstance(choice, dict) else choice
    response_format = body.get("response_format") or {}
    if response_format.get("type") == "json_schema":
        options["schema"] = response_format["json_schema"]["schema"]
    elif response_format.get("type") == "json_object":
        options["schema"] = {"type": "object"}
    return options


def completion_body(result) -> dict:
    message = {"role": "assistant", "content": result.text or None}
    if result.tool_calls:
        message["tool_calls"] = [call.to_message_dict() for call in result.tool_calls]
    return {
        "id": f"chatcmpl-{uuid.uuid4().hex[:16]}", "object": "chat.completion", "created": int(time.time()),
        "model": result.model,
        "choices": [{"index": 0, "message": message, "finish_reason": result.finish_reason}],
        "usage": {"prompt_tokens": result.usage.prompt_tokens, "completion_tokens": result.usage.completion_tokens,
                  "total_tokens": result.usage.total_tokens},
    }


async def _sse(backend, lock, body: dict, options: dict):
    """Stream text pieces as chat.completion.chunk events; usage in a last chunk, as OpenAI does."""
    ident, created = f"chatcmpl-{uuid.uuid4().hex[:16]}", int(time.time())

    def chunk(delta: dict, finish=None, usage=None) -> str:
        data = {"id": ident, "object": "chat.completion.chunk", "created": created, "model": backend.model,
                "choices": [] if usage else [{"index": 0, "delta": delta, "finish_reason": finish}]}
        if usage:
            data["usage"] = usage
        return f"data: {json.dumps(data)}\n\n"

    options = {k: v for k, v in options.items() if k != "tools"}
    async with lock:
        yield chunk({"role": "assistant", "content": ""})
        stream = backend.stream(body["messages"], **options)
        for piece in stream:
            yield chunk({"content": piece})
    yield chunk({}, finish="stop")
    if (body.get("stream_options") or {}).get("include_usage"):
        usage = stream.usage  # the counts of the tokens the model read and wrote, as for a plain reply
        yield chunk({}, usage={"prompt_tokens": usage.prompt_tokens, "completion_tokens": usage.completion_tokens,
                               "total_tokens": usage.total_tokens})
    yield "data: [DONE]\n\n"


def _error(response_class, status: int, message: str):
    return response_class({"error": {"message": message, "type": "invalid_request_error"}}, status_code=status)


def serve(backend, host: str = "127.0.0.1", port: int = 8000) -> None:
    import uvicorn

    print(f"tailor serve: {backend.model} on http://{host}:{port}/v1 (OpenAI-compatible; Ctrl-C stops)")
    uvicorn.run(create_app(backend), host=host, port=port, log_level="warning")
