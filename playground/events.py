"""What a run tells the page, one JSON object a line (NDJSON), in the order it happens:

    {"type": "column",   "column": "rag", "title": "RAG", "note": "..."}   the side-by-side layout, first
    {"type": "progress", "column": "rag", "message": "retrieving"}          a long step under way
    {"type": "text",     "column": "rag", "text": " Backups"}                a piece of the reply, as generated
    {"type": "tool",     "column": "...", "name": "...", "arguments": {...}, "result": "..."}
    {"type": "approval", "column": "...", "preview": "...", "tool": "..."}  the agent waits for a yes or no
    {"type": "final",    "column": "rag", "text": "...", ...}              the finished answer and its extras
    {"type": "stats",    "column": "rag", "latency_s": 1.2, "prompt_tokens": 300, "completion_tokens": 40,
                         "calls": 1, "cost": "$0 (local model, 1.2 CPU-s)"}
    {"type": "error",    "column": "rag", "message": "..."}                  this column failed; the others go on
    {"type": "end"}

`measured` runs one column: its errors end that column only (a TailorError's message as it is, anything
else as a bug report line), and its numbers are what its backend calls actually used.
"""

from __future__ import annotations

import sys
import time
import traceback

from playground.meter import Meter
from tailor.errors import TailorError, report_bug


class Cancelled(Exception):
    """The page went away: stop generating between two pieces."""


class Emitter:
    def __init__(self, put, cancelled=lambda: False):
        self.put, self.cancelled = put, cancelled

    def __call__(self, kind: str, column: str | None = None, **fields) -> None:
        if self.cancelled():
            raise Cancelled
        self.put({"type": kind, **({"column": column} if column else {}), **fields})

    def columns(self, columns) -> None:
        """Lay the columns out before any of them runs: (key, title, note) each."""
        for key, title, note in columns:
            self("column", key, title=title, note=note)


def measured(emit: Emitter, key: str, make_backend, work) -> None:
    """Run `work(meter)` for one column and report its answer and numbers. `make_backend()` gives the column's
    backend (or a Meter kept from an earlier request), or is None for a column without a language model (the
    custom model, the advisor's classifier)."""
    started, meter = time.perf_counter(), None
    try:
        if make_backend is not None:
            backend = make_backend()  # a Meter already when it lives across requests (an agent's)
            meter = backend if isinstance(backend, Meter) else Meter(backend)
            meter.listen(lambda piece: emit("text", key, text=piece),
                         lambda n: emit("progress", key, message=f"model call {n}"))
        emit("final", key, **work(meter))
    except Cancelled:
        raise
    except TailorError as error:
        emit("error", key, message=str(error))
    except Exception as error:  # noqa: BLE001 (a bug: logged with its traceback, the server keeps serving)
        traceback.print_exception(error, file=sys.stderr)
        emit("error", key, message=report_bug(error))
    emit("stats", key, **stats(meter, time.perf_counter() - started))


def stats(meter: Meter | None, seconds: float) -> dict:
    """The column's measured latency, tokens and cost (the price table for hosted models, tailor/cost.py)."""
    from tailor.backends.base import ChatResult, Usage

    usage = meter.usage if meter else Usage()
    numbers = {"latency_s": round(seconds, 3), "prompt_tokens": usage.prompt_tokens,
               "completion_tokens": usage.completion_tokens, "calls": meter.calls if meter else 0}
    if meter is None or meter.calls == 0:
        return {**numbers, "cost": "$0 (no language-model call)"}
    cost = ChatResult(text="", usage=usage, latency_s=seconds, model=meter.model, backend=meter.name).cost()
    usd = "n/a" if cost.usd is None else f"${cost.usd:.6f}"
    return {**numbers, "cost": f"{usd} ({cost.priced_as})"}
