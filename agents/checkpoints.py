"""The agent's checkpoints: LangGraph's SQLite saver, loading with a strict, allow-listed deserializer.

A checkpoint database is a file on disk; whoever can write to it must not be able to run code in the
process that reads it. LangGraph's default serializer revives any `module.name` a checkpoint names (an
msgpack `Ext` holding ("os", "system", "touch FILE") calls os.system on load). The agent's state is plain
JSON-like data (messages, traces, approvals) and LangGraph adds a few of its own types; only those are
revived here. A checkpoint that names anything else, or that is stored as pickle or JSON, is refused with
`UntrustedCheckpoint` before any module is imported.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from tailor.errors import UsageError

# (module, name) pairs a checkpoint of this graph may hold: what LangGraph itself writes for interrupts,
# resumes and sends. Everything else in our state is lists, dicts, strings and numbers.
ALLOWED_TYPES = frozenset({("langgraph.types", "Interrupt"), ("langgraph.types", "Command"),
                           ("langgraph.types", "Send")})
SAFE_FORMATS = ("null", "msgpack")  # never "pickle"; "json" would go through LangChain's reviver
CONSTRUCTOR_CODES = range(0, 7)  # msgpack ext codes 0-6 name a (module, name) to build; 7 is a delta snapshot


class UntrustedCheckpoint(UsageError):
    """A checkpoint holds something this graph never writes: it was tampered with (or is not ours)."""


def strict_serializer(source: Path | None = None):
    """A JsonPlusSerializer that revives only ALLOWED_TYPES and raises on anything else."""
    where = (f" in {source}: tailor never writes that, so the file was changed by someone else; "
             "start a new --thread or move that file away") if source else ""
    import ormsgpack
    from langgraph.checkpoint.serde.jsonplus import JsonPlusSerializer, _create_msgpack_ext_hook

    build = _create_msgpack_ext_hook(set(ALLOWED_TYPES))  # LangGraph's own hook, narrowed to our list
    refused: list[str] = []  # ormsgpack replaces the hook's exception with "ext_hook failed": keep the reason

    def ext_hook(code: int, data: bytes):
        if code in CONSTRUCTOR_CODES:  # look at the name before LangGraph imports anything
            named = ormsgpack.unpackb(data, ext_hook=ext_hook, option=ormsgpack.OPT_NON_STR_KEYS)
            key = (str(named[0]), str(named[1])) if isinstance(named, list | tuple) and len(named) > 1 else None
            if key not in ALLOWED_TYPES:
                refused.append(f"refusing to load a checkpoint that names {_shown(key)}{where}")
                raise UntrustedCheckpoint(refused[-1])
        return build(code, data)

    class StrictSerializer(JsonPlusSerializer):
        def loads_typed(self, data):
            if data[0] not in SAFE_FORMATS:
                raise UntrustedCheckpoint(f"refusing to load a checkpoint stored as {data[0]!r}{where}")
            refused.clear()
            try:
                return super().loads_typed(data)
            except UntrustedCheckpoint:
                raise
            except Exception as error:
                reason = refused[0] if refused else f"a checkpoint could not be read ({type(error).__name__}){where}"
                raise UntrustedCheckpoint(reason) from None

    return StrictSerializer(allowed_msgpack_modules=None, __unpack_ext_hook__=ext_hook)


def _shown(key) -> str:
    return ".".join(key)[:80] if key else "an unknown type"


def open_saver(path: Path):
    """(sqlite connection, SqliteSaver) on `path`, loading through the strict serializer."""
    from langgraph.checkpoint.sqlite import SqliteSaver

    conn = sqlite3.connect(path, check_same_thread=False)
    return conn, SqliteSaver(conn, serde=strict_serializer(path))
