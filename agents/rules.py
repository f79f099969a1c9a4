"""The turn rules: what the graph lets a model's tool call do, whatever the model is.

A small model proposes the same booking again after it succeeded, guesses a party size nobody said, or
repeats a call that failed. Prompts do not stop that; these rules do, in code, for every backend:

- **book only what the user said**: a write's restaurant, party size, date, time or booking number must
  appear in what the user wrote (or, for a restaurant or booking number, in a tool's result); otherwise
  the turn ends with a question naming what is missing;
- **one write per turn**: after a booking or cancellation is approved, declined or refused, the turn ends
  with the database's own answer; nothing is proposed again until the user speaks;
- **never repeat an identical call** in a turn: the turn ends with the answer the first call got;
- **two bad calls in a row end the turn** with a question that names what was invalid;
- **at most MAX_TOOL_ROUNDS tool rounds** per turn, so the recursion limit is never what stops a turn;
- **look before answering**: the first step after a user message must be a tool call. A small model
  otherwise answers "Cancelling booking #1" without cancelling anything; a call it should not have made
  is caught by the rules above (a guessed booking becomes a question), and a read-only call is harmless;
- **errors steer**: a write missing a value a read-only tool can find (a cancel by restaurant name, no
  number) gets an error naming that tool, and the next step is offered only the tools the errors name,
  then must make a call (`next_step`): a small model reads the grammar better than the error.
"""

from __future__ import annotations

import json
import re

from agents.dates import WEEKDAYS, parse_date, parse_time

MAX_TOOL_ROUNDS = 4  # tool rounds per user message; the longest planned task (search, check, book) needs 3
BAD_CALLS = 2  # consecutive invalid calls that end the turn with a question
NUMBER_WORDS = {w: n for n, w in enumerate("one two three four five six seven eight nine ten eleven twelve "
                                           "thirteen fourteen fifteen sixteen seventeen eighteen nineteen "
                                           "twenty".split(), start=1)} | {"couple": 2}
ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
DAY_WORD = re.compile(r"\b(?:today|tonight|tomorrow|(?:next |this )?(?:" + "|".join(WEEKDAYS) + r"))\b")
CLOCK = re.compile(r"\b\d{1,2}(?:[:.h]\d{2})?\s*(?:am|pm|a\.m\.|p\.m\.)|\b\d{1,2}[:.h]\d{2}\b|\bnoon\b")
NOT_A_BOOKING = "this is not a booking"
LOOK_UP = "error: the user gave no "  # how the look-up errors of `look_it_up` begin
STUCK = re.compile(r"(.{4,60}?)\1{2,}", re.S)  # a phrase three times in a row: a small model's loop
BOOKING_FIELDS = {"restaurant", "party_size", "date", "time"}
HASH_NUMBER = re.compile(r"#\s*(\d+)")
ASKED_FOR = {"restaurant": "which restaurant", "party_size": "for how many people", "date": "which day",
             "time": "what time", "booking_id": "which booking number"}


def next_step(messages: list[dict], turn: dict | None, today) -> tuple[str, list[str] | None]:
    """(tool_choice, the tool names offered, None for all) for the model's next step. The next step must
    be a tool call ("required") when the user spoke last (look before answering); when every call of the
    last round was invalid (fix it; a second bad call ends the turn with a question anyway); right after a
    look-up the rules sent the model to (now only the tool it was for: the write, which the user still
    approves); and when
    a search answered a request that already gave a booking's party size, date and time (a search alone
    does not book: book or check a result, or search with fewer filters; MAX_TOOL_ROUNDS ends the turn).
    After an invalid round whose errors name tools, only those are offered."""
    turn = turn or {}
    if not messages or messages[-1].get("role") == "user":
        return "required", None
    if turn.get("bad"):
        return "required", turn.get("steer") or None
    if turn.get("looked_up"):
        return "required", turn["looked_up"]
    return ("required" if _search_for_a_booking(messages, today) else "auto"), None


def steer(errors: list[str], called: list[str], tool_names: list[str]) -> list[str]:
    """The tools an invalid round's errors send the model to: the other tools they name ("use
    search_restaurants"), or every tool but book_table when the call was no booking at all."""
    if any(NOT_A_BOOKING in error for error in errors):
        return [name for name in tool_names if name != "book_table"]
    return [name for name in tool_names if name not in called and any(name in error for error in errors)]


