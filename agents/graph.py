"""The agent as a LangGraph graph: model -> (approve) -> tools -> model ..., until the model answers.

    START -> model --(no tool call)--------------------------------> END
               ^   --(read-only call)------------> tools --+
               |   --(book/cancel) -> approve --> tools --+
               +-------------------------------------------+

`approve` pauses the graph with `interrupt(...)` showing exactly what will be written; the human's yes or
no resumes it (`Command(resume=...)`). A SQLite checkpointer saves the state after every step, so a
conversation resumes by thread id after the process restarts. A recursion limit bounds the loop.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
import time
from dataclasses import dataclass, field
from pathlib import Path

from agents import db
from agents.prompts import system_prompt
from agents.schemas import build_tools
from agents.state import Context, State
from agents.tools import SIDE_EFFECT_TOOLS, preview, run_tool
from tailor.errors import SchemaError

RECURSION_LIMIT = 12  # graph steps per user message: about five tool rounds before it is stopped
MAX_TOKENS = 96  # one tool call (~40 tokens) or a short answer
YES = {"y", "yes", "ok", "okay", "approve", "confirm", "sure", "go ahead", "yes please"}


def calls_of(message: dict) -> list[tuple[str, str, dict]]:
    """(id, name, arguments) of each tool call in an assistant message; bad JSON becomes a string."""
    found = []
    for call in message.get("tool_calls") or []:
        arguments = call["function"]["arguments"]
        # bad JSON stays text: run_tool answers the model that it is not a JSON object
        with contextlib.suppress(json.JSONDecodeError):
            arguments = json.loads(arguments) if isinstance(arguments, str) else arguments
        found.append((call["id"], call["function"]["name"], arguments))
    return found


def is_yes(answer) -> bool:
    return answer is True or str(answer).strip().lower().rstrip(".!") in YES


def build_graph(backend, ctx: Context, checkpointer):
    """Compile the graph for one backend and one acting user."""
    from langgraph.graph import END, START, StateGraph
    from langgraph.types import interrupt

    conn = db.connect(ctx.db_path)
    try:
        tools = build_tools(conn)
    finally:
        conn.close()

    def model(state: State) -> dict:
        messages = [{"role": "system", "content": system_prompt(ctx.user, ctx.today)}, *state["messages"]]
        try:
            result = backend.chat(messages, tools=tools, tool_choice="auto", max_tokens=MAX_TOKENS)
        except SchemaError as error:  # cut off mid-JSON: say so instead of crashing the conversation
            return {"messages": [{"role": "assistant", "content": "Sorry, I lost my train of thought."}],
                    "trace": [{"kind": "model", "error": str(error)}]}
        cost = result.cost()
        return {"messages": [result.to_message()],
                "trace": [{"kind": "model", "prompt_tokens": result.usage.prompt_tokens,
                           "completion_tokens": result.usage.completion_tokens,
                           "latency_s": result.latency_s, "usd": cost.usd}]}

    def route(state: State) -> str:
        calls = calls_of(state["messages"][-1])
        if not calls:
            return END
        return "approve" if any(name in SIDE_EFFECT_TOOLS for _, name, _ in calls) else "tools"

    def approve(state: State) -> dict:
        approvals = {}
        for call_id, name, arguments in calls_of(state["messages"][-1]):
            text = preview(ctx, name, arguments) if name in SIDE_EFFECT_TOOLS else None
            if text is not None:  # only calls that would write ask; invalid ones get their error instead
                answer = interrupt({"tool": name, "arguments": arguments, "preview": text})
                approvals[call_id] = is_yes(answer)
        return {"approvals": approvals}

    def run_tools(state: State, config) -> dict:
        thread_id = config["configurable"]["thread_id"]
        approvals = state.get("approvals") or {}
        messages, trace = [], []
        for call_id, name, arguments in calls_of(state["messages"][-1]):
            declined = name in SIDE_EFFECT_TOOLS and approvals.get(call_id) is not True
            if declined and approvals.get(call_id) is False:
                text, status = "The user said no: nothing was written. Ask what they would like instead.", "declined"
            else:  # a side effect without a recorded yes only gets validated, never run
                text, status = run_tool(ctx, name, arguments, thread_id, dry=declined)
            messages.append({"role": "tool", "tool_call_id": call_id, "content": text})
            trace.append({"kind": "tool", "tool": name, "arguments": arguments, "status": status})
        return {"messages": messages, "trace": trace, "approvals": {}}

    graph = StateGraph(State)
    graph.add_node("model", model)
    graph.add_node("approve", approve)
    graph.add_node("tools", run_tools)
    graph.add_edge(START, "model")
    graph.add_conditional_edges("model", route, ["approve", "tools", END])
    graph.add_edge("approve", "tools")
    graph.add_edge("tools", "model")
    return graph.compile(checkpointer=checkpointer)


@dataclass
class Turn:
    """What one user message (or approval answer) led to."""

    reply: str = ""  # the agent's answer; empty while it waits for approval
    pending: dict | None = None  # {"tool", "arguments", "preview"} when the graph waits for a yes or no
    stopped: str = ""  # why the loop was stopped (recursion limit), if it was
    seconds: float = 0.0


@dataclass
class ReservationAgent:
    """One acting user's agent: send messages, answer approvals, resume by thread id."""

    backend: object
    user: str
    db_path: Path = field(default_factory=db.default_path)
    today: object = None
    recursion_limit: int = RECURSION_LIMIT
    checkpoints: Path | None = None

    def __post_init__(self):
        from langgraph.checkpoint.sqlite import SqliteSaver

        self.db_path = Path(self.db_path)
        self.db_path.parent.mkdir(parents=True, exist_ok=True)
        self.ctx = Context(self.user, self.db_path, **({"today": self.today} if self.today else {}))
        self.checkpoints = Path(self.checkpoints or self.db_path.with_suffix(".checkpoints.db"))
        self._conn = sqlite3.connect(self.checkpoints, check_same_thread=False)
        self.graph = build_graph(self.backend, self.ctx, SqliteSaver(self._conn))

    def send(self, text: str, thread_id: str) -> Turn:
        """A user message; while an approval is pending, the message is the answer to it."""
        if self.pending(thread_id):
            return self.resume(text, thread_id)
        return self._run({"messages": [{"role": "user", "content": text}]}, thread_id)

    def resume(self, answer, thread_id: str) -> Turn:
        """Answer the pending approval (yes/no) and continue the graph."""
        from langgraph.types import Command

        return self._run(Command(resume=answer), thread_id)

    def pending(self, thread_id: str) -> dict | None:
        interrupts = self.graph.get_state(self._config(thread_id)).interrupts
        return interrupts[0].value if interrupts else None

    def state(self, thread_id: str) -> dict:
        return self.graph.get_state(self._config(thread_id)).values

    def close(self) -> None:
        self._conn.close()

    def _config(self, thread_id: str) -> dict:
        return {"configurable": {"thread_id": thread_id}, "recursion_limit": self.recursion_limit}

    def _run(self, graph_input, thread_id: str) -> Turn:
        from langgraph.errors import GraphRecursionError

        started = time.perf_counter()
        try:
            self.graph.invoke(graph_input, self._config(thread_id))
        except GraphRecursionError:
            return Turn(stopped=f"stopped: the model kept calling tools past the recursion limit "
                                f"({self.recursion_limit} steps); nothing more was done. Try a more specific "
                                "request.", seconds=time.perf_counter() - started)
        pending = self.pending(thread_id)
        last = self.state(thread_id)["messages"][-1]
        reply = "" if pending else (last.get("content") or "")
        return Turn(reply=reply, pending=pending, seconds=time.perf_counter() - started)
