"""What a hostile or careless user tried on the agent: tampered checkpoints, foreign files, approval bypasses."""

from __future__ import annotations

import datetime as dt
import sqlite3
import subprocess
import sys

import pytest
from agent_cases import CALL, SAID, TODAY, bookings

from agents.graph import ReservationAgent
from agents.state import Context
from agents.tools import run_tool


def tailor(*args):
    return subprocess.run([sys.executable, "-m", "tailor", *args], capture_output=True, text=True, timeout=120)


# -- a tampered checkpoint runs nothing -----------------------------------------------------------
def _evil_checkpoint(marker) -> bytes:
    import ormsgpack

    return ormsgpack.packb(ormsgpack.Ext(0, ormsgpack.packb(["os", "system", f"touch {marker}"])))


def test_the_attack_is_real_with_a_permissive_serializer(tmp_path):
    """The stored bytes do run a command under LangGraph's permissive default: the test below is a real attack."""
    from langgraph.checkpoint.serde.jsonplus import JsonPlusSerializer

    marker = tmp_path / "pwned-permissive"
    JsonPlusSerializer(allowed_msgpack_modules=True).loads_typed(("msgpack", _evil_checkpoint(marker)))
    assert marker.exists()


def test_a_tampered_checkpoint_runs_nothing_and_is_a_clear_error(fake, db_path, tmp_path):
    fake.queue(tool_calls=[CALL])
    agent = ReservationAgent(fake, "alice", db_path, today=TODAY)
    agent.send(SAID, "t1")  # a pending approval, checkpointed
    agent.close()
    marker = tmp_path / "pwned"
    conn = sqlite3.connect(db_path.with_suffix(".checkpoints.db"))
    with conn:
        conn.execute("UPDATE checkpoints SET type = 'msgpack', checkpoint = ?", (_evil_checkpoint(marker),))
    conn.close()
    done = tailor("reserve", "--backend", "fake", "--db", str(db_path), "--user", "alice", "--thread", "t1",
                  "--once", "yes")
    assert done.returncode == 2 and not marker.exists()
    assert "error: refusing to load a checkpoint that names os.system" in done.stderr
    assert "Traceback" not in done.stderr and bookings(db_path) == []


@pytest.mark.parametrize("kind", ["pickle", "json"])
def test_checkpoints_stored_as_pickle_or_json_are_refused(kind):
    from agents.checkpoints import UntrustedCheckpoint, strict_serializer

    with pytest.raises(UntrustedCheckpoint):
        strict_serializer().loads_typed((kind, b"cos\nsystem\n(S'true'\ntR."))


def test_the_strict_serializer_still_reads_what_the_graph_writes(fake, db_path):
    fake.queue(tool_calls=[CALL])
    ReservationAgent(fake, "alice", db_path, today=TODAY).send(SAID, "t1")
    again = ReservationAgent(fake, "alice", db_path, today=TODAY)  # a new process would load the same way
    assert again.pending("t1")["preview"].startswith("book a table at Casa Lupo for 3")
    again.resume("yes", "t1")
    assert len(bookings(db_path)) == 1


# -- reset never turns a user's file into a database ----------------------------------------------
@pytest.mark.parametrize("content", [b"my notes\n", b""])
def test_reset_refuses_a_file_that_is_not_a_reservations_database(tmp_path, content):
    notes = tmp_path / "notes.txt"
    notes.write_bytes(content)
    done = tailor("reserve", "reset", "--db", str(notes))
    assert done.returncode == 2 and done.stderr.startswith("error:") and "not a tailor reservations" in done.stderr
    assert notes.read_bytes() == content and not (tmp_path / "notes.txt-wal").exists()


def test_reset_refuses_another_programs_sqlite_database(tmp_path):
    other = tmp_path / "other.db"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE accounts (id INTEGER)")
    conn.commit()
    conn.close()
    before = other.read_bytes()
    assert tailor("reserve", "reset", "--db", str(other)).returncode == 2
    assert other.read_bytes() == before


