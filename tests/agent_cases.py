"""What the agent's rule and security tests share: one fully specified request, its call, the bookings."""

from __future__ import annotations

import datetime as dt

from agents import db

TODAY = dt.date(2027, 3, 1)
SAID = "Book a table for 3 at Casa Lupo on 2027-03-05 at 20:00"
CALL = ("book_table", {"restaurant": "Casa Lupo", "party_size": 3, "date": "2027-03-05", "time": "20:00"})


def bookings(path):
    conn = db.connect(path)
    try:
        return db.bookings(conn)
    finally:
        conn.close()
