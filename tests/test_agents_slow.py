"""The reservation agent end to end on the real local model (slow: loads the bundled model)."""

from __future__ import annotations

import datetime as dt

import pytest

from agents import db
from agents.graph import ReservationAgent

pytestmark = pytest.mark.slow


def test_a_fully_specified_request_on_the_real_model_writes_only_what_was_approved(local_backend, tmp_path):
    """Whatever the small model decides, its replies parse (constrained decoding), the graph ends within the
    recursion limit, nothing is written before the approval, and afterwards only the approved booking."""
    path = tmp_path / "reservations.db"
    db.reset(path)
    agent = ReservationAgent(local_backend, "alice", path, today=dt.date(2027, 3, 1), recursion_limit=4)
    try:
        turn = agent.send("Book a table for 2 at Casa Lupo on 2027-03-05 at 19:00.", "t1")
        before = _bookings(path)
        approved = turn.pending
        if approved:
            turn = agent.resume("yes", "t1")
        trace = agent.state("t1")["trace"]
    finally:
        agent.close()
    assert before == []
    assert turn.pending is None and (turn.reply or turn.stopped)
    assert all(step.get("status") in ("ok", "invalid", "failed") for step in trace if step["kind"] == "tool")
    made = _bookings(path)
    if approved and approved["tool"] == "book_table":
        assert [f"book a table at {b.restaurant} for {b.party_size} on {b.date} at {b.time}, in the name of alice"
                for b in made] in ([], [approved["preview"]])
    else:
        assert made == []


def _bookings(path):
    conn = db.connect(path)
    try:
        return db.bookings(conn)
    finally:
        conn.close()


def test_once_yes_on_the_real_model_books_at_most_once_and_only_what_was_asked(local_backend, tmp_path, capsys):
    """`tailor reserve --once "..." --yes` on the bundled model: whatever it proposes, at most one booking,
    and a booking made holds exactly the request's values (the turn rules refuse guessed ones)."""
    from agents import cli

    path = tmp_path / "reservations.db"
    agent = ReservationAgent(local_backend, "alice", path, today=dt.date(2027, 3, 1))
    try:
        assert cli._once(agent, "Book a table for 3 at Casa Lupo on 2027-03-05 at 20:00", "t1", yes=True) == 0
        trace = agent.state("t1")["trace"]
    finally:
        agent.close()
    out = capsys.readouterr().out
    made = [(b.restaurant, b.party_size, b.date, b.time) for b in _bookings(path)]
    assert made in ([], [("Casa Lupo", 3, "2027-03-05", "20:00")])
    assert out.count("approved:") <= 1 and "recursion limit" not in out
    assert sum(step["kind"] == "model" for step in trace) <= 5
