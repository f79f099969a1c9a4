"""The agent's five tools: plain functions with docstrings, arguments validated by pydantic first.

`run_tool` is the one door from a model's call to the database: it validates the arguments (dates in the
future, party sizes 1-20, times within opening hours, names that exist) and turns every problem into an
error message for the model, so a bad call never raises and never touches the database. The acting user
comes from the `Context` the application built; no tool takes a user argument.
"""

from __future__ import annotations

import hashlib
from typing import Annotated

from pydantic import BaseModel, Field, Strict, ValidationError, ValidationInfo, field_validator

from agents import db
from agents.dates import parse_date, parse_time
from agents.state import Context

SIDE_EFFECT_TOOLS = ("book_table", "cancel_booking")  # these wait for the human's yes
MAX_RESULTS = 3  # each result line costs the small model ~50 tokens of reading
StrictInt = Annotated[int, Strict()]  # `true` or "4" is not a number of people: pydantic would make them 1 and 4


# -- argument models (validation context: {"ctx": Context, "conn": sqlite3.Connection}) -------------
class _Args(BaseModel):
    model_config = {"extra": "forbid"}

    @field_validator("date", check_fields=False)
    @classmethod
    def _date(cls, value, info: ValidationInfo):
        return None if value is None else parse_date(str(value), info.context["ctx"].today)

    @field_validator("time", check_fields=False)
    @classmethod
    def _time(cls, value):
        return None if value is None else parse_time(str(value))

    @field_validator("restaurant", check_fields=False)
    @classmethod
    def _restaurant(cls, value, info: ValidationInfo):
        conn = info.context["conn"]
        row = db.restaurant(conn, str(value))
        if row is None:
            raise ValueError(_not_a_restaurant(conn, str(value)))
        return row["name"]


def _not_a_restaurant(conn, value: str) -> str:
    """An area or a cuisine given as a restaurant points the model to the search; an unknown name does not
    (a search would only offer some other restaurant the user never asked for)."""
    vocab = db.vocabulary(conn)
    for kind, field in (("neighbourhoods", "neighbourhood"), ("cuisines", "cuisine")):
        known = {v.lower(): v for v in vocab[kind]}
        if value.strip().lower() in known:
            return (f"{value!r} is a {field}, not a restaurant; use search_restaurants with "
                    f"{field}={known[value.strip().lower()]!r} to find one")
    return f"no restaurant called {value!r}"


class SearchArgs(_Args):
    cuisine: str | None = None
    neighbourhood: str | None = None
    max_price: StrictInt | None = Field(None, ge=1, le=4)
    diet: str | None = None
    party_size: StrictInt | None = Field(None, ge=1, le=20)
    date: str | None = None
    time: str | None = None


class SlotArgs(_Args):
    restaurant: str
    party_size: StrictInt = Field(ge=1, le=20)
    date: str
    time: str


class ListArgs(_Args):
    pass


class CancelArgs(_Args):
    booking_id: StrictInt = Field(ge=1)


# -- the tools ------------------------------------------------------------------------------------
def search_restaurants(ctx: Context, conn, cuisine=None, neighbourhood=None, max_price=None, diet=None,
                       party_size=None, date=None, time=None) -> str:
    """Find restaurants by cuisine, area, price (1-4), diet, or a free table for a party."""
    rows = conn.execute("SELECT * FROM restaurants ORDER BY rating DESC, name").fetchall()
    rows = [r for r in rows if (not cuisine or r["cuisine"] == cuisine.lower())
            and (not neighbourhood or r["neighbourhood"].lower() == neighbourhood.lower())
            and (not max_price or r["price"] <= max_price)
            and (not diet or diet.lower() in r["diets"].split(","))]
    if party_size and date and time:
        rows = [r for r in rows if _open_at(r, time) and db.free_table(conn, r, party_size, date, time)]
    if not rows:
        return "No restaurant matches; try fewer filters."
    lines = [f"{r['name']} ({r['cuisine']}, {r['neighbourhood']}, price {r['price']}/4, rating {r['rating']}, "
             f"diets: {r['diets'].replace(',', ', ') or 'none'}, open {r['opens']}-{r['closes']}): "
             f"{r['description']}" for r in rows[:MAX_RESULTS]]
    return "\n".join(lines)


