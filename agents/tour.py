"""The agent's stop in `tailor tour`: one fully specified request, the approval, the database after it.

Runs on a scratch database (TAILOR_HOME/tour-reservations.db, reseeded each time) so the user's own
bookings are never touched. The approval is answered yes, as `--once ... --yes` would.
"""

from __future__ import annotations

import datetime as dt
import uuid

REQUEST = "Book a table for 3 at Casa Lupo on {date} at 20:00."  # fully specified: one booking, one approval
DAYS_AHEAD = 3


def run(args) -> str:
    from agents import db, make_agent, make_backend
    from tailor.config import home

    path = db.reset(home() / "tour-reservations.db")
    backend = make_backend(getattr(args, "backend", None), getattr(args, "model", None))
    agent = make_agent("tour", backend=backend, db_path=path)
    request = REQUEST.format(date=(dt.date.today() + dt.timedelta(days=DAYS_AHEAD)).isoformat())
    thread = f"tour-{uuid.uuid4().hex[:8]}"  # a new conversation each run, never an old pending approval
    print(f"you> {request}")
    try:
        turn, asked = agent.send(request, thread), 0
        while turn.pending:  # like --once --yes: the first write is approved, anything after it is not
            asked += 1
            answer = "yes" if asked == 1 else "no"
            print(f"approve? {turn.pending['preview']} -> {answer}")
            turn = agent.resume(answer, thread)
        print(f"agent> {turn.reply or turn.stopped}")
        calls = [s["tool"] for s in agent.state(thread).get("trace", []) if s.get("kind") == "tool"]
    finally:
        agent.close()
    conn = db.connect(path)
    try:
        made = db.bookings(conn, "tour")
    finally:
        conn.close()
    print("database:", "; ".join(b.describe() for b in made) or "no booking")
    return (f"{backend.name}:{backend.model}: {len(calls)} tool call(s) {calls}, {asked} approval(s), "
            f"{len(made)} booking(s) in {turn.seconds:.0f} s for the last step")
