"""Running one page request: its job on the one model thread, its events streamed back as they happen.

All model work runs on tailor serve's `ModelThread` (tailor/serve_stream.py: torch works best on one
thread), one job at a time; the event loop stays free to stream the events, answer /api/health and see
the page go away, which stops the job between two pieces (events.Cancelled).
"""

from __future__ import annotations

import asyncio
import json
import threading

from playground.events import Cancelled, Emitter

_END = object()


class Runner:
    def __init__(self):
        from tailor.serve_stream import ModelThread

        self.thread = ModelThread()
        self.lock = asyncio.Lock()  # one run at a time: the model and the CPU are shared

    def response(self, job):
        """A streaming response of the NDJSON events that `job(emit)` produces."""
        from starlette.responses import StreamingResponse

        return StreamingResponse(self.events(job), media_type="application/x-ndjson",
                                 headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"})

    async def events(self, job):
        loop, queue, stop = asyncio.get_running_loop(), asyncio.Queue(), threading.Event()

        def put(event) -> None:
            loop.call_soon_threadsafe(queue.put_nowait, event)

        if self.lock.locked():
            yield line({"type": "progress", "message": "waiting for the run before this one to finish"})
        async with self.lock:
            future = self.thread.submit(lambda: run_job(job, Emitter(put, stop.is_set)))
            future.add_done_callback(lambda _: put(_END))
            try:
                while (event := await queue.get()) is not _END:
                    yield line(event)
            finally:
                stop.set()  # the page went away (or the run ended): the job stops at its next event


def run_job(job, emit: Emitter) -> None:
    """The job, then "end"; an error before any column ran (the notes cannot be opened) ends the whole run."""
    import sys
    import traceback

    from tailor.errors import TailorError, report_bug

    try:
        try:
            job(emit)
        except TailorError as error:
            emit("error", message=str(error))
        except Cancelled:
            raise
        except Exception as error:  # noqa: BLE001 (a bug: logged, and the server keeps serving)
            traceback.print_exception(error, file=sys.stderr)
            emit("error", message=report_bug(error))
        emit("end")
    except Cancelled:
        pass


def line(event: dict) -> str:
    return json.dumps(event, default=str) + "\n"
