"""agents: the restaurant reservation agent (LangGraph, real tools on SQLite). See README.md in this folder.

    from agents import make_agent
    agent = make_agent(user="alice")                 # local model (+ the tool-calling adapter if trained)
    turn = agent.send("Book Casa Lupo for 2 tomorrow at 19:00", thread_id="t1")
    turn.pending                                     # what book_table would write, waiting for a yes
    agent.resume("yes", thread_id="t1")
"""

from __future__ import annotations

from pathlib import Path

ADAPTER_RUN_NAME = "agent-tools"  # runs_dir()/agent-tools/latest holds the tool-calling LoRA


def adapter_path() -> Path | None:
    """The tool-calling adapter: the user's runs_dir()/agent-tools/latest, else the shipped one, else None."""
    from tailor.adapters import find

    found = find(ADAPTER_RUN_NAME)
    return found.path if found else None


def make_backend(name: str | None = None, model: str | None = None, adapter: str | Path | None = "auto"):
    """The backend the agent thinks with; a backend that loads adapters uses the tool-calling one when trained."""
    from tailor.backends import chosen_backend, get_backend

    if adapter == "auto":
        adapter = adapter_path() if "adapter" in chosen_backend(name, model).honours else None
    return get_backend(name, model=model, adapter=adapter)


def make_agent(user: str, backend=None, db_path: str | Path | None = None, **options):
    """A ReservationAgent acting for `user` (the application's user, never the model's choice)."""
    from agents import db
    from agents.graph import ReservationAgent

    return ReservationAgent(backend or make_backend(), user, db.path_from(db_path), **options)
