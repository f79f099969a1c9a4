"""The agent's turn rules on the fake backend: no repeated write, ask instead of looping, book only what was said."""

from __future__ import annotations

import pytest
from agent_cases import CALL, SAID, TODAY, bookings

from agents import db, rules
from agents.graph import ReservationAgent


def agent_for(fake, path, user="alice"):
    return ReservationAgent(fake, user, path, today=TODAY)


def test_a_write_that_succeeded_is_never_proposed_again_in_the_same_turn(fake, db_path):
    for _ in range(5):  # a model that would book again and again
        fake.queue(tool_calls=[CALL])
    agent = agent_for(fake, db_path)
    turn = agent.send(SAID, "t1")
    assert turn.pending["tool"] == "book_table"
    turn = agent.resume("yes", "t1")
    assert turn.pending is None and not turn.stopped and turn.reply.startswith("Booked booking #1: Casa Lupo")
    assert len(fake.requests) == 1 and len(bookings(db_path)) == 1
    turn = agent.send("Thanks!", "t1")  # a new turn: the model may speak again, the same key books nothing new
    assert turn.pending is not None  # it proposed again; a second yes returns the first booking, not a new one
    assert agent.resume("yes", "t1").reply.startswith("Already booked: booking #1")
    assert len(bookings(db_path)) == 1


def test_two_invalid_calls_in_a_row_end_the_turn_with_a_question_naming_the_problem(fake, db_path):
    said = "Book Casa Lupo for 4 tomorrow at 9am"  # Casa Lupo opens at 12:00
    fake.queue(tool_calls=[("book_table", {"restaurant": "Casa Lupo", "party_size": 4, "date": "tomorrow",
                                           "time": "9am"})])
    fake.queue(tool_calls=[("book_table", {"restaurant": "Casa Lupo", "party_size": 4, "date": "tomorrow",
                                           "time": "09:00"})])
    for _ in range(10):
        fake.queue(tool_calls=[("book_table", {"restaurant": "Casa Lupo", "party_size": 4, "date": "tomorrow",
                                               "time": "9:00"})])
    agent = agent_for(fake, db_path)
    turn = agent.send(said, "t1")
    assert not turn.stopped and turn.pending is None
    assert turn.reply.endswith("?") and "takes bookings from 12:00" in turn.reply
    assert len(fake.requests) == 2 and bookings(db_path) == []  # the second bad call was never run


def test_an_identical_invalid_call_repeated_asks_at_once(fake, db_path):
    bad = ("book_table", {"restaurant": "Casa Lupo", "party_size": 25, "date": "tomorrow", "time": "19:00"})
    for _ in range(10):
        fake.queue(tool_calls=[bad])
    agent = agent_for(fake, db_path)
    turn = agent.send("Book Casa Lupo for 25 people tomorrow at 19:00", "t1")
    assert "less than or equal to 20" in turn.reply and turn.reply.endswith("?")
    assert len(fake.requests) == 2 and not turn.stopped


@pytest.mark.parametrize("said, asked", [
    ("Book a table at Casa Lupo.", "for how many people, which day and what time"),
    ("I'd like to reserve a table for 3 on 2027-03-05.", "which restaurant and what time"),
    ("Book Casa Lupo for Friday at 20:00.", "for how many people"),
])
def test_a_write_with_values_the_user_never_gave_asks_for_them(fake, db_path, said, asked):
    fake.queue(tool_calls=[CALL])  # the model fills the gaps with guesses
    agent = agent_for(fake, db_path)
    turn = agent.send(said, "t1")
    assert turn.pending is None and asked in turn.reply and turn.reply.endswith("?")
    assert bookings(db_path) == []


def test_details_given_over_two_messages_are_the_users(fake, db_path):
    fake.queue(text="Which day and what time?").queue(tool_calls=[CALL])
    agent = agent_for(fake, db_path)
    agent.send("A table for three at Casa Lupo, please.", "t1")
    turn = agent.send("Friday at 8pm.", "t1")
    assert turn.pending["preview"] == "book a table at Casa Lupo for 3 on 2027-03-05 at 20:00, in the name of alice"


def test_a_restaurant_found_by_a_search_may_be_booked():
    messages = [{"role": "user", "content": "Find Italian in Old Town and book it for 3 on 2027-03-05 at 20:00"},
                {"role": "tool", "content": "Casa Lupo (italian, Old Town, ...): ..."}]
    assert rules.ungrounded(*CALL, messages, TODAY) == ([], {})
    assert rules.ungrounded(*CALL, messages[:1], TODAY) == (["restaurant"], {})


def test_a_value_other_than_the_one_said_is_sent_back_to_the_model_naming_the_users():
    messages = [{"role": "user", "content": SAID}]
    wrong = {**CALL[1], "time": "2027-03-05T00:00:00Z", "party_size": 4}
    missing, differs = rules.ungrounded("book_table", wrong, messages, TODAY)
    assert missing == [] and differs == {"party_size": ["3"], "time": ["20:00"]}
    assert rules.not_what_was_said(differs) == ("error: use the values the user gave: party_size must be 3; "
                                                "time must be 20:00")


def test_a_value_the_user_said_once_replaces_the_models_and_the_preview_shows_it(fake, db_path):
    fake.queue(tool_calls=[("book_table", {**CALL[1], "time": "2027-03-05T00:00:00Z", "party_size": 2})])
    agent = agent_for(fake, db_path)
    turn = agent.send(SAID, "t1")
    assert turn.pending["preview"] == "book a table at Casa Lupo for 3 on 2027-03-05 at 20:00, in the name of alice"
    fixes = [step for step in agent.state("t1")["trace"] if step.get("rule") == "user's values"]
    assert fixes[0]["fields"] == ["party_size", "time"] and len(fake.requests) == 1


def test_two_values_in_the_latest_message_are_not_guessed_between(fake, db_path):
    fake.queue(tool_calls=[("book_table", {**CALL[1], "time": "18:00"})]).queue(text="Which time?")
    agent = agent_for(fake, db_path)
    turn = agent.send("Book a table for 3 at Casa Lupo on 2027-03-05 at 20:00 or 21:00", "t1")
    assert turn.pending is None and turn.reply == "Which time?"
    assert "time must be 20:00 or 21:00" in fake.requests[1].messages[-1]["content"]


def test_dates_and_times_are_not_mistaken_for_party_sizes():
    assert rules.said_numbers("on 2027-03-05 at 20:00, or 7pm") == set()
    assert rules.said_numbers("for six, or 4 of us") == {4, 6}


def test_a_full_restaurant_asks_nothing_and_offers_other_times(fake, db_path):
    conn = db.connect(db_path)
    try:  # Tiny Table has one table
        db.book(conn, db.restaurant(conn, "Tiny Table"), "bob", 2, "2027-03-05", "19:00", key="bob")
    finally:
        conn.close()
    fake.queue(tool_calls=[("book_table", {"restaurant": "Tiny Table", "party_size": 2, "date": "friday",
                                           "time": "19:00"})])
    agent = agent_for(fake, db_path)
    turn = agent.send("Book Tiny Table for 2 on Friday at 19:00", "t1")
    assert turn.pending is None and "Nearest free times" in turn.reply and turn.reply.endswith("?")
    assert len(bookings(db_path)) == 1
