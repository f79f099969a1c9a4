"""The tool specifications the model sees, narrowed to what exists in the database.

Built by hand (not from the function signatures) so the JSON schema can list the cuisines, neighbourhoods,
diets and restaurant names that exist: on the local model the constrained decoder then cannot produce a
restaurant that is not there. Property order is the order the model writes the arguments in.
"""

from __future__ import annotations

import inspect

from agents import db
from agents.tools import TOOLS
from tailor.backends.tools import Tool

# Every token here is read by the small model at every step, so the formats are explained once, in the
# system prompt, and restaurant names are checked by the tools instead of listed (27 names, twice).
DATE = {"type": "string"}
TIME = {"type": "string"}
PARTY = {"type": "integer"}


def _object(properties: dict, required=()) -> dict:
    return {"type": "object", "properties": properties, "required": list(required), "additionalProperties": False}


def parameters(vocab: dict) -> dict[str, dict]:
    """Tool name -> JSON schema of its arguments."""
    slot = _object({"restaurant": {"type": "string"}, "party_size": PARTY, "date": DATE, "time": TIME},
                   required=("restaurant", "party_size", "date", "time"))
    search = _object({"cuisine": {"enum": vocab["cuisines"]}, "neighbourhood": {"enum": vocab["neighbourhoods"]},
                      "max_price": {"type": "integer"},
                      "diet": {"enum": vocab["diets"]}, "party_size": PARTY, "date": DATE, "time": TIME})
    return {"search_restaurants": search, "check_availability": slot, "book_table": slot,
            "list_my_bookings": _object({}), "cancel_booking": _object({"booking_id": {"type": "integer"}},
                                                                        required=("booking_id",))}


def build_tools(conn) -> list[Tool]:
    """Tool objects for backend.chat(tools=...), in a fixed order."""
    specs = parameters(db.vocabulary(conn))
    tools = []
    for name, (function, args_model) in TOOLS.items():
        doc = inspect.getdoc(function).split("\n\n")[0].replace("\n", " ")
        tools.append(Tool(name, doc, specs[name], args_model=args_model, function=function))
    return tools
