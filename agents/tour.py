"""The agent's stop in `tailor tour`: one fully specified request, the approval, the database after it.

Runs on a scratch database (TAILOR_HOME/tour-reservations.db, reseeded each time) so the user's own
bookings are never touched. The approval is answered yes, as `--once ... --yes` would.
"""

from __future__ import annotations

import datetime as dt

REQUEST = "Book a table for 2 at Casa Lupo tomorrow at 19:00."


def run(args) -> str:
    from agents import db, make_agent, make_backend
    from tailor.config import home

    path = db.reset(home() / "tour-reservations.db")
    backend = make_backend(getattr(args, "backend", None), getattr(args, "model", None))
    agent = make_agent("tour", backend=backend, db_path=path, today=dt.date.today())
    print(f"you> {REQUEST}")
    try:
        turn, asked = agent.send(REQUEST, "tour"), 0
        while turn.pending:
            asked += 1
            print(f"approve? {turn.pending['preview']} -> yes")
            turn = agent.resume("yes", "tour")
        print(f"agent> {turn.reply or turn.stopped}")
        calls = [s["tool"] for s in agent.state("tour").get("trace", []) if s.get("kind") == "tool"]
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
