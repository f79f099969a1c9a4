"""`tailor serve`: the one thread the model runs on, and replies as OpenAI's server-sent events.

All model work (loading, every generation) runs on one dedicated thread, one job at a time. torch's OpenMP
workers belong to the thread that started them, and matrix work on a second thread beside them slowed every
later request about 2x (measured: 44 -> 21 tokens/s); one thread for all of it keeps that away, and leaves the
event loop free: /health answers during a long generation, a client's disconnect is seen between two tokens
and stops the generation there, and SIGTERM is handled at once.

A stream is pulled one piece per job, so between two pieces the loop can check the client. A tool call is
generated whole (it is JSON to parse, not text to show) and then sent as OpenAI sends one: a
`delta.tool_calls` entry with the id and name, then one with the arguments.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import json
import queue
import sys
import threading
import time
import traceback
import uuid

from tailor.errors import SchemaError, TailorError
from tailor.serve_request import RequestError

_END = object()  # what `next` returns on the model thread when a stream has no piece left


class ModelThread:
    """A daemon thread that runs submitted functions in order; `await thread.run(fn)` from the event loop."""

    def __init__(self):
        self._jobs: queue.SimpleQueue = queue.SimpleQueue()
        threading.Thread(target=self._work, name="tailor-model", daemon=True).start()

    def submit(self, function) -> concurrent.futures.Future:
        future: concurrent.futures.Future = concurrent.futures.Future()
        self._jobs.put((function, future))
        return future

    async def run(self, function):
        return await asyncio.wrap_future(self.submit(function))

    def _work(self) -> None:
        while True:
            function, future = self._jobs.get()
            if not future.set_running_or_notify_cancel():
                continue  # its caller went away before it started
            try:
                future.set_result(function())
            except BaseException as error:  # handed to the awaiting request, which answers with it
                future.set_exception(error)


def error_body(error: Exception) -> tuple[int, dict]:
    """(HTTP status, OpenAI error body) for an error raised while serving a request."""
    if isinstance(error, RequestError):
        status, kind, code = error.status, error.kind, error.code
    elif isinstance(error, SchemaError):
        status, kind, code = 422, "invalid_request_error", "invalid_reply"
    elif isinstance(error, TailorError):
        status, kind, code = 400, "invalid_request_error", None
    else:  # a bug: say so, log where, and keep the traceback out of the reply
        traceback.print_exception(error, file=sys.stderr)
        status, kind, code = 500, "server_error", None
        error = RuntimeError(f"internal error in tailor serve ({type(error).__name__}); "
                             "the server log has the traceback")
    return status, {"error": {"message": str(error), "type": kind, "code": code}}


class Events:
    """The chat.completion.chunk events of one streamed reply."""

    def __init__(self, model: str):
        self.model, self.id, self.created = model, f"chatcmpl-{uuid.uuid4().hex[:16]}", int(time.time())

    def chunk(self, delta: dict, finish: str | None = None) -> str:
        return self._event({"choices": [{"index": 0, "delta": delta, "finish_reason": finish}]})

    def usage(self, usage) -> str:
        return self._event({"choices": [], "usage": usage_dict(usage)})

    def _event(self, fields: dict) -> str:
        data = {"id": self.id, "object": "chat.completion.chunk", "created": self.created, "model": self.model,
                **fields}
        return f"data: {json.dumps(data)}\n\n"

    @staticmethod
    def error(error: Exception) -> str:
        """An error mid-stream, in the form the openai SDK raises as an APIError: data: {"error": {...}}."""
        return f"data: {json.dumps(error_body(error)[1])}\n\n"


async def stream_text(backend, thread: ModelThread, lock, messages, options: dict, include_usage: bool,
                      disconnected):
    """Text (or schema JSON) as it is generated, piece by piece; stops when `disconnected()` says so."""
    events = Events(backend.model)
    async with lock:
        yield events.chunk({"role": "assistant", "content": ""})
        stream = backend.stream(messages, **options)
        try:
            while (piece := await thread.run(lambda: next(stream, _END))) is not _END:
                if await disconnected():
                    return  # the client left: generate no further token
                yield events.chunk({"content": piece})
        except Exception as error:  # noqa: BLE001 (every failure reaches the client as an error event)
            yield events.error(error)
            return
        finally:  # on the model thread, before the next request's first job: the generator ends there
            thread.submit(stream.close)
    result = stream.result
    if result.error:
        yield events.error(SchemaError(result.error))
        return
    yield events.chunk({}, finish=result.finish_reason)
    if include_usage:
        yield events.usage(result.usage)
    yield "data: [DONE]\n\n"


async def stream_tool_reply(backend, thread: ModelThread, lock, messages, options: dict, include_usage: bool):
    """A reply that may call a tool, generated whole, then sent as OpenAI streams one."""
    events = Events(backend.model)
    async with lock:
        yield events.chunk({"role": "assistant", "content": None})
        try:
            result = await thread.run(lambda: backend.chat(messages, **options))
        except Exception as error:  # noqa: BLE001
            yield events.error(error)
            return
    for index, call in enumerate(result.tool_calls):
        head = {"index": index, "id": call.id, "type": "function", "function": {"name": call.name, "arguments": ""}}
        yield events.chunk({"tool_calls": [head]})
        yield events.chunk({"tool_calls": [{"index": index, "function": {"arguments": json.dumps(call.arguments)}}]})
    if result.text:
        yield events.chunk({"content": result.text})
    yield events.chunk({}, finish=result.finish_reason)
    if include_usage:
        yield events.usage(result.usage)
    yield "data: [DONE]\n\n"


def usage_dict(usage) -> dict:
    return {"prompt_tokens": usage.prompt_tokens, "completion_tokens": usage.completion_tokens,
            "total_tokens": usage.total_tokens}
