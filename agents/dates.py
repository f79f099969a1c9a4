"""Dates and times as people say them -> the database's YYYY-MM-DD and HH:MM, checked.

The model may copy "tomorrow", "friday" or "7:30pm" from the request: turning those into a date is a job
for code, not for a 135M-parameter model. "Today" comes from the application's Context.
"""

from __future__ import annotations

import datetime as dt
import re

MAX_DAYS_AHEAD = 90  # bookings open this far ahead
WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
TIME_PATTERN = re.compile(r"^(\d{1,2})(?:[:.h](\d{2}))?\s*(am|pm|a\.m\.|p\.m\.)?$")


def parse_date(text: str, today: dt.date) -> str:
    """'2027-03-05', 'today', 'tomorrow', 'friday' or 'next friday' -> '2027-03-05'; past dates are refused."""
    word = text.strip().lower().removeprefix("this ").removeprefix("on ")
    if word == "today" or word == "tonight":
        day = today
    elif word == "tomorrow":
        day = today + dt.timedelta(days=1)
    elif word.removeprefix("next ") in WEEKDAYS:
        ahead = (WEEKDAYS.index(word.removeprefix("next ")) - today.weekday()) % 7 or 7
        day = today + dt.timedelta(days=ahead)
    else:
        try:
            day = dt.date.fromisoformat(word)
        except ValueError:
            raise ValueError(f"date {text!r} is not YYYY-MM-DD, today, tomorrow or a weekday") from None
    if day < today:
        raise ValueError(f"date {day} is in the past (today is {today}); pick a future date")
    if day > today + dt.timedelta(days=MAX_DAYS_AHEAD):
        raise ValueError(f"date {day} is more than {MAX_DAYS_AHEAD} days ahead; bookings are not open yet")
    return day.isoformat()


def parse_time(text: str) -> str:
    """'19:00', '7pm', '7:30 pm' -> '19:00' / '19:30'; bookings start on the hour or the half hour."""
    found = TIME_PATTERN.match(text.strip().lower())
    if not found:
        raise ValueError(f"time {text!r} is not HH:MM or like 7pm")
    hours, mins, half = int(found[1]), int(found[2] or 0), (found[3] or "").replace(".", "")
    if half == "pm" and hours < 12:
        hours += 12
    elif half == "am" and hours == 12:
        hours = 0
    if hours > 23 or mins not in (0, 30):
        raise ValueError(f"time {text!r} must be a time of day on the hour or half hour, like 19:00 or 19:30")
    return f"{hours:02d}:{mins:02d}"
