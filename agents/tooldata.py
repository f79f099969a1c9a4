"""Templated tool-call conversations for the small local model, built from the database's own vocabulary.

    python -m agents.tooldata --out /tmp/agent-tools.jsonl --examples 240

Each record is one conversation in exactly the form the local backend renders at inference: the system
prompt with the tool note (`render_messages`), the user's request, each tool call as the JSON the model is
constrained to write ({"tool": ..., "arguments": ...}), each tool result as the real tool produced it (the
tools run on a scratch database), and the final reply as {"answer": ...}. Requests vary the restaurant,
cuisine, area, diet, party size (digits and words), date (ISO, today, tomorrow, weekdays) and time (19:00,
7pm); some leave details out (the reply asks), some are refused by the tools (the reply apologises).
The evaluation's scenarios are held out: "today" differs from theirs and no request repeats one of theirs.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import tempfile
from pathlib import Path

from agents import db
from agents.dates import parse_time
from agents.prompts import system_prompt
from agents.schemas import build_tools
from agents.state import Context
from agents.tools import run_tool
from tailor.config import data_dir
from tailor.runfiles import read_jsonl, write_jsonl

SEED = 0
EXAMPLES = 120  # conversations of ~590 tokens each: 30 steps of 4, one pass (the shipped adapter)
TODAYS = [dt.date(2026, 9, 7) + dt.timedelta(days=11 * k) for k in range(10)]  # never the eval's 2027-03-01
NUMBER_WORDS = {2: "two", 3: "three", 4: "four", 5: "five", 6: "six", 8: "eight"}
KINDS = {"book": 30, "search_book": 10, "missing": 12, "follow_up": 8, "check": 10, "search": 8, "list": 6,
         "cancel": 8, "cancel_by_name": 4, "invalid": 4}  # relative weights
BOOK_PHRASES = ["Could I get a table for {p} at {r} {d} at {t}?", "{r} please, {p}, {d} at {t}.",
                "I'd like {r} {d} at {t} for {p}.", "Reserve me a table at {r}: {p}, {d}, {t}.",
                "Book {r} {d} {t}, we are {n}.", "Make a reservation at {r} for {p} {d} at {t}.",
                "Can you get us into {r} {d} at {t}? {P}.", "Need a booking: {r}, {d}, {t}, {p}."]


class Writer:
    """Builds one conversation while running the real tools, then renders it as the model will see it."""

    def __init__(self, ctx: Context, tools, rng: random.Random):
        self.ctx, self.tools, self.rng, self.turns = ctx, tools, rng, []

    def user(self, text: str):
        self.turns.append({"role": "user", "content": text})

    def call(self, name: str, arguments: dict) -> str:
        call_id = f"call_{len(self.turns)}"
        self.turns.append({"role": "assistant", "content": "", "tool_calls": [
            {"id": call_id, "type": "function", "function": {"name": name, "arguments": json.dumps(arguments)}}]})
        text, _ = run_tool(self.ctx, name, arguments, thread_id=f"data-{self.rng.random()}")
        self.turns.append({"role": "tool", "tool_call_id": call_id, "content": text})
        return text

    def say(self, text: str):  # an earlier reply in the history is plain text, as the agent stores it
        self.turns.append({"role": "assistant", "content": text})

    def record(self, answer: str) -> dict:
        from tailor.backends.base import ChatRequest
        from tailor.chat_format import render_messages

        system = {"role": "system", "content": system_prompt(self.ctx.user, self.ctx.today)}
        request = ChatRequest(messages=[system, *self.turns], max_tokens=1, tools=self.tools)
        turns = render_messages(request) + [{"role": "assistant", "content": json.dumps({"answer": answer})}]
        return {"messages": turns}


# -- how people say things ---------------------------------------------------------------------------
def party(rng, n: int) -> tuple[str, str]:
    """(phrase, the same as a bare number or word)."""
    said = NUMBER_WORDS.get(n, str(n)) if rng.random() < 0.4 else str(n)
    return rng.choice([said, f"{said} people", f"a party of {said}"]), said


def day(rng, today: dt.date) -> tuple[str, str, str]:
    """(phrase, the argument the model should copy, the ISO date)."""
    ahead = rng.randint(0, 20)
    date = today + dt.timedelta(days=ahead)
    if ahead == 0:
        return rng.choice([("today", "today"), ("tonight", "today")]) + (date.isoformat(),)
    if ahead == 1 and rng.random() < 0.6:
        return "tomorrow", "tomorrow", date.isoformat()
    if ahead <= 6 and rng.random() < 0.6:
        name = date.strftime("%A")
        return rng.choice([f"on {name}", f"this {name}", name]), name.lower(), date.isoformat()
    return f"on {date.isoformat()}", date.isoformat(), date.isoformat()


def clock(rng, row) -> tuple[str, str]:
    """(phrase, argument) for a time the restaurant takes bookings at."""
    hhmm = rng.choice(db.seating_times(row))
    hours, mins = int(hhmm[:2]), hhmm[3:]
    twelve = hours - 12 if hours > 12 else hours
    said = rng.choice([hhmm, hhmm, f"{twelve}pm" if mins == "00" else f"{twelve}:{mins}pm"]) if hours >= 12 else hhmm
    return said, said


def details(w, row, sizes):
    """A party, a day and a time for one request at `row`, each as (phrase, argument, ...)."""
    return party(w.rng, w.rng.choice(sizes)), day(w.rng, w.ctx.today), clock(w.rng, row)


# -- one generator per kind of conversation -------------------------------------------------------------
def ex_book(w: Writer, rows):
    row = w.rng.choice(rows)
    (p, n), (d, d_arg, _), (t, t_arg) = details(w, row, [2, 2, 3, 4, 5, 6, 8])
    w.user(w.rng.choice(BOOK_PHRASES).format(p=p, P=p.capitalize(), n=n, r=row["name"], d=d, t=t))
    return _book_and_answer(w, row["name"], _count(n), d_arg, t_arg)


def _book_and_answer(w: Writer, name, size, d_arg, t_arg):
    result = w.call("book_table", {"restaurant": name, "party_size": size, "date": d_arg, "time": t_arg})
    if result.startswith("Booked"):
        return w.record(f"Done: {result.removeprefix('Booked ').rstrip('.')}. Enjoy your meal!")
    return w.record(f"Sorry, that did not work: {result.removeprefix('error: ')}")


def ex_search_book(w: Writer, rows):
    row = w.rng.choice(rows)
    diet = w.rng.choice(row["diets"].split(","))
    (p, n), (d, d_arg, _), (t, t_arg) = details(w, row, [2, 3, 4])
    w.user(f"Find a {diet} {row['cuisine']} place and book it for {p} {d} at {t}.")
    found = w.call("search_restaurants", {"cuisine": row["cuisine"], "diet": diet, "party_size": _count(n),
                                          "date": d_arg, "time": t_arg})
    if found.startswith("No restaurant"):
        return w.record("I found no restaurant with a free table for that. Shall I try another time?")
    return _book_and_answer(w, found.split(" (")[0], _count(n), d_arg, t_arg)


MISSING_QUESTIONS = {"restaurant": "which restaurant", "party_size": "for how many people",
                     "date": "which day", "time": "what time"}


def ex_missing(w: Writer, rows, follow_up: bool = False):
    row = w.rng.choice(rows)
    (p, n), (d, d_arg, _), (t, t_arg) = details(w, row, [2, 3, 4, 6])
    given = {"restaurant": f"at {row['name']}", "party_size": f"for {p}", "date": d, "time": f"at {t}"}
    missing = w.rng.sample(sorted(given), w.rng.randint(1, 3))
    w.user("I want to book a table " + " ".join(v for k, v in given.items() if k not in missing) + ".")
    question = "I can book that. " + ", ".join(MISSING_QUESTIONS[k] for k in missing).capitalize() + "?"
    if not follow_up:
        return w.record(question)
    w.say(question)
    w.user(" ".join(given[k] for k in missing).capitalize() + ".")
    return _book_and_answer(w, row["name"], _count(n), d_arg, t_arg)


def ex_check(w: Writer, rows):
    row = w.rng.choice(rows)
    (p, n), (d, d_arg, iso), (t, t_arg) = details(w, row, [2])
    if w.rng.random() < 0.6:  # fill the restaurant first, so the tool says it is full
        tables = w.ctx_conn.execute("SELECT id FROM tables WHERE restaurant_id = ?", (row["id"],)).fetchall()
        for i in range(len(tables)):
            db.book(w.ctx_conn, row, "someone", 2, iso, parse_time(t_arg), key=f"fill-{w.rng.random()}-{i}")
    w.user(f"Is {row['name']} free for {p} {d} at {t}?")
    args = {"restaurant": row["name"], "party_size": _count(n), "date": d_arg, "time": t_arg}
    result = w.call("check_availability", args)
    if "has a table" in result:
        return w.record(f"Yes: {result} Shall I book it?")
    times = result.split("Nearest free times that day: ")[-1].rstrip(".").split(", ")
    if "Nothing free" in result or not times[0]:
        return w.record(f"Sorry, {row['name']} is full that day. Would another day suit you?")
    w.say(f"{row['name']} is full then. Free times: {', '.join(times)}. Would one of those work?")
    w.user(w.rng.choice(["{x} works, book it.", "OK, book it for {x} then.", "Let's do {x}."]).format(x=times[0]))
    return _book_and_answer(w, row["name"], _count(n), d_arg, times[0])


def ex_search(w: Writer, rows):
    row = w.rng.choice(rows)
    args = {"cuisine": row["cuisine"], "neighbourhood": row["neighbourhood"]}
    if w.rng.random() < 0.5:
        args = {"neighbourhood": row["neighbourhood"]} if w.rng.random() < 0.5 else {"cuisine": row["cuisine"]}
    where = f" in {args['neighbourhood']}" if "neighbourhood" in args else ""
    w.user(w.rng.choice(["Any good {c}restaurants{a}?", "Tell me about {c}places{a}.", "Where can I eat {c}food{a}?"])
           .format(c=f"{args['cuisine']} " if "cuisine" in args else "", a=where))
    result = w.call("search_restaurants", args)
    names = [line.split(" (")[0] for line in result.splitlines()]
    return w.record(f"I found {', '.join(names)}. Would you like me to book one?")


def ex_list(w: Writer, rows):
    _seed_bookings(w, rows, w.rng.randint(0, 2))
    w.user(w.rng.choice(["What have I booked?", "List my bookings please.", "Which reservations do I have?"]))
    result = w.call("list_my_bookings", {})
    return w.record(result if result.startswith("You have no") else "Your bookings:\n" + result)


def ex_cancel(w: Writer, rows, by_name: bool = False):
    mine = _seed_bookings(w, rows, 2)
    target = w.rng.choice(mine)
    if by_name:
        w.user(f"Please cancel my {target.restaurant} booking.")
        w.call("list_my_bookings", {})
    else:
        w.user(w.rng.choice(["Cancel reservation {i}.", "Please drop booking #{i}.", "I can't come, cancel {i}."])
               .format(i=target.id))
    result = w.call("cancel_booking", {"booking_id": target.id})
    return w.record(f"{result} Anything else?" if result.startswith("Cancelled") else f"Sorry: {result}")


def ex_invalid(w: Writer, rows):
    row = w.rng.choice(rows)
    size, when = w.rng.choice([(w.rng.choice([25, 30, 40]), "tomorrow"),
                               (2, (w.ctx.today - dt.timedelta(days=5)).isoformat())])
    w.user(f"Book {row['name']} for {size} people {'on ' if '-' in when else ''}{when} at {db.seating_times(row)[2]}.")
    return _book_and_answer(w, row["name"], size, when, db.seating_times(row)[2])


def _seed_bookings(w: Writer, rows, count: int):
    made = []
    for row in w.rng.sample(rows, count):
        date = (w.ctx.today + dt.timedelta(days=w.rng.randint(1, 14))).isoformat()
        made.append(db.book(w.ctx_conn, row, w.ctx.user, 2, date, db.seating_times(row)[1],
                            key=f"seed-{w.rng.random()}")[0])
    return made


def _count(said: str) -> int:
    words = {v: k for k, v in NUMBER_WORDS.items()}
    return words.get(said, int(said) if said.isdigit() else 2)


GENERATORS = {"book": ex_book, "search_book": ex_search_book, "missing": ex_missing,
              "follow_up": lambda w, rows: ex_missing(w, rows, follow_up=True), "check": ex_check,
              "search": ex_search, "list": ex_list, "cancel": ex_cancel,
              "cancel_by_name": lambda w, rows: ex_cancel(w, rows, by_name=True), "invalid": ex_invalid}


# -- the data set ------------------------------------------------------------------------------------
def held_out_turns() -> set[str]:
    return {_norm(t) for scenario in read_jsonl(data_dir() / "agents" / "scenarios.jsonl") for t in scenario["turns"]}


def _norm(text: str) -> str:
    return " ".join(text.lower().split())


def generate(count: int = EXAMPLES, seed: int = SEED) -> list[dict]:
    """`count` records; each runs its tools on a fresh scratch database (the user's is never touched)."""
    rng, held_out, records = random.Random(seed), held_out_turns(), []
    kinds = rng.choices(list(KINDS), weights=list(KINDS.values()), k=count)
    with tempfile.TemporaryDirectory(prefix="tailor-tooldata-") as folder:
        path = Path(folder) / "scratch.db"
        for i, kind in enumerate(kinds):
            if i % 40 == 0:
                db.reset(path)
            conn = db.connect(path)
            try:
                tools, rows = build_tools(conn), conn.execute("SELECT * FROM restaurants").fetchall()
                writer = Writer(Context(rng.choice(["alice", "sam", "noor", "li"]), path, rng.choice(TODAYS)),
                                tools, rng)
                writer.ctx_conn = conn
                record = GENERATORS[kind](writer, rows)
            finally:
                conn.close()
            users = [m["content"] for m in record["messages"] if m["role"] == "user"]
            if not any(_norm(u) in held_out for u in users):
                records.append({**record, "kind": kind})
    return records


def write(path: Path, records: list[dict]) -> Path:
    return write_jsonl(path, records)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m agents.tooldata", description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--examples", type=int, default=EXAMPLES)
    parser.add_argument("--seed", type=int, default=SEED)
    args = parser.parse_args(argv)
    records = generate(args.examples, args.seed)
    print(f"wrote {len(records)} conversations to {write(args.out, records)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
