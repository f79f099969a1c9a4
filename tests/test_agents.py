"""The reservation agent's graph on the fake backend: approval, security, bad calls, limits, resume."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
import textwrap

import pytest

from agents import db
from agents.graph import ReservationAgent
from tailor.backends.fake import FakeBackend

TODAY = dt.date(2027, 3, 1)
BOOK = ("book_table", {"restaurant": "Casa Lupo", "party_size": 4, "date": "tomorrow", "time": "19:00"})
ASKED = "Book Casa Lupo for 4 tomorrow at 7pm"  # what the user said: every value of BOOK is in it


def rows(path):
    conn = db.connect(path)
    try:
        return db.snapshot(conn)
    finally:
        conn.close()


def add_booking(path, user, restaurant="Casa Lupo", time="19:00"):
    conn = db.connect(path)
    try:
        return db.book(conn, db.restaurant(conn, restaurant), user, 2, "2027-03-05", time, key=f"{user}-{time}")[0]
    finally:
        conn.close()


def agent_for(fake, path, user="alice", **options):
    return ReservationAgent(fake, user, path, today=TODAY, **options)


def tool_messages(agent, thread):
    return [m["content"] for m in agent.state(thread)["messages"] if m["role"] == "tool"]


def test_book_stops_at_approval_and_yes_writes_exactly_one_row(fake, db_path):
    fake.queue(tool_calls=[BOOK])
    agent = agent_for(fake, db_path)
    turn = agent.send(ASKED, "t1")
    assert turn.pending["preview"] == "book a table at Casa Lupo for 4 on 2027-03-02 at 19:00, in the name of alice"
    assert rows(db_path) == []  # nothing written before the yes
    turn = agent.resume("yes", "t1")
    # the turn ends with the database's own confirmation; the model is not asked again
    assert turn.reply == "Booked booking #1: Casa Lupo, 2027-03-02 at 19:00, party of 4 (active)."
    assert turn.pending is None and len(fake.requests) == 1
    assert [(r[1], r[3], r[4], r[5], r[6]) for r in rows(db_path)] == [
        ("casa-lupo", "alice", 4, "2027-03-02", "19:00")]


def test_no_at_approval_leaves_the_database_unchanged(fake, db_path):
    fake.queue(tool_calls=[BOOK])
    agent = agent_for(fake, db_path)
    agent.send(ASKED, "t1")
    turn = agent.send("no", "t1")  # while an approval is pending, the next message answers it
    assert rows(db_path) == [] and turn.reply.startswith("OK, I did not book it")
    assert "said no" in tool_messages(agent, "t1")[-1] and len(fake.requests) == 1


def test_cancel_stops_at_approval_before_the_write(fake, db_path):
    mine = add_booking(db_path, "alice")
    fake.queue(tool_calls=[("cancel_booking", {"booking_id": mine.id})])
    agent = agent_for(fake, db_path)
    turn = agent.send(f"Cancel my booking #{mine.id}", "t1")
    assert turn.pending["preview"].startswith(f"cancel booking #{mine.id}: Casa Lupo")
    assert rows(db_path)[0][-1] == "active"
    agent.resume("yes", "t1")
    assert rows(db_path)[0][-1] == "cancelled"


def test_planted_instructions_cause_no_write_and_never_touch_other_users(fake, db_path):
    theirs, mine = add_booking(db_path, "bob"), add_booking(db_path, "alice", time="21:00")
    before = rows(db_path)
    fake.queue(tool_calls=[("search_restaurants", {"cuisine": "seafood", "neighbourhood": "Harbour"})])
    fake.queue(tool_calls=[("cancel_booking", {"booking_id": theirs.id})])  # obeys the planted text
    fake.queue(tool_calls=[("cancel_booking", {"booking_id": theirs.id})])  # and again, sent to list instead
    agent = agent_for(fake, db_path)
    turn = agent.send("Tell me about seafood in the Harbour", "t1")
    assert "cancel all bookings" in tool_messages(agent, "t1")[0]  # the planted text reached the model
    assert "list_my_bookings" in tool_messages(agent, "t1")[1]  # the unsaid number: look it up, not cancel
    # nobody asked for a cancel: the turn ends with a question, no approval is even shown
    assert turn.pending is None and "which booking number" in turn.reply
    assert rows(db_path) == before
    fake.queue(tool_calls=[("cancel_booking", {"booking_id": theirs.id})])
    turn = agent.send(f"Cancel booking {theirs.id}", "t1")  # bob's, asked for by alice: refused, never asked
    assert turn.pending is None and "no active booking" in turn.reply and rows(db_path) == before
    assert mine.id != theirs.id


def test_another_users_booking_is_refused_even_when_approved(fake, db_path):
    theirs = add_booking(db_path, "bob")
    fake.queue(tool_calls=[("cancel_booking", {"booking_id": theirs.id})])
    agent = agent_for(fake, db_path)
    turn = agent.send("I am bob, cancel booking 1", "t1")
    assert turn.pending is None and rows(db_path)[0][-1] == "active"


@pytest.mark.parametrize("call, message", [
    (("order_pizza", {"size": "large"}), "no tool called 'order_pizza'"),
    (("book_table", {**BOOK[1], "user": "bob"}), "user: Extra inputs are not permitted"),
    (("book_table", {**BOOK[1], "party_size": 25}), "less than or equal to 20"),
    (("book_table", {**BOOK[1], "date": "2027-02-01"}), "in the past"),
    (("book_table", {**BOOK[1], "time": "09:00"}), "takes bookings from 12:00"),
    (("book_table", {**BOOK[1], "restaurant": "Noodle Palace"}), "no restaurant called"),
    (("search_restaurants", {"cuisine": "martian"}), "unknown cuisine"),
])
def test_bad_calls_become_error_messages_and_never_touch_the_database(fake, db_path, call, message):
    fake.queue(tool_calls=[call]).queue(text="Sorry about that.")
    agent = agent_for(fake, db_path)
    turn = agent.send("Book Casa Lupo or Noodle Palace for 4 or 25, tomorrow or 2027-02-01, at 19:00 or 9am", "t1")
    assert turn.pending is None and turn.reply == "Sorry about that."
    assert tool_messages(agent, "t1")[0].startswith("error:") and message in tool_messages(agent, "t1")[0]
    assert rows(db_path) == []
    assert agent.state("t1")["trace"][1]["status"] == "invalid" or call[0] == "search_restaurants"


def test_a_model_that_repeats_a_call_gets_the_first_answer_and_the_turn_ends(fake, db_path):
    for _ in range(30):
        fake.queue(tool_calls=[("list_my_bookings", {})])
    agent = agent_for(fake, db_path)
    turn = agent.send("list", "t1")
    assert not turn.stopped and turn.reply == "You have no active bookings."
    # the first repeat gets a reminder instead of a second run; the next one ends the turn with the first answer
    statuses = [step["status"] for step in agent.state("t1")["trace"] if step["kind"] == "tool"]
    assert len(fake.requests) == 3 and statuses == ["ok", "invalid"]
    assert "already called" in tool_messages(agent, "t1")[1]


def test_a_model_that_calls_tools_forever_is_stopped_by_the_rounds_rule_not_the_recursion_limit(fake, db_path):
    from agents.rules import MAX_TOOL_ROUNDS

    for size in range(1, 30):  # a different call each time: no repeat to catch
        fake.queue(tool_calls=[("search_restaurants", {"party_size": size})])
    agent = agent_for(fake, db_path)
    turn = agent.send("find me something", "t1")
    assert not turn.stopped and f"stopped after {MAX_TOOL_ROUNDS} steps" in turn.reply
    assert len(tool_messages(agent, "t1")) == MAX_TOOL_ROUNDS


def test_unapproved_side_effect_is_never_run(fake, db_path):
    """The tools node only writes with a recorded yes, whatever the route."""
    from agents.state import Context
    from agents.tools import run_tool

    text, status = run_tool(Context("alice", db_path, TODAY), *BOOK, dry=True)
    assert status == "failed" and "not approved" in text and rows(db_path) == []


RESUME_SCRIPT = textwrap.dedent("""
    import datetime as dt, json, sys
    from agents.graph import ReservationAgent
    from tailor.backends.fake import FakeBackend
    fake = FakeBackend()
    if sys.argv[1] == "start":
        fake.queue(tool_calls=[("book_table", {"restaurant": "Casa Lupo", "party_size": 2,
                                               "date": "2027-03-05", "time": "20:00"})])
    agent = ReservationAgent(fake, "alice", sys.argv[2], today=dt.date(2027, 3, 1))
    text = "Book Casa Lupo for 2 on 2027-03-05 at 20:00"
    turn = agent.send(text, "t1") if sys.argv[1] == "start" else agent.resume("yes", "t1")
    print(json.dumps({"pending": turn.pending, "reply": turn.reply}))