def _search_for_a_booking(messages: list[dict], today) -> bool:
    last_call = next((m for m in reversed(messages) if m.get("role") == "assistant"), {})
    names = [c["function"]["name"] for c in last_call.get("tool_calls") or []]
    if names != ["search_restaurants"]:
        return False
    asked = next((str(m.get("content") or "").lower() for m in reversed(messages) if m.get("role") == "user"), "")
    return bool(said_numbers(asked) and said_dates(asked, today) and said_times(asked))


def new_turn() -> dict:
    """The per-message bookkeeping the graph checkpoints: every call's signature and result, the bad streak."""
    return {"results": {}, "rounds": 0, "bad": 0, "steer": [], "wanted": [], "looked_up": []}


def signature(name: str, arguments) -> str:
    return json.dumps([name, arguments], sort_keys=True, default=str)


# -- what the user said ---------------------------------------------------------------------------
def said(messages: list[dict]) -> tuple[str, str]:
    """(everything the user wrote, everything the tools answered), lower-cased."""
    def text(role):
        return "\n".join(str(m.get("content") or "") for m in messages if m.get("role") == role).lower()
    return text("user"), text("tool")


def said_dates(text: str, today) -> set[str]:
    found = set(ISO_DATE.findall(text)) | set(DAY_WORD.findall(text))
    dates = set()
    for phrase in found:
        try:
            dates.add(parse_date(phrase, today))
        except ValueError:
            dates.add(phrase)  # a past date the user said is still theirs: validation refuses it, with a reason
    return dates


def said_times(text: str) -> set[str]:
    times = set()
    for phrase in CLOCK.findall(text):
        try:
            times.add(parse_time("12:00" if phrase == "noon" else phrase))
        except ValueError:
            times.add(phrase.strip())
    return times


def said_numbers(text: str) -> set[int]:
    """Party sizes the user may have meant: numbers and number words, once dates and times are removed."""
    rest = CLOCK.sub(" ", ISO_DATE.sub(" ", text))
    numbers = {int(n) for n in re.findall(r"\b\d{1,3}\b", rest)}
    return numbers | {n for word, n in NUMBER_WORDS.items() if re.search(rf"\b{word}\b", rest)}


def ungrounded(name: str, arguments: dict, messages: list[dict], today) -> tuple[list[str], dict]:
    """(fields of a write the user never gave at all, {field: what the user did say} for fields whose value
    differs from anything the user said). Both empty when every value came from the conversation."""
    user, tools = said(messages)
    if name == "cancel_booking":
        ids = set(re.findall(r"\b\d{1,6}\b", user)) | set(HASH_NUMBER.findall(tools))
        return _sort([("booking_id", str(arguments.get("booking_id")), ids)])
    restaurant = str(arguments.get("restaurant") or "").strip().lower()
    named = bool(restaurant) and (restaurant.removeprefix("the ") in user or restaurant in tools)
    size = arguments.get("party_size")
    size = size if isinstance(size, int) and not isinstance(size, bool) else None
    return _sort([
        ("restaurant", "yes" if named else "", {"yes"} if named else set()),
        ("party_size", size, said_numbers(user)),
        ("date", _normal(arguments.get("date"), lambda v: parse_date(v, today)), said_dates(user, today)),
        ("time", _normal(arguments.get("time"), parse_time), said_times(user)),
    ])


def _sort(checks) -> tuple[list[str], dict]:
    missing, differs = [], {}
    for field, value, said_values in checks:
        if value in said_values:
            continue
        if said_values and field != "restaurant":
            differs[field] = sorted(map(str, said_values))
        else:  # nothing of the kind was said (a restaurant is never inferred): ask the user
            missing.append(field)
    return missing, differs


def _normal(value, parse):
    if value is None:
        return None
    try:
        return parse(str(value))
    except ValueError:
        return str(value).strip().lower()


def not_what_was_said(differs: dict) -> str:
    """The error a model gets for a write whose values the user never gave: it names what they did say."""
    return "error: use the values the user gave: " + "; ".join(
        f"{field} must be {' or '.join(values)}" for field, values in differs.items())


def look_it_up(name: str, missing: list[str], messages: list[dict]) -> str | None:
    """The error that sends the model to a read-only tool for a write's missing value, or None when asking
    the user is the better next step: a cancel without a number (the user named the booking some other
    way) before the bookings were listed; a booking with none of its details, which is no booking at all."""
    tools = said(messages)[1]
    if name == "cancel_booking" and "#" not in tools:
        return f"{LOOK_UP}booking number: call list_my_bookings to find it."
    if name == "book_table" and set(missing) == BOOKING_FIELDS:
        return f"{LOOK_UP}restaurant, party size, date or time: {NOT_A_BOOKING}; call another tool."
    return None


