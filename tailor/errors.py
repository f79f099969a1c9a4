"""tailor's own small error hierarchy.

Every error a user can cause or fix is a `TailorError`: the CLI prints its message on one line and exits
with code 2. The original exception stays attached as `__cause__` for debugging.
"""


class TailorError(Exception):
    """Base class: a clear, one-line message that says how to fix the problem."""

    exit_code = 2


class UsageError(TailorError):
    """Bad input from the user: an empty prompt, a missing file, an out-of-range option."""


class ModelNotFoundError(TailorError):
    """The model path or bundled weights cannot be found or loaded."""


class BackendError(TailorError):
    """A model backend failed to produce an answer."""


class UnreachableError(BackendError):
    """The server did not answer (connection refused, DNS, timeout)."""


class AuthenticationError(BackendError):
    """The server refused the API key (or none was given)."""


class RateLimitedError(BackendError):
    """The server said to slow down (HTTP 429), after the SDK's own retries."""


class BadResponseError(BackendError):
    """The server answered with an error status or something that is not a valid reply."""


class SchemaError(BackendError):
    """The model's reply does not validate against the requested schema."""


# -- the one place an exception becomes what the user sees -------------------------------------------------
DEBUG_ENV = "TAILOR_DEBUG"  # set to 1 to see the full traceback of any error
REPORT_TO = "the tailor issue tracker"  # where an internal error should be reported


def user_error(error: BaseException) -> TailorError | None:
    """The TailorError an exception stands for when the user's input or environment caused it, else None.

    Only exceptions that can come from what a user gives (a path, a setting, a file's content, a server's
    answer) are translated; anything else is left for `report_bug`, so a real bug is never disguised as
    a user's mistake.
    """
    if isinstance(error, TailorError):
        return error
    if isinstance(error, OSError) and error.filename is not None and not _installed_file(error.filename):
        return _file_error(error)
    if isinstance(error, UnicodeEncodeError) and "surrogate" in str(error.reason):
        return UsageError("an argument or file name is not valid UTF-8 text; rename the file or re-encode "
                          "the text as UTF-8")
    if _is_sqlite_open_error(error):
        return UsageError(f"cannot open the database ({error}); give the path of a SQLite file, or a new one")
    return None


def _installed_file(path) -> bool:
    """A path inside the installed code (a module, a package's data): losing one is a broken install or a bug,
    never the user's path."""
    text = str(path)
    return text.endswith(".py") or "site-packages" in text or "dist-packages" in text


def _file_error(error: OSError) -> UsageError:
    """A file or folder the user named could not be read, written or created."""
    path = error.filename
    reason = error.strerror or type(error).__name__
    if isinstance(error, IsADirectoryError):
        return UsageError(f"{path} is a folder; give a file")
    if isinstance(error, NotADirectoryError):
        return UsageError(f"{path}: a part of this path is a file, not a folder; choose another path")
    if isinstance(error, FileNotFoundError):
        return UsageError(f"{path} does not exist (or its folder is missing); check the path")
    if isinstance(error, PermissionError):
        return UsageError(f"{path}: permission denied; choose a path you can read and write")
    return UsageError(f"{path}: {reason}")


def _is_sqlite_open_error(error: BaseException) -> bool:
    """SQLite's own words for a --db path that is a folder or not a database: the user's path, not a bug."""
    import sqlite3

    text = str(error)
    return isinstance(error, sqlite3.DatabaseError) and (
        "unable to open database file" in text or "file is not a database" in text)


def report_bug(error: BaseException) -> str:
    """The one line an unexpected error prints: it is a bug, where it happened, where to report it and how to
    see the whole traceback."""
    import os

    from tailor.redact import redact

    # an exception from a library may quote a server's reply, and with it a key: never printed
    key = os.environ.get("OPENAI_API_KEY", "")
    detail = redact(str(error).splitlines()[0], [key])[:200] if str(error) else ""
    return (f"internal error: {type(error).__name__}: {detail}{_where(error)}. This is a bug in tailor, not "
            f"in your input; please report it to {REPORT_TO} with the traceback (run again with "
            f"{DEBUG_ENV}=1 to see it)")


def _where(error: BaseException) -> str:
    """' at <file>:<line>' of the innermost frame in tailor's own code (a library's frame says less)."""
    from pathlib import Path

    root = str(Path(__file__).resolve().parents[1])
    frames, tb = [], error.__traceback__
    while tb is not None:
        frames.append((tb.tb_frame.f_code.co_filename, tb.tb_lineno))
        tb = tb.tb_next
    own = [f for f in frames if f[0].startswith(root) and "site-packages" not in f[0]] or frames
    if not own:
        return ""
    file, line = own[-1]
    return f" at {file[len(root) + 1:] if file.startswith(root) else Path(file).name}:{line}"
