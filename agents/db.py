"""The world the agent acts on: a real SQLite database of restaurants, tables and bookings.

Availability is computed from tables and existing bookings. Over-booking is prevented by the schema,
not by a check in Python: a booking holds its table for every half-hour slot of its sitting, and
`table_slots` has the primary key (table_id, date, slot), so two bookings of one table in one slot
cannot both be written. The booking itself runs in a `BEGIN IMMEDIATE` transaction (one writer at a
time), and each booking carries a unique idempotency key so a retried call books once.
"""

from __future__ import annotations

import json
import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from tailor.config import data_dir, home
from tailor.errors import UsageError

SITTING_MINUTES = 120  # a booking holds its table this long (or until closing)
SLOT_MINUTES = 30  # bookings start on the hour or the half hour
LAST_SEATING_MINUTES = 60  # the last booking starts this long before closing
BUSY_TIMEOUT_S = 10.0  # how long a writer waits for another writer's transaction

SCHEMA = """
CREATE TABLE IF NOT EXISTS restaurants (
    id TEXT PRIMARY KEY, name TEXT NOT NULL UNIQUE, cuisine TEXT NOT NULL, neighbourhood TEXT NOT NULL,
    price INTEGER NOT NULL CHECK (price BETWEEN 1 AND 4), rating REAL NOT NULL,
    diets TEXT NOT NULL, opens TEXT NOT NULL, closes TEXT NOT NULL, description TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS tables (
    id INTEGER PRIMARY KEY, restaurant_id TEXT NOT NULL REFERENCES restaurants(id),
    seats INTEGER NOT NULL CHECK (seats > 0));
CREATE TABLE IF NOT EXISTS bookings (
    id INTEGER PRIMARY KEY, restaurant_id TEXT NOT NULL REFERENCES restaurants(id),
    table_id INTEGER NOT NULL REFERENCES tables(id), user TEXT NOT NULL,
    party_size INTEGER NOT NULL CHECK (party_size BETWEEN 1 AND 20),
    date TEXT NOT NULL, time TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'cancelled')),
    idempotency_key TEXT NOT NULL UNIQUE, created_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP);
-- one row per (table, date, half-hour) a live booking holds: the key makes over-booking impossible
CREATE TABLE IF NOT EXISTS table_slots (
    table_id INTEGER NOT NULL REFERENCES tables(id), date TEXT NOT NULL, slot TEXT NOT NULL,
    booking_id INTEGER NOT NULL REFERENCES bookings(id),
    PRIMARY KEY (table_id, date, slot));
"""


@dataclass
class Booking:
    id: int
    restaurant: str  # the restaurant's name
    user: str
    party_size: int
    date: str  # YYYY-MM-DD
    time: str  # HH:MM
    status: str

    def describe(self) -> str:
        return (f"booking #{self.id}: {self.restaurant}, {self.date} at {self.time}, "
                f"party of {self.party_size} ({self.status})")


class NoLongerAvailable(Exception):
    """No free table for that party at that time (someone may just have taken the last one)."""


# -- opening and seeding ----------------------------------------------------------------------------
def default_path() -> Path:
    return home() / "reservations.db"


def connect(path: str | Path | None = None) -> sqlite3.Connection:
    """Open (creating and seeding on first use) the reservations database."""
    path = Path(path) if path else default_path()
    refuse_foreign(path, allow_empty=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_S, isolation_level=None)  # explicit transactions
    conn.row_factory = sqlite3.Row
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA journal_mode = WAL")  # readers never block the writer
    conn.executescript(SCHEMA)
    if conn.execute("SELECT COUNT(*) FROM restaurants").fetchone()[0] == 0:
        seed(conn)
    return conn


def slug(name: str) -> str:
    return "-".join("".join(c if c.isalnum() else " " for c in name.lower()).split())


def load_restaurants(path: Path | None = None) -> list[dict]:
    path = path or data_dir() / "agents" / "restaurants.json"
    if not path.is_file():
        raise UsageError(f"restaurant data not found at {path}; run from the repository checkout")
    return json.loads(path.read_text())