def check_availability(ctx: Context, conn, restaurant, party_size, date, time) -> str:
    """Check a restaurant for a free table; offers the nearest free times."""
    row = db.restaurant(conn, restaurant)
    if db.free_table(conn, row, party_size, date, time):
        return f"{row['name']} has a table for {party_size} on {date} at {time}."
    others = db.nearest_free_times(conn, row, party_size, date, time)
    offer = f" Nearest free times that day: {', '.join(others)}." if others else " Nothing free that day."
    return f"{row['name']} is full for {party_size} on {date} at {time}.{offer}"


def book_table(ctx: Context, conn, restaurant, party_size, date, time, *, key: str) -> str:
    """Book a table (the user approves first)."""
    row = db.restaurant(conn, restaurant)
    try:
        booking, created = db.book(conn, row, ctx.user, party_size, date, time, key)
    except db.NoLongerAvailable:
        others = db.nearest_free_times(conn, row, party_size, date, time)
        offer = f" Nearest free times: {', '.join(others)}." if others else ""
        return f"error: {row['name']} is no longer available for {party_size} on {date} at {time}.{offer}"
    return f"Booked {booking.describe()}." if created else f"Already booked: {booking.describe()}."


def list_my_bookings(ctx: Context, conn) -> str:
    """List the user's bookings."""
    mine = db.bookings(conn, ctx.user)
    return "\n".join(b.describe() for b in mine) if mine else "You have no active bookings."


def cancel_booking(ctx: Context, conn, booking_id) -> str:
    """Cancel one of the user's bookings by number (the user approves first)."""
    if not db.cancel(conn, booking_id, ctx.user):
        return f"error: you have no active booking #{booking_id}; list_my_bookings shows yours."
    return f"Cancelled booking #{booking_id}."


TOOLS = {  # name -> (function, argument model)
    "search_restaurants": (search_restaurants, SearchArgs),
    "check_availability": (check_availability, SlotArgs),
    "book_table": (book_table, SlotArgs),
    "list_my_bookings": (list_my_bookings, ListArgs),
    "cancel_booking": (cancel_booking, CancelArgs),
}


# -- the one door from a model's call to the database --------------------------------------------
def validate(ctx: Context, conn, name: str, arguments) -> dict:
    """The call's checked, normalised arguments; raises ValueError with a message for the model."""
    if name not in TOOLS:
        raise ValueError(f"there is no tool called {name!r}; the tools are {', '.join(TOOLS)}")
    if not isinstance(arguments, dict):
        raise ValueError(f"the arguments of {name} must be a JSON object")
    try:
        args = TOOLS[name][1].model_validate(arguments, context={"ctx": ctx, "conn": conn}).model_dump()
    except ValidationError as error:
        raise ValueError(f"invalid arguments for {name}: " + "; ".join(
            f"{'.'.join(map(str, e['loc'])) or 'arguments'}: {e['msg'].removeprefix('Value error, ')}"
            for e in error.errors())) from None
    _check_vocabulary(conn, args)
    _check_not_past(ctx, args)
    if args.get("time") and args.get("restaurant"):
        row = db.restaurant(conn, args["restaurant"])
        if not _open_at(row, args["time"]):
            raise ValueError(f"{row['name']} takes bookings from {row['opens']} to "
                             f"{db.hhmm(db.minutes(row['closes']) - db.LAST_SEATING_MINUTES)}; pick a time then")
    return args