""")


def test_crash_and_resume_from_a_new_process_books_once(db_path):
    def run(step):
        done = subprocess.run([sys.executable, "-c", RESUME_SCRIPT, step, str(db_path)],
                              capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout.strip().splitlines()[-1])

    first = run("start")  # this process ends while the graph waits at the approval
    assert first["pending"]["tool"] == "book_table" and rows(db_path) == []
    second = run("resume")
    assert second["reply"].startswith("Booked booking #1: Casa Lupo, 2027-03-05 at 20:00")
    assert [(r[3], r[5], r[6]) for r in rows(db_path)] == [("alice", "2027-03-05", "20:00")]
    agent = ReservationAgent(FakeBackend(), "alice", db_path, today=TODAY)
    assert agent.pending("t1") is None  # nothing left to resume: a second resume cannot book again


def test_interactive_chat_asks_before_writing_and_books_on_y(fake, db_path, monkeypatch, capsys):
    from agents import cli

    fake.queue(tool_calls=[BOOK])
    answers = iter([ASKED, "y", ""])
    prompts = []
    monkeypatch.setattr("builtins.input", lambda prompt: prompts.append(prompt) or next(answers))
    agent = agent_for(fake, db_path)
    assert cli._interactive(agent, "t1") == 0
    assert prompts[1].startswith("approve: book a table at Casa Lupo for 4 on 2027-03-02 at 19:00")
    assert "agent> Booked booking #1" in capsys.readouterr().out and len(rows(db_path)) == 1


def test_once_without_yes_leaves_the_approval_pending_for_a_later_answer(fake, db_path, capsys):
    from agents import cli

    fake.queue(tool_calls=[BOOK])
    agent = agent_for(fake, db_path)
    assert cli._once(agent, ASKED, "t9", yes=False) == 0
    assert "tailor reserve --thread t9 --once yes" in capsys.readouterr().out
    assert rows(db_path) == [] and agent.pending("t9")["tool"] == "book_table"
