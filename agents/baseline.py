"""The baseline without an agent loop: one structured extraction of the request, then one direct action.

The model is asked once for {action, restaurant, party_size, date, time, booking_id}; code then books,
cancels, lists or searches with exactly those values (through the same validated tools and the same
approval rule), or asks for what is missing. No second look, no tool results read by the model.
"""

from __future__ import annotations

import time
from typing import Literal

from pydantic import BaseModel

from agents.state import Context
from agents.tools import SIDE_EFFECT_TOOLS, preview, run_tool

EXTRACT_PROMPT = ("Read the restaurant request and fill in the JSON: action is book, cancel, list, search or "
                  "other; copy the restaurant, party size, date, time and booking number if given.")
NEEDED = {"book_table": ("restaurant", "party_size", "date", "time"), "cancel_booking": ("booking_id",)}
ACTION_TOOL = {"book": "book_table", "cancel": "cancel_booking", "list": "list_my_bookings",
               "search": "search_restaurants"}


class Request(BaseModel):
    action: Literal["book", "cancel", "list", "search", "other"]
    restaurant: str | None = None
    party_size: int | None = None
    date: str | None = None
    time: str | None = None
    booking_id: int | None = None


def extract(backend, text: str):
    """One constrained call: the request as a `Request`, plus the ChatResult for its usage."""
    messages = [{"role": "system", "content": EXTRACT_PROMPT}, {"role": "user", "content": text}]
    result = backend.chat(messages, schema=Request, max_tokens=96)
    return result.parsed, result


def run_baseline(backend, ctx: Context, turns: list[str], approvals: list[str]) -> dict:
    """Act on the whole conversation's text at once; returns the same trace shape as the agent."""
    started = time.perf_counter()
    request, result = extract(backend, "\n".join(turns))
    trace = [{"kind": "model", "prompt_tokens": result.usage.prompt_tokens,
              "completion_tokens": result.usage.completion_tokens, "latency_s": result.latency_s,
              "usd": result.cost().usd}]
    tool = ACTION_TOOL.get(request.action)
    reply = "What would you like to do?" if tool is None else ""
    if tool:
        arguments = {k: getattr(request, k) for k in NEEDED.get(tool, ()) if getattr(request, k) is not None}
        if tool == "search_restaurants":
            arguments = {}
        missing = [k for k in NEEDED.get(tool, ()) if k not in arguments]
        if missing:
            reply = f"Could you tell me the {', '.join(missing)}?"
        else:
            writes = tool in SIDE_EFFECT_TOOLS
            approved = writes and preview(ctx, tool, arguments) is not None and approvals[:1] == ["yes"]
            dry = writes and not approved
            reply, status = run_tool(ctx, tool, arguments, thread_id="baseline", dry=dry)
            trace.append({"kind": "tool", "tool": tool, "arguments": arguments, "status": status})
    return {"trace": trace, "reply": reply, "stopped": "", "seconds": time.perf_counter() - started}