# -- approval cannot be bypassed ------------------------------------------------------------------
def test_once_yes_approves_at_most_one_write_of_ten_proposals(fake, db_path, capsys):
    from agents import cli

    times = ["18:00", "18:30", "19:00", "19:30", "20:00", "20:30", "21:00", "21:30", "22:00", "12:00"]
    for time in times:
        fake.queue(tool_calls=[("book_table", {"restaurant": "Casa Lupo", "party_size": 2, "date": "2027-03-05",
                                               "time": time})])
    agent = ReservationAgent(fake, "alice", db_path, today=TODAY)
    said = f"Book Casa Lupo for 2 on 2027-03-05 at {', '.join(times)}"
    assert cli._once(agent, said, "t1", yes=True) == 0
    assert len(bookings(db_path)) == 1 and capsys.readouterr().out.count("approved:") == 1


def test_another_user_resuming_a_thread_sees_nothing_and_cannot_approve(fake, db_path):
    fake.queue(tool_calls=[CALL])
    alice = ReservationAgent(fake, "alice", db_path, today=TODAY)
    alice.send(SAID, "shared")
    bob = ReservationAgent(fake, "bob", db_path, today=TODAY)
    assert bob.pending("shared") is None and bob.state("shared") == {}  # no preview, no history
    assert bob.resume("yes", "shared").reply.startswith("There is nothing waiting")
    assert bookings(db_path) == [] and alice.pending("shared") is not None
    alice.resume("yes", "shared")
    assert [(b.user, b.party_size) for b in bookings(db_path)] == [("alice", 3)]


def test_the_approval_writes_exactly_what_the_preview_showed(fake, db_path):
    """Approved a day later, "tomorrow" is still the day the preview named."""
    fake.queue(tool_calls=[("book_table", {"restaurant": "casa lupo", "party_size": 3, "date": "tomorrow",
                                           "time": "8pm"})])
    ReservationAgent(fake, "alice", db_path, today=TODAY).send("Casa Lupo for 3 tomorrow at 8pm", "t1")
    later = ReservationAgent(fake, "alice", db_path, today=TODAY + dt.timedelta(days=1))
    preview = later.pending("t1")["preview"]
    later.resume("yes", "t1")
    (made,) = bookings(db_path)
    assert preview == (f"book a table at {made.restaurant} for {made.party_size} on {made.date} at {made.time}, "
                       f"in the name of {made.user}")
    assert (made.date, made.time) == ("2027-03-02", "20:00")


def test_a_time_already_past_today_is_refused(db_path):
    ctx = Context("alice", db_path, TODAY, dt.time(19, 15))
    late = {"restaurant": "Casa Lupo", "party_size": 2, "date": "today", "time": "19:00"}
    text, status = run_tool(ctx, "book_table", late)
    assert status == "invalid" and "already passed" in text and bookings(db_path) == []
    assert run_tool(ctx, "book_table", {**late, "time": "20:00"})[1] == "ok"


def test_the_agent_on_the_real_clock_checks_the_time_of_day(fake, db_path):
    agent = ReservationAgent(fake, "alice", db_path)
    assert agent.ctx.today == dt.date.today() and agent.ctx.now is not None


@pytest.mark.parametrize("field, value", [("party_size", True), ("party_size", "4"), ("party_size", 2.0)])
def test_party_sizes_must_be_real_integers(db_path, field, value):
    args = {"restaurant": "Casa Lupo", "party_size": 2, "date": "2027-03-05", "time": "19:00", field: value}
    text, status = run_tool(Context("alice", db_path, TODAY), "book_table", args)
    assert status == "invalid" and "party_size" in text and bookings(db_path) == []


def test_a_booking_number_must_be_a_real_integer(db_path):
    text, status = run_tool(Context("alice", db_path, TODAY), "cancel_booking", {"booking_id": True})
    assert status == "invalid" and "booking_id" in text