def seed(conn: sqlite3.Connection, restaurants: list[dict] | None = None) -> None:
    """Write the bundled restaurants and their tables (in one transaction)."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        for r in restaurants or load_restaurants():
            conn.execute("INSERT INTO restaurants VALUES (?,?,?,?,?,?,?,?,?,?)",
                         (slug(r["name"]), r["name"], r["cuisine"], r["neighbourhood"], r["price"],
                          r["rating"], ",".join(r["diets"]), r["opens"], r["closes"], r["description"]))
            for seats, count in r["tables"].items():
                conn.executemany("INSERT INTO tables (restaurant_id, seats) VALUES (?, ?)",
                                 [(slug(r["name"]), int(seats))] * count)
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise


SQLITE_HEADER = b"SQLite format 3\x00"
OUR_TABLES = {"restaurants", "tables", "bookings", "table_slots"}


def refuse_foreign(path: Path, allow_empty: bool = False) -> None:
    """Raise UsageError unless `path` is absent, or a reservations database this module made (an empty
    file too when `allow_empty`): a text file or someone else's database given as --db is never touched."""
    if not path.exists() and not path.is_symlink():
        return
    if not path.is_file():
        raise UsageError(f"{path} is not a file; give --db the path of a reservations database")
    with path.open("rb") as handle:
        header = handle.read(len(SQLITE_HEADER))
    if not header and allow_empty:
        return
    tables = _tables(path) if header == SQLITE_HEADER else set()
    if not OUR_TABLES <= tables:
        raise UsageError(f"{path} is not a tailor reservations database; refusing to touch it. "
                         "Give --db a new path or an existing reservations database")


