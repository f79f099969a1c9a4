"""The reservation database and tools: over-booking, idempotency, validation, narrowed schemas, the CLI."""

from __future__ import annotations

import datetime as dt
import multiprocessing

import pytest

from agents import db
from agents.dates import parse_date, parse_time
from agents.schemas import build_tools
from agents.state import Context
from agents.tools import run_tool

TODAY = dt.date(2027, 3, 1)
TINY = {"restaurant": "Tiny Table", "party_size": 2, "date": "2027-03-05", "time": "19:00"}  # one table


def active(path):
    conn = db.connect(path)
    try:
        return db.bookings(conn)
    finally:
        conn.close()


def _book_at_barrier(path, user, barrier, results):
    barrier.wait()  # both processes ask for the last table at the same moment
    text, status = run_tool(Context(user, path, TODAY), "book_table", dict(TINY), thread_id=user)
    results.put((user, status, text))


def test_two_processes_booking_the_last_table_leave_exactly_one_booking(db_path):
    context = multiprocessing.get_context("spawn")
    barrier, results = context.Barrier(2), context.Queue()
    workers = [context.Process(target=_book_at_barrier, args=(db_path, user, barrier, results))
               for user in ("alice", "bob")]
    for worker in workers:
        worker.start()
    outcomes = sorted(results.get(timeout=60) for _ in workers)
    for worker in workers:
        worker.join(timeout=60)
    assert sorted(status for _, status, _ in outcomes) == ["failed", "ok"]
    loser = next(text for _, status, text in outcomes if status == "failed")
    assert "no longer available" in loser
    assert len(active(db_path)) == 1


def test_the_schema_itself_refuses_a_second_booking_of_a_held_slot(db_path):
    conn = db.connect(db_path)
    try:
        first, _ = db.book(conn, db.restaurant(conn, "Tiny Table"), "alice", 2, "2027-03-05", "19:00", key="a")
        table = conn.execute("SELECT table_id FROM bookings WHERE id = ?", (first.id,)).fetchone()[0]
        with pytest.raises(db.sqlite3.IntegrityError):  # a check-then-insert bug could not get past this
            conn.execute("INSERT INTO table_slots VALUES (?, '2027-03-05', '19:30', 99)", (table,))
    finally:
        conn.close()


def test_a_retried_booking_with_the_same_key_books_once(db_path):
    ctx = Context("alice", db_path, TODAY)
    first = run_tool(ctx, "book_table", dict(TINY), thread_id="t1")
    again = run_tool(ctx, "book_table", dict(TINY, time="7pm"), thread_id="t1")
    assert first[1] == again[1] == "ok" and again[0].startswith("Already booked")
    assert len(active(db_path)) == 1


def test_full_restaurant_offers_the_nearest_free_times(db_path):
    run_tool(Context("bob", db_path, TODAY), "book_table", dict(TINY))
    text, status = run_tool(Context("alice", db_path, TODAY), "check_availability", dict(TINY))
    assert status == "ok" and "is full" in text and "21:00" in text  # bob's sitting holds 19:00-20:59


def test_cancel_frees_the_table_and_only_for_its_owner(db_path):
    run_tool(Context("bob", db_path, TODAY), "book_table", dict(TINY))
    refused = run_tool(Context("alice", db_path, TODAY), "cancel_booking", {"booking_id": 1})
    assert refused[1] == "failed" and len(active(db_path)) == 1
    assert run_tool(Context("bob", db_path, TODAY), "cancel_booking", {"booking_id": 1})[1] == "ok"
    assert run_tool(Context("alice", db_path, TODAY), "book_table", dict(TINY))[1] == "ok"


def test_search_filters_by_diet_area_and_real_availability(db_path):
    ctx = Context("alice", db_path, TODAY)
    text, _ = run_tool(ctx, "search_restaurants", {"cuisine": "thai", "diet": "vegan"})
    assert {line.split(" (")[0] for line in text.splitlines()} == {"Bangkok Street", "Lotus Thai"}
    run_tool(Context("bob", db_path, TODAY), "book_table", dict(TINY))
    text, _ = run_tool(ctx, "search_restaurants", {"neighbourhood": "Market Square", "party_size": 2,
                                                     "date": "2027-03-05", "time": "19:00"})
    assert "Tiny Table" not in text and "Sakura House" in text


def test_tool_schemas_are_narrowed_to_what_the_database_holds(db_path):
    conn = db.connect(db_path)
    try:
        tools = {tool.name: tool for tool in build_tools(conn)}
        cuisines = {row[0] for row in conn.execute("SELECT cuisine FROM restaurants")}
    finally:
        conn.close()
    search = tools["search_restaurants"].parameters["properties"]
    assert set(search["cuisine"]["enum"]) == cuisines and "Harbour" in search["neighbourhood"]["enum"]
    assert "user" not in tools["book_table"].parameters["properties"]  # the user is the app's, not the model's


@pytest.mark.parametrize("text, expected", [("today", "2027-03-01"), ("tomorrow", "2027-03-02"),
                                            ("friday", "2027-03-05"), ("Monday", "2027-03-08"),
                                            ("2027-04-01", "2027-04-01")])
def test_dates_people_say(text, expected):
    assert parse_date(text, TODAY) == expected


@pytest.mark.parametrize("text, expected", [("19:00", "19:00"), ("7pm", "19:00"), ("7:30 pm", "19:30"),
                                            ("12am", "00:00")])
def test_times_people_say(text, expected):
    assert parse_time(text) == expected


@pytest.mark.parametrize("text", ["yesterday", "2027-02-28", "2027-12-01", "soon"])
def test_bad_dates_are_refused(text):
    with pytest.raises(ValueError):
        parse_date(text, TODAY)


def test_reset_command_removes_every_booking(db_path, capsys):
    from tailor.cli import main

    run_tool(Context("bob", db_path, TODAY), "book_table", dict(TINY))
    assert main(["reserve", "reset", "--db", str(db_path)]) == 0
    assert active(db_path) == [] and "27 restaurants" in capsys.readouterr().out
