"""What the graph carries between steps (checkpointed) and what the application fixes (never the model).

`State` is saved by the SQLite checkpointer after every step, so a conversation resumes by thread id in a
new process. `Context` comes from the application: who the acting user is, which database, what "today"
is. The model can read none of it into a tool call, so it cannot act as another user.
"""

from __future__ import annotations

import datetime as dt
import operator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, TypedDict


class State(TypedDict, total=False):
    messages: Annotated[list[dict], operator.add]  # OpenAI-style messages, appended by each node
    trace: Annotated[list[dict], operator.add]  # one record per model call or tool call, for evaluation
    turn: dict  # this user message's bookkeeping (agents.rules.new_turn), reset by each new message
    # the write waiting for a yes: {"call_id", "tool", "arguments" (checked), "preview", "user", "approved"}
    pending: dict | None


@dataclass
class Context:
    user: str  # the acting user, from the application (--user), never from the conversation
    db_path: Path
    today: dt.date = field(default_factory=dt.date.today)  # fixed in evaluations so dates are reproducible
    now: dt.time | None = None  # the time of day today: a booking today must be later (None: no such check)