def _tables(path: Path) -> set[str]:
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)  # read-only: never changes it
        try:
            return {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        finally:
            conn.close()
    except sqlite3.DatabaseError:
        return set()


def reset(path: str | Path | None = None) -> Path:
    """Delete the database and seed it again: every booking is gone. Refuses a file that is not one."""
    path = Path(path) if path else default_path()
    refuse_foreign(path)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    connect(path).close()
    return path


# -- reading ----------------------------------------------------------------------------------------
def restaurant(conn, name_or_id: str) -> sqlite3.Row | None:
    key = name_or_id.strip()
    return conn.execute("SELECT * FROM restaurants WHERE id = ? OR lower(name) = lower(?)",
                        (slug(key), key)).fetchone()


def vocabulary(conn) -> dict[str, list[str]]:
    """The names the tool schemas are narrowed to: what exists in this database."""
    column = {"names": "name", "cuisines": "cuisine", "neighbourhoods": "neighbourhood"}
    vocab = {key: [row[0] for row in conn.execute(f"SELECT DISTINCT {col} FROM restaurants ORDER BY 1")]
             for key, col in column.items()}
    diets = {d for (text,) in conn.execute("SELECT diets FROM restaurants") for d in text.split(",") if d}
    vocab["diets"] = sorted(diets)
    return vocab


def minutes(hhmm: str) -> int:
    hours, mins = hhmm.split(":")
    return int(hours) * 60 + int(mins)


def hhmm(total: int) -> str:
    return f"{total // 60:02d}:{total % 60:02d}"


def seating_times(row) -> list[str]:
    """Every start time a restaurant takes bookings for, in order."""
    first, last = minutes(row["opens"]), minutes(row["closes"]) - LAST_SEATING_MINUTES
    return [hhmm(m) for m in range(first, last + 1, SLOT_MINUTES)]


def held_slots(row, time: str) -> list[str]:
    """The half-hour slots a sitting starting at `time` holds (until closing at the latest)."""
    start, end = minutes(time), min(minutes(time) + SITTING_MINUTES, minutes(row["closes"]))
    return [hhmm(m) for m in range(start, end, SLOT_MINUTES)]


def free_table(conn, row, party_size: int, date: str, time: str) -> int | None:
    """The smallest table that seats the party and is free for the whole sitting, or None."""
    slots = held_slots(row, time)
    marks = ",".join("?" * len(slots))
    found = conn.execute(
        f"SELECT t.id FROM tables t WHERE t.restaurant_id = ? AND t.seats >= ? AND NOT EXISTS ("
        f"SELECT 1 FROM table_slots s WHERE s.table_id = t.id AND s.date = ? AND s.slot IN ({marks})) "
        "ORDER BY t.seats, t.id LIMIT 1", (row["id"], party_size, date, *slots)).fetchone()
    return found[0] if found else None


def nearest_free_times(conn, row, party_size: int, date: str, time: str, count: int = 3) -> list[str]:
    """Up to `count` other start times that day with a free table, nearest first."""
    wanted = minutes(time)
    times = sorted(seating_times(row), key=lambda t: (abs(minutes(t) - wanted), t))
    return [t for t in times if t != time and free_table(conn, row, party_size, date, t)][:count]


def bookings(conn, user: str | None = None, status: str | None = "active") -> list[Booking]:
    sql = ("SELECT b.id, r.name, b.user, b.party_size, b.date, b.time, b.status FROM bookings b "
           "JOIN restaurants r ON r.id = b.restaurant_id WHERE (? IS NULL OR b.user = ?) "
           "AND (? IS NULL OR b.status = ?) ORDER BY b.date, b.time, b.id")
    return [Booking(*row) for row in conn.execute(sql, (user, user, status, status))]


def booking(conn, booking_id: int) -> Booking | None:
    found = [b for b in bookings(conn, status=None) if b.id == booking_id]
    return found[0] if found else None


# -- writing ----------------------------------------------------------------------------------------
def book(conn, row, user: str, party_size: int, date: str, time: str, key: str) -> tuple[Booking, bool]:
    """Book the smallest free table; returns (booking, created). The same key returns the first booking.

    Raises NoLongerAvailable when no table is free at the moment of writing.
    """
    conn.execute("BEGIN IMMEDIATE")  # take the write lock before reading availability
    try:
        existing = conn.execute("SELECT id FROM bookings WHERE idempotency_key = ?", (key,)).fetchone()
        if existing:
            conn.execute("COMMIT")
            return booking(conn, existing[0]), False
        table_id = free_table(conn, row, party_size, date, time)
        if table_id is None:
            raise NoLongerAvailable(time)
        cursor = conn.execute("INSERT INTO bookings (restaurant_id, table_id, user, party_size, date, time, "
                              "idempotency_key) VALUES (?,?,?,?,?,?,?)",
                              (row["id"], table_id, user, party_size, date, time, key))
        conn.executemany("INSERT INTO table_slots VALUES (?,?,?,?)",
                         [(table_id, date, slot, cursor.lastrowid) for slot in held_slots(row, time)])
        conn.execute("COMMIT")
        return booking(conn, cursor.lastrowid), True
    except sqlite3.IntegrityError as error:  # the slot key caught a double booking
        conn.execute("ROLLBACK")
        raise NoLongerAvailable(time) from error
    except BaseException:
        conn.execute("ROLLBACK")
        raise


def cancel(conn, booking_id: int, user: str) -> bool:
    """Cancel one of `user`'s active bookings and free its table; False when there is no such booking."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        done = conn.execute("UPDATE bookings SET status = 'cancelled' WHERE id = ? AND user = ? "
                            "AND status = 'active'", (booking_id, user)).rowcount
        conn.execute("DELETE FROM table_slots WHERE booking_id = ?", (booking_id,)) if done else None
        conn.execute("COMMIT")
        return bool(done)
    except BaseException:
        conn.execute("ROLLBACK")
        raise


def snapshot(conn) -> list[tuple]:
    """Every booking row as plain tuples, to compare the database before and after."""
    return [tuple(r) for r in conn.execute("SELECT id, restaurant_id, table_id, user, party_size, date, time, "
                                           "status FROM bookings ORDER BY id")]


def path_from(value: str | os.PathLike | None) -> Path:
    return Path(value).expanduser() if value else default_path()
