"""The booking tab: one request to the reservation agent (agents/), with and without its tool adapter.

Each column is an agent of its own, on its own conversation, over the same database as `tailor reserve`.
Every tool call it makes is shown with its result. A write (book, cancel) is never run from here: the agent's
graph stops before it (agents/graph.py `approve`), the page shows the preview with Approve and Decline, and
only the user's click resumes it with yes, as the CLI does after its "[y/N]".
"""

from __future__ import annotations

import re
import uuid

from playground import inputs
from playground.events import measured
from tailor.serve_request import RequestError

COLUMNS = [("adapter", "agent + tool adapter", "the tool-calling LoRA (agents/train_tools.py)"),
           ("base", "agent, base model", "the same agent without the adapter")]
EXAMPLE = "Book a table at Casa Lupo for 2 tomorrow at 19:00"
MAX_MESSAGE_CHARS = 1000
MAX_SESSIONS = 16  # conversations kept in memory; the oldest is closed past this
SESSION = re.compile(r"^[0-9a-f]{8,32}$")


def check(body: dict) -> tuple[str, str]:
    """(session, message); the page sends the session it was given, so an approval finds its agent."""
    message = inputs.text(body, "message", MAX_MESSAGE_CHARS)
    return session_of(body, required=False), message


def check_approval(body: dict) -> tuple[str, str, bool]:
    session = session_of(body, required=True)
    column = inputs.choice(body, "column", [key for key, _, _ in COLUMNS], "")
    return session, column, inputs.flag(body, "approve")


def session_of(body: dict, required: bool) -> str:
    value = body.get("session")
    if value is None and not required:
        return uuid.uuid4().hex[:16]
    if not isinstance(value, str) or not SESSION.match(value):
        raise RequestError(400, "\"session\" must be the id the page was given (8 to 32 hex digits)")
    return value


def run(plan: tuple[str, str], ctx, emit) -> None:
    session, message = plan
    emit("session", session=session)
    emit.columns(COLUMNS)
    for key, _, _ in COLUMNS:
        step(ctx, emit, session, key, lambda agent, thread: agent.send(message, thread))


def resume(plan: tuple[str, str, bool], ctx, emit) -> None:
    session, column, approve = plan
    emit.columns([c for c in COLUMNS if c[0] == column])
    step(ctx, emit, session, column, lambda agent, thread: agent.resume("yes" if approve else "no", thread))


def pending(ctx, session: str, column: str) -> bool:
    kept = ctx.cache("booking").get((session, column))
    return bool(kept and kept[0].pending(kept[1]))


def step(ctx, emit, session: str, key: str, act) -> None:
    """One step of one column's conversation, measured; then the tool calls it made, each with its result."""
    measured(emit, key, lambda: agent_for(ctx, session, key)[0].backend,
             lambda _: turn(emit, key, *agent_for(ctx, session, key), act))


def turn(emit, key: str, agent, thread: str, act) -> dict:
    seen = len(agent.state(thread).get("messages", []))
    result = act(agent, thread)
    for event in tool_events(agent.state(thread).get("messages", []), seen):
        emit("tool", key, **event)
    if result.pending:
        emit("approval", key, tool=result.pending["tool"], arguments=result.pending["arguments"],
             preview=result.pending["preview"])
        return {"text": f"waiting for your approval: {result.pending['preview']}", "waiting": True}
    return {"text": result.stopped or result.reply, "waiting": False}


def tool_events(messages: list[dict], seen: int) -> list[dict]:
    """Each tool call that is new since message `seen`, or whose result is (the write run after an approval),
    with the result the tool gave; None while it waits for the approval."""
    from agents.graph import calls_of

    results = {m.get("tool_call_id"): (at, m.get("content"))
               for at, m in enumerate(messages) if m.get("role") == "tool"}
    events = []
    for at, message in enumerate(messages):
        for call_id, name, arguments in calls_of(message) if message.get("role") == "assistant" else []:
            answered, result = results.get(call_id, (-1, None))
            if at >= seen or answered >= seen:
                events.append({"name": name, "arguments": arguments, "result": result})
    return events


def agent_for(ctx, session: str, key: str):
    """The column's agent and thread for this page session, made on first use."""
    kept = ctx.cache("booking")
    if (session, key) not in kept:
        if len(kept) >= 2 * MAX_SESSIONS:
            oldest = next(iter(kept))
            kept.pop(oldest)[0].close()
        kept[(session, key)] = (make_agent(ctx, key), f"{session}-{key}")
    return kept[(session, key)]


def make_agent(ctx, key: str):
    from agents import adapter_path
    from agents import make_agent as agent_of
    from playground.meter import Meter
    from tailor.errors import UsageError

    adapter = None
    if key == "adapter":
        if not ctx.honours("adapter"):
            raise UsageError("this backend loads no LoRA adapter; the tool adapter needs --backend local")
        adapter = adapter_path()
        if adapter is None:
            raise UsageError("the tool adapter is not trained yet; run `tailor reserve train-tools` first")
    backend = ctx.make_backend(adapter=adapter) if adapter else ctx.make_backend()
    return agent_of(user(), backend=Meter(backend), db_path=ctx.kept.get("db_path"))


def user() -> str:
    """Who is acting: the login name, as `tailor reserve` uses (never the model's choice)."""
    import getpass

    try:
        return (getpass.getuser() or "guest").strip()[:64] or "guest"
    except (OSError, KeyError):  # no login name in this environment (some containers)
        return "guest"
