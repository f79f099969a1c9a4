"""Reading a CSV file of any size into rows of strings, with the spellings of "no value" spreadsheets use.

A large file is read with a progress line every PROGRESS_ROWS rows (on stderr), and refused with a clear
error once it passes MAX_CELLS values (rows x columns): every value is held in memory while the columns
are parsed, about 100 bytes each, so the limit keeps a run near 2 GB on a shared machine.
"""

from __future__ import annotations

import csv
import hashlib
import math
import os
import sys
from pathlib import Path

from tailor.errors import UsageError

# Spellings of "no value" in exported spreadsheets; compared case-insensitively after stripping spaces.
MISSING = {"", "na", "n/a", "nan", "null", "none", "?", "-"}
MAX_CELLS = int(os.environ.get("TAILOR_CLASSIFY_MAX_CELLS", 20_000_000))  # 1M rows x 20 columns
PROGRESS_ROWS = 200_000


def is_missing(value: str) -> bool:
    return value.strip().lower() in MISSING


def to_number(value: str) -> float | None:
    """A float, NaN for a missing value, or None when the text is not a number."""
    if is_missing(value):
        return math.nan
    try:
        number = float(value.strip())
    except ValueError:
        return None
    return number if math.isfinite(number) else None


def file_hash(path: str | Path) -> str:
    """sha256 of the file's bytes: the model card names exactly which data trained the model."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def read_rows(path: str | Path) -> tuple[list[str], list[list[str]]]:
    """The header and the data rows of a CSV file, every row as wide as the header."""
    file = Path(path)
    if not file.is_file():
        raise UsageError(f"CSV file {file} does not exist; give the path of a CSV file with a header row")
    try:
        with file.open(newline="", encoding="utf-8-sig") as handle:
            header, rows = _read(file, csv.reader(handle))
    except (UnicodeDecodeError, csv.Error) as error:
        raise UsageError(f"{file} is not a readable UTF-8 CSV file: {error}") from error
    except OSError as error:
        raise UsageError(f"{file} cannot be read: {error.strerror}") from error
    if not rows:
        raise UsageError(f"{file} has no data rows; it needs a header row and at least one row of values")
    return header, rows


def _read(file: Path, reader) -> tuple[list[str], list[list[str]]]:
    header = [name.strip() for name in next(reader, [])]
    if not header:
        raise UsageError(f"{file} is empty; it needs a header row and at least one row of values")
    if len(set(header)) != len(header) or "" in header:
        raise UsageError(f"{file}: every column needs a distinct, non-empty name in the header row")
    rows, limit = [], max(1, MAX_CELLS // len(header))
    for number, row in enumerate(reader, start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            raise UsageError(f"{file} line {number} has {len(row)} values but the header has {len(header)}")
        rows.append(row)
        if len(rows) > limit:
            raise UsageError(f"{file} has more than {limit:,} rows of {len(header)} columns: over the limit of "
                             f"{MAX_CELLS:,} values held in memory (TAILOR_CLASSIFY_MAX_CELLS); train on a "
                             "random sample of the rows, or fewer columns")
        if len(rows) % PROGRESS_ROWS == 0:
            print(f"read {len(rows):,} rows ...", file=sys.stderr, flush=True)
    return header, rows