# -- the replies a rule ends a turn with ----------------------------------------------------------
def ask_missing(name: str, missing: list[str]) -> str:
    what = [ASKED_FOR[field] for field in missing]
    action = "book that" if name == "book_table" else "cancel a booking"
    listed = what[0] if len(what) == 1 else ", ".join(what[:-1]) + " and " + what[-1]
    return f"I can {action}, but I still need to know {listed}. Could you tell me?"


def ask_invalid(error: str) -> str:
    reason = error.removeprefix("error: ").rstrip(". ")
    return f"I could not do that: {reason}. Could you check those details and tell me again?"


def after_write(name: str, text: str, status: str) -> str:
    """The turn's last word after a write was decided: the database's own answer, never the model's."""
    if status == "declined":
        thing = "book it" if name == "book_table" else "cancel it"
        return f"OK, I did not {thing}; nothing was changed. What would you like instead?"
    if status == "ok":
        return text
    reason = text.removeprefix("error: ")
    offer = " Would one of those times suit you?" if "free times" in reason else ""
    return f"Sorry: {reason}{offer}"


def repeated(previous: tuple[str, str], name: str, missing: list[str]) -> str:
    """The same call again: answer with what the first one got instead of looping. A look-up the model
    was sent to and did not make becomes the question for the user (the error was meant for the model)."""
    text, status = previous
    if status == "invalid" and text.startswith(LOOK_UP):
        return ask_missing(name, missing or ["booking_id"])
    return ask_invalid(text) if status == "invalid" else text


def tidy_answer(text: str, messages: list[dict]) -> str:
    """The model's answer, unless it is stuck repeating itself ("Done: booking: booking: ..."): then the
    last tool result itself, which is what the user needs to see."""
    if not STUCK.search(text):
        return text
    results = [str(m.get("content") or "") for m in messages if m.get("role") == "tool"]
    last = next((r for r in reversed(results) if not r.startswith("error")), "")
    return f"Here is what I found:\n{last}" if last else "Sorry, I could not do that. Could you say it another way?"


# -- values taken from the user's own words -------------------------------------------------------
def corrected(name: str, arguments, messages: list[dict], today, vocab: dict | None = None
              ) -> tuple[object, list[str]]:
    """A booking whose party size, date or time differs from what the user said gets the user's value, when
    the latest message that states one states exactly one; (arguments, the fields changed). Turning "friday"
    or "7pm" into the database's form is a job for code: the preview then shows the result before any write.
    A search gets the same treatment for its cuisine, neighbourhood and diet (`searched_as_said`)."""
    if name == "search_restaurants" and isinstance(arguments, dict) and vocab:
        return searched_as_said(arguments, messages, vocab)
    if name != "book_table" or not isinstance(arguments, dict):
        return arguments, []
    fixed, changed = dict(arguments), []
    for field in ungrounded(name, arguments, messages, today)[1]:
        latest = _latest(field, messages, today)
        if len(latest) == 1:
            fixed[field], = latest
            changed.append(field)
    return fixed, changed


def _latest(field: str, messages: list[dict], today) -> set:
    """The values of one kind in the most recent user message that has any."""
    finders = {"party_size": said_numbers, "date": lambda text: said_dates(text, today), "time": said_times}
    for message in reversed(messages):
        if message.get("role") == "user":
            found = finders[field](str(message.get("content") or "").lower())
            if found:
                return found
    return set()


SEARCH_FILTERS = {"cuisine": "cuisines", "neighbourhood": "neighbourhoods", "diet": "diets"}


def searched_as_said(arguments: dict, messages: list[dict], vocab: dict) -> tuple[dict, list[str]]:
    """A search's cuisine, neighbourhood and diet as the latest user message names them: the one value it
    names is filled in, a value it does not name is dropped (a filter nobody asked for hides the restaurants
    the user wants), and one of several named values is kept. (arguments, the fields changed)"""
    asked = next((str(m.get("content") or "").lower() for m in reversed(messages) if m.get("role") == "user"), "")
    fixed, changed = dict(arguments), []
    for field, kind in SEARCH_FILTERS.items():
        named = [v for v in vocab.get(kind, []) if re.search(rf"\b{re.escape(v.lower())}\b", asked)]
        given = str(arguments.get(field) or "").lower()
        known = {v.lower() for v in vocab.get(kind, [])}
        if given in {v.lower() for v in named} or (given and given not in known):
            continue  # as said, or no such value at all: the validator's error tells the model
        value = named[0] if len(named) == 1 else None
        if value != arguments.get(field):
            fixed[field] = value
            changed.append(field)
    return {k: v for k, v in fixed.items() if v is not None}, changed