def _check_vocabulary(conn, args: dict) -> None:
    vocab = db.vocabulary(conn)
    for field, known in (("cuisine", vocab["cuisines"]), ("neighbourhood", vocab["neighbourhoods"]),
                         ("diet", vocab["diets"])):
        if args.get(field) and args[field].lower() not in {k.lower() for k in known}:
            raise ValueError(f"unknown {field} {args[field]!r}; known: {', '.join(known)}")


def _check_not_past(ctx: Context, args: dict) -> None:
    """Today at a time already gone is the past too (ctx.now is None on the evaluation's fixed day)."""
    if ctx.now and args.get("date") == ctx.today.isoformat() and args.get("time"):
        if args["time"] <= ctx.now.strftime("%H:%M"):
            raise ValueError(f"{args['time']} today has already passed (it is {ctx.now:%H:%M}); pick a later time")


def _open_at(row, time: str) -> bool:
    return time in db.seating_times(row)


def idempotency_key(ctx: Context, thread_id: str, args: dict) -> str:
    """Same user, conversation and booking details -> same key, so a retried call books once."""
    text = "|".join([ctx.user, thread_id, args["restaurant"], str(args["party_size"]), args["date"], args["time"]])
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def run_tool(ctx: Context, name: str, arguments, thread_id: str = "", dry: bool = False) -> tuple[str, str]:
    """Run one call; returns (text for the model, status: ok, invalid or failed). Never raises for a bad call.

    `dry=True` only validates: a side-effect call the user did not approve gets its error, or a refusal.
    """
    conn = db.connect(ctx.db_path)
    try:
        try:
            args = validate(ctx, conn, name, arguments)
        except ValueError as error:
            return f"error: {error}", "invalid"
        if dry:
            return _refusal(conn, ctx, name, args), "failed"
        function = TOOLS[name][0]
        extra = {"key": idempotency_key(ctx, thread_id, args)} if name == "book_table" else {}
        text = function(ctx, conn, **args, **extra)
        return text, "failed" if text.startswith("error:") else "ok"
    finally:
        conn.close()


def _refusal(conn, ctx: Context, name: str, args: dict) -> str:
    found = db.booking(conn, args["booking_id"]) if name == "cancel_booking" else None
    if name == "cancel_booking" and (found is None or found.user != ctx.user or found.status != "active"):
        return f"error: you have no active booking #{args['booking_id']}; list_my_bookings shows yours."
    if name == "book_table" and not _free(conn, args):
        return "error: " + check_availability(ctx, conn, **args)
    return f"error: {name} was not approved by the user, so nothing was written."


def _free(conn, args: dict) -> bool:
    row = db.restaurant(conn, args["restaurant"])
    return db.free_table(conn, row, args["party_size"], args["date"], args["time"]) is not None


def plan_write(ctx: Context, name: str, arguments) -> tuple[dict, str] | None:
    """(the checked arguments that will be written, the preview saying exactly that) for a side-effect call,
    or None when it would not run (invalid, someone else's booking, no free table): nothing to approve."""
    if name not in SIDE_EFFECT_TOOLS:
        return None
    conn = db.connect(ctx.db_path)
    try:
        args = validate(ctx, conn, name, arguments)
        if name == "book_table":
            if not _free(conn, args):
                return None  # the dry run answers with the nearest free times
            return args, (f"book a table at {args['restaurant']} for {args['party_size']} on {args['date']} "
                          f"at {args['time']}, in the name of {ctx.user}")
        found = db.booking(conn, args["booking_id"])
        if found is None or found.user != ctx.user or found.status != "active":
            return None  # the tool refuses it anyway: nothing to approve
        return args, f"cancel {found.describe()}"
    except ValueError:
        return None  # invalid: the tool will answer with the error, no approval needed
    finally:
        conn.close()


def preview(ctx: Context, name: str, arguments) -> str | None:
    """Exactly what a side-effect call will write, for the approval prompt; None when it would not run."""
    planned = plan_write(ctx, name, arguments)
    return planned[1] if planned else None
