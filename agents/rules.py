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
- **at most MAX_TOOL_ROUNDS tool rounds** per turn, so the recursion limit is never what stops a turn.
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
HASH_NUMBER = re.compile(r"#\s*(\d+)")
ASKED_FOR = {"restaurant": "which restaurant", "party_size": "for how many people", "date": "which day",
             "time": "what time", "booking_id": "which booking number"}


def new_turn() -> dict:
    """The per-message bookkeeping the graph checkpoints: every call's signature and result, the bad streak."""
    return {"results": {}, "rounds": 0, "bad": 0}


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


# -- the replies a rule ends a turn with ----------------------------------------------------------
def ask_missing(name: str, missing: list[str]) -> str:
    what = [ASKED_FOR[field] for field in missing]
    action = "book that" if name == "book_table" else "cancel a booking"
    listed = what[0] if len(what) == 1 else ", ".join(what[:-1]) + " and " + what[-1]
    return f"I can {action}, but I still need to know {listed}. Could you tell me?"


def ask_invalid(error: str) -> str:
    return f"I could not do that: {error.removeprefix('error: ')}. Could you check those details and tell me again?"


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


def repeated(previous: tuple[str, str]) -> str:
    """The same call again: answer with what the first one got instead of looping."""
    text, status = previous
    return ask_invalid(text) if status == "invalid" else text
