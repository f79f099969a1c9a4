"""How the turn rules steer the next step on the fake backend: look before answering, errors that name a
tool offer only that tool, a search for a booking goes on to book, and filters as the user said them."""

from __future__ import annotations

from agent_cases import TODAY, bookings

from agents import db, rules
from agents.graph import ReservationAgent


def agent_for(fake, path, user="alice"):
    return ReservationAgent(fake, user, path, today=TODAY)


def offered(request) -> list[str]:
    return [tool.name for tool in request.tools]


def add_booking(path, restaurant, time):
    conn = db.connect(path)
    try:
        return db.book(conn, db.restaurant(conn, restaurant), "alice", 2, "2027-03-05", time, key=restaurant)[0]
    finally:
        conn.close()


def test_the_first_step_of_a_turn_must_call_a_tool_and_the_answer_after_it_may_be_text(fake, db_path):
    fake.queue(tool_calls=[("list_my_bookings", {})]).queue(text="You have no bookings.")
    turn = agent_for(fake, db_path).send("What bookings do I have?", "t1")
    assert [r.tool_choice for r in fake.requests] == ["required", "auto"]
    assert turn.reply == "You have no bookings."


def test_a_cancel_by_name_is_sent_to_the_list_and_then_to_the_cancel_it_was_for(fake, db_path):
    add_booking(db_path, "Casa Lupo", "19:00")
    el_toro = add_booking(db_path, "El Toro", "20:00")
    fake.queue(tool_calls=[("cancel_booking", {"booking_id": 7})])  # a number nobody said
    fake.queue(tool_calls=[("list_my_bookings", {})])
    fake.queue(tool_calls=[("cancel_booking", {"booking_id": el_toro.id})])
    agent = agent_for(fake, db_path)
    turn = agent.send("Cancel my reservation at El Toro.", "t1")
    assert offered(fake.requests[1]) == ["list_my_bookings"] and fake.requests[1].tool_choice == "required"
    assert offered(fake.requests[2]) == ["cancel_booking"] and fake.requests[2].tool_choice == "required"
    assert turn.pending["arguments"]["booking_id"] == el_toro.id  # the number came from the list
    assert agent.resume("yes", "t1").reply.startswith("Cancelled")
    assert [b.restaurant for b in bookings(db_path)] == ["Casa Lupo"]  # only El Toro's was cancelled


def test_a_look_up_the_model_never_makes_ends_with_a_question_for_the_user(fake, db_path):
    for _ in range(3):
        fake.queue(tool_calls=[("cancel_booking", {"booking_id": 7})])
    turn = agent_for(fake, db_path).send("Cancel my reservation at El Toro.", "t1")
    assert turn.pending is None and "which booking number" in turn.reply
    assert "list_my_bookings" not in turn.reply  # the error was meant for the model, not the user


def test_a_booking_with_no_details_at_all_is_not_offered_book_table_again(fake, db_path):
    fake.queue(tool_calls=[("book_table", {"restaurant": "Casa Lupo", "party_size": 3, "date": "2027-03-02",
                                           "time": "19:00"})])
    fake.queue(tool_calls=[("list_my_bookings", {})]).queue(text="You have no bookings.")
    turn = agent_for(fake, db_path).send("Show my reservations.", "t1")
    assert "book_table" not in offered(fake.requests[1]) and "list_my_bookings" in offered(fake.requests[1])
    assert turn.reply == "You have no bookings." and bookings(db_path) == []


def test_an_area_booked_as_a_restaurant_is_sent_to_the_search_and_the_search_goes_on_to_book(fake, db_path):
    fake.queue(tool_calls=[("book_table", {"restaurant": "Old Town", "party_size": 4, "date": "friday",
                                           "time": "20:00"})])
    fake.queue(tool_calls=[("search_restaurants", {"neighbourhood": "Old Town"})])
    fake.queue(tool_calls=[("book_table", {"restaurant": "Casa Lupo", "party_size": 4, "date": "friday",
                                           "time": "20:00"})])
    agent = agent_for(fake, db_path)
    turn = agent.send("I want Italian food in Old Town for 4 on Friday at 20:00, please book it.", "t1")
    assert offered(fake.requests[1]) == ["search_restaurants"]
    assert fake.requests[2].tool_choice == "required"  # a search alone does not book what was asked
    search = next(s for s in agent.state("t1")["trace"] if s.get("tool") == "search_restaurants"
                  and s["kind"] == "tool")
    assert search["arguments"] == {"neighbourhood": "Old Town", "cuisine": "italian"}  # as the user said
    assert turn.pending["arguments"]["restaurant"] == "Casa Lupo"


def test_an_unknown_restaurant_is_not_sent_to_the_search(fake, db_path):
    call = ("book_table", {"restaurant": "Noodle Palace", "party_size": 2, "date": "tomorrow", "time": "19:00"})
    fake.queue(tool_calls=[call]).queue(tool_calls=[call])
    turn = agent_for(fake, db_path).send("Book a table at Noodle Palace for 2 tomorrow at 19:00.", "t1")
    assert fake.requests[1].tool_choice == "required" and len(offered(fake.requests[1])) == 5
    assert "no restaurant called 'Noodle Palace'" in turn.reply and bookings(db_path) == []


def test_a_search_keeps_the_filters_the_user_named_and_drops_the_others():
    vocab = {"cuisines": ["italian", "thai"], "neighbourhoods": ["Harbour", "Old Town"], "diets": ["vegan"]}
    said = [{"role": "user", "content": "Find a vegan-friendly Thai place for 2 tomorrow at 19:00"}]
    fixed, changed = rules.searched_as_said({"cuisine": "thai", "neighbourhood": "Harbour"}, said, vocab)
    assert fixed == {"cuisine": "thai", "diet": "vegan"} and changed == ["neighbourhood", "diet"]
    said = [{"role": "user", "content": "Italian or Thai, anywhere"}]
    assert rules.searched_as_said({"cuisine": "thai"}, said, vocab) == ({"cuisine": "thai"}, [])
    assert rules.searched_as_said({"cuisine": "martian"}, said, vocab)[0] == {"cuisine": "martian"}


def test_an_answer_stuck_in_a_loop_is_replaced_by_the_last_tool_result():
    found = [{"role": "tool", "content": "Harbour Lights (seafood, Harbour)"}]
    assert rules.tidy_answer("Done: booking: booking: booking: booking:", found) == \
        "Here is what I found:\nHarbour Lights (seafood, Harbour)"
    assert rules.tidy_answer("Booked it. Anything else?", found) == "Booked it. Anything else?"
