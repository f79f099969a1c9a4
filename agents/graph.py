"""The agent as a LangGraph graph: model -> (approve) -> tools -> model ..., until the model answers.

    START -> model --(an answer, or a turn rule ends the turn)------> END
               ^   --(read-only call)------------> tools --+--(a write was decided)--> END
               |   --(book/cancel) -> approve --> tools --+
               +-------------------------------------------+

`model` asks the backend for the next step, then applies the turn rules (agents/rules.py) to its call:
a write the user never specified, an identical repeat, a second bad call in a row or one round too many
ends the turn with a question or an answer written by code. A write that passes is checked once, here,
and its checked arguments and preview are stored in the state; `approve` pauses the graph with
`interrupt(...)` showing that preview, and `tools` writes exactly those stored arguments after a yes.
A SQLite checkpointer (loading through a strict deserializer, agents/checkpoints.py) saves the state after
every step, so a conversation resumes by thread id after the process restarts; threads belong to one user.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import time
from dataclasses import dataclass, field
from pathlib import Path

from agents import db, rules
from agents.checkpoints import open_saver
from agents.prompts import system_prompt
from agents.schemas import build_tools
from agents.state import Context, State
from agents.tools import SIDE_EFFECT_TOOLS, plan_write, run_tool, validate
from tailor.errors import SchemaError

RECURSION_LIMIT = 12  # graph steps per user message: a backstop; the turn rules end a turn well before it
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


def review(ctx: Context, state: State, calls: list) -> tuple[str | None, dict | None, list[dict]]:
    """Apply the turn rules to the model's calls: (a reply that ends the turn instead, or None;
    the write to approve, or None; trace records of what a rule stopped)."""
    turn = state.get("turn") or rules.new_turn()
    if not calls:
        return None, None, []
    if turn["rounds"] >= rules.MAX_TOOL_ROUNDS:
        last = list(turn["results"].values())[-1][0] if turn["results"] else ""
        return (f"I stopped after {rules.MAX_TOOL_ROUNDS} steps. The last result was: {last}".strip(),
                None, [{"kind": "rule", "rule": "rounds"}])
    conn = db.connect(ctx.db_path)
    try:
        for _call_id, name, arguments in calls:
            stop = _stopped(ctx, conn, state, turn, name, arguments)
            if stop:
                return stop, None, [{"kind": "rule", "rule": stop[:40], "tool": name, "arguments": arguments}]
    finally:
        conn.close()
    writes = [(i, n, a) for i, n, a in calls if n in SIDE_EFFECT_TOOLS]
    if not writes or _refused(ctx, state, turn, writes[0][1], writes[0][2]):
        return None, None, []  # the tools step answers it with its error
    planned = plan_write(ctx, writes[0][1], writes[0][2])
    if not planned:
        return None, None, []
    args, text = planned
    return None, {"call_id": writes[0][0], "tool": writes[0][1], "arguments": args, "preview": text,
                  "user": ctx.user}, []


def _stopped(ctx: Context, conn, state: State, turn: dict, name: str, arguments) -> str | None:
    """The reply that ends the turn instead of this call, or None when the call may go to the tools step."""
    second = turn["bad"] >= rules.BAD_CALLS - 1  # the previous call was bad: this one must not be
    missing, differs = [], {}
    if name in SIDE_EFFECT_TOOLS and isinstance(arguments, dict):
        missing, differs = rules.ungrounded(name, arguments, state["messages"], ctx.today)
        if missing:  # look it up first (the tools step gives that error), or ask the user
            lookup = None if second else rules.look_it_up(name, missing, state["messages"])
            return None if lookup else rules.ask_missing(name, missing)
    previous = turn["results"].get(rules.signature(name, arguments))
    if previous:
        return rules.repeated(previous, name, missing) if second else None
    if differs and second:
        return rules.ask_invalid(rules.not_what_was_said(differs))
    if second:
        try:
            validate(ctx, conn, name, arguments)
        except ValueError as error:
            return rules.ask_invalid(str(error))
    return None


def _refused(ctx: Context, state: State, turn: dict, name: str, arguments) -> str | None:
    """The error the tools step gives a call instead of running it: a repeat, or a write with values the user
    never gave. None when the call may run."""
    if rules.signature(name, arguments) in turn["results"]:
        return (f"error: {name} was already called with these arguments in this turn (its answer is above); "
                "do not repeat it: answer the user or call another tool.")
    if name in SIDE_EFFECT_TOOLS and isinstance(arguments, dict):
        missing, differs = rules.ungrounded(name, arguments, state["messages"], ctx.today)
        if missing:  # `_stopped` let it through: a read-only tool can find the value
            return rules.look_it_up(name, missing, state["messages"])
        return rules.not_what_was_said(differs) if differs else None
    return None


def build_graph(backend, ctx: Context, checkpointer):
    """Compile the graph for one backend and one acting user."""
    from langgraph.graph import END, START, StateGraph
    from langgraph.types import interrupt

    conn = db.connect(ctx.db_path)
    try:
        tools, vocab = build_tools(conn), db.vocabulary(conn)
    finally:
        conn.close()

    def model(state: State) -> dict:
        messages = [{"role": "system", "content": system_prompt(ctx.user, ctx.today)}, *state["messages"]]
        choice, offered = rules.next_step(state["messages"], state.get("turn"), ctx.today)
        try:
            result = backend.chat(messages, tools=[t for t in tools if offered is None or t.name in offered],
                                  tool_choice=choice, max_tokens=MAX_TOKENS)
        except SchemaError as error:  # cut off mid-JSON: say so instead of crashing the conversation
            return {"messages": [{"role": "assistant", "content": "Sorry, I lost my train of thought."}],
                    "trace": [{"kind": "model", "error": str(error)}]}
        cost = result.cost()
        trace = [{"kind": "model", "prompt_tokens": result.usage.prompt_tokens,
                  "completion_tokens": result.usage.completion_tokens, "latency_s": result.latency_s,
                  "usd": cost.usd}]
        message, fixes = _with_users_values(result.to_message(), state["messages"], ctx.today, vocab)
        if not message.get("tool_calls"):
            message = {**message, "content": rules.tidy_answer(message.get("content") or "", state["messages"])}
        reply, pending, stopped = review(ctx, state, calls_of(message))
        if reply is not None:  # a rule ends the turn: the unrun call never enters the conversation
            return {"messages": [{"role": "assistant", "content": reply}], "trace": trace + stopped}
        return {"messages": [message], "trace": trace + fixes, "pending": pending}

    def route(state: State) -> str:
        calls = calls_of(state["messages"][-1])
        if not calls:
            return END
        return "approve" if state.get("pending") else "tools"

    def approve(state: State) -> dict:
        pending = state["pending"]  # stored by `model`: resuming re-runs this node, never the checks
        answer = interrupt({"tool": pending["tool"], "arguments": pending["arguments"],
                            "preview": pending["preview"]})
        return {"pending": {**pending, "approved": is_yes(answer)}}

    def run_tools(state: State, config) -> dict:
        thread_id = config["configurable"]["thread_id"]
        turn = dict(state.get("turn") or rules.new_turn())
        results, messages, trace, decided = dict(turn["results"]), [], [], None
        for call_id, name, arguments in calls_of(state["messages"][-1]):
            refused = _refused(ctx, state, turn, name, arguments)
            if refused:  # not run; a repeat keeps its first answer in `results`
                text, status = refused, "invalid"
                results.setdefault(rules.signature(name, arguments), (text, status))
            else:
                text, status = _run_one(ctx, state.get("pending"), call_id, name, arguments, thread_id, decided)
                results[rules.signature(name, arguments)] = (text, status)
            if name in SIDE_EFFECT_TOOLS and status != "invalid" and decided is None:
                decided = (name, text, status)
            messages.append({"role": "tool", "tool_call_id": call_id, "content": text})
            trace.append({"kind": "tool", "tool": name, "arguments": arguments, "status": status})
        all_bad = all(step["status"] == "invalid" for step in trace)
        called = [step["tool"] for step in trace]
        steer = rules.steer([m["content"] for m in messages], called, [t.name for t in tools]) if all_bad else []
        # a look-up the errors asked for has answered: the next step is the call it was for
        looked_up = turn.get("wanted", []) if turn.get("steer") and not all_bad else []
        turn.update(results=results, rounds=turn["rounds"] + 1, bad=turn["bad"] + 1 if all_bad else 0,
                    steer=steer, wanted=called if steer else [], looked_up=looked_up)
        if decided:  # one write per turn: it ends with the database's answer, the model proposes nothing more
            messages.append({"role": "assistant", "content": rules.after_write(*decided)})
        return {"messages": messages, "trace": trace, "turn": turn, "pending": None}

    def after_tools(state: State) -> str:
        return END if state["messages"][-1]["role"] == "assistant" else "model"

    graph = StateGraph(State)
    graph.add_node("model", model)
    graph.add_node("approve", approve)
    graph.add_node("tools", run_tools)
    graph.add_edge(START, "model")
    graph.add_conditional_edges("model", route, ["approve", "tools", END])
    graph.add_edge("approve", "tools")
    graph.add_conditional_edges("tools", after_tools, ["model", END])
    return graph.compile(checkpointer=checkpointer)


def _with_users_values(message: dict, history: list[dict], today, vocab: dict | None = None
                       ) -> tuple[dict, list[dict]]:
    """The model's message with each booking's party size, date and time as the user said them
    (rules.corrected), and trace records of what changed; the history then shows what was really called."""
    calls, fixes = [], []
    for call in message.get("tool_calls") or []:
        (_, name, arguments), = calls_of({"tool_calls": [call]})
        fixed, changed = rules.corrected(name, arguments, history, today, vocab)
        if changed:
            fixes.append({"kind": "rule", "rule": "user's values", "tool": name, "fields": changed,
                          "model_arguments": arguments})
            call = {**call, "function": {"name": name, "arguments": json.dumps(fixed)}}
        calls.append(call)
    return ({**message, "tool_calls": calls} if calls else message), fixes


def _run_one(ctx: Context, pending, call_id, name, arguments, thread_id, decided) -> tuple[str, str]:
    """One call of the tools step: a write runs only as the approved, stored plan of this very call."""
    if name not in SIDE_EFFECT_TOOLS:
        return run_tool(ctx, name, arguments, thread_id)
    if decided is not None:
        return "error: one booking or cancellation per request; ask the user before the next.", "failed"
    if not pending or pending["call_id"] != call_id or pending["user"] != ctx.user:
        return run_tool(ctx, name, arguments, thread_id, dry=True)  # invalid or unavailable: its error
    if not pending.get("approved"):
        return "The user said no: nothing was written.", "declined"
    return run_tool(ctx, pending["tool"], pending["arguments"], thread_id)  # exactly what the preview showed


@dataclass
class Turn:
    """What one user message (or approval answer) led to."""

    reply: str = ""  # the agent's answer; empty while it waits for approval
    pending: dict | None = None  # {"tool", "arguments", "preview"} when the graph waits for a yes or no
    stopped: str = ""  # why the loop was stopped (recursion limit), if it was
    seconds: float = 0.0


@dataclass
class ReservationAgent:
    """One acting user's agent: send messages, answer approvals, resume by thread id.

    A thread belongs to the user who started it: the checkpoint key is (user, thread), so another user
    resuming the same thread id finds an empty conversation, with nothing pending to see or approve."""

    backend: object
    user: str
    db_path: Path = field(default_factory=db.default_path)
    today: object = None  # None: the real date, and bookings today must be later than the clock
    recursion_limit: int = RECURSION_LIMIT
    checkpoints: Path | None = None
    now: object = None  # the time of day for the "already passed today" check (from the clock when today is)

    def __post_init__(self):
        self.db_path = Path(self.db_path)
        self.db_path.parent.mkdir(parents=True, exist_ok=True)
        if self.today is None:
            clock = dt.datetime.now()
            self.today, self.now = clock.date(), self.now or clock.time()
        self.ctx = Context(self.user, self.db_path, self.today, self.now)
        self.checkpoints = Path(self.checkpoints or self.db_path.with_suffix(".checkpoints.db"))
        self._conn, saver = open_saver(self.checkpoints)
        self.graph = build_graph(self.backend, self.ctx, saver)

    def send(self, text: str, thread_id: str) -> Turn:
        """A user message; while an approval is pending, the message is the answer to it."""
        if self.pending(thread_id):
            return self.resume(text, thread_id)
        return self._run({"messages": [{"role": "user", "content": text}], "turn": rules.new_turn(),
                          "pending": None}, thread_id)

    def resume(self, answer, thread_id: str) -> Turn:
        """Answer the pending approval (yes/no) and continue the graph; without one, nothing happens."""
        from langgraph.types import Command

        if not self.pending(thread_id):
            return Turn(reply="There is nothing waiting for approval in this conversation.")
        return self._run(Command(resume=answer), thread_id)

    def pending(self, thread_id: str) -> dict | None:
        interrupts = self.graph.get_state(self._config(thread_id)).interrupts
        return interrupts[0].value if interrupts else None

    def state(self, thread_id: str) -> dict:
        return self.graph.get_state(self._config(thread_id)).values

    def close(self) -> None:
        self._conn.close()

    def _config(self, thread_id: str) -> dict:
        key = json.dumps([self.user, thread_id])  # unambiguous whatever the names hold
        return {"configurable": {"thread_id": key}, "recursion_limit": self.recursion_limit}

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
