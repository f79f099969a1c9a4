"""Reading documents: Markdown and plain text as UTF-8, PDF through its text layer (pypdf).

A file that cannot be read is a `SkippedFile` naming the file and the reason; ingest warns and goes on
with the rest, so one bad file never stops (or half-writes) a whole knowledge base.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import NamedTuple

SUFFIXES = {".md": "markdown", ".markdown": "markdown", ".txt": "text", ".pdf": "pdf"}


class SkippedFile(Exception):
    """A file ingest could not read; the message says why."""


def kind_of(path: Path) -> str | None:
    return SUFFIXES.get(path.suffix.lower())


def read_document(path: Path) -> str:
    """The file's text; PDF pages are joined with a page marker line the chunker turns into headings."""
    kind = kind_of(path)
    if kind is None:
        raise SkippedFile(f"{path}: unsupported file type (use .md, .txt or .pdf)")
    try:
        if kind == "pdf":
            return _read_pdf(path)
        return path.read_bytes().decode("utf-8")
    except UnicodeDecodeError:
        raise SkippedFile(f"{path}: not UTF-8 text; convert it with `iconv -t UTF-8`") from None
    except OSError as error:
        raise SkippedFile(f"{path}: cannot be read ({error.strerror or error})") from None


def _read_pdf(path: Path) -> str:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        pages = [page.extract_text() or "" for page in PdfReader(path).pages]
    except (PdfReadError, ValueError, KeyError) as error:
        raise SkippedFile(f"{path}: not a readable PDF ({error})") from None
    if not any(p.strip() for p in pages):
        raise SkippedFile(f"{path}: the PDF has no text layer (scanned?); run OCR first")
    # Each page becomes a level-1 section so chunks keep their page number as the heading path.
    return "\n\n".join(f"# Page {n}\n\n{text}" for n, text in enumerate(pages, 1) if text.strip())


class Found(NamedTuple):
    path: Path  # the file to read
    source: str  # the name shown in citations: <folder name>/<path inside it>
    origin: str  # the key in the store: the folder's absolute path joined with the path inside it


def find_files(paths) -> list[tuple[Path, str]]:
    """(file, source name) of every readable-looking file under the given paths, sorted; see `scan`."""
    return [(found.path, found.source) for found in scan(paths)[0]]


def scan(paths) -> tuple[list[Found], list[str]]:
    """Every readable-looking file under the given paths, and one line for each file passed over.

    The source name is the path relative to the folder given, prefixed by that folder's name
    (`kb/policies/travel.md`), the same on every machine, for citations. The origin is what the store keys
    a document by: unique (two folders both named `docs` never collide) and stable for the same folder.
    A name that is not UTF-8 is passed over, and so is a link leading out of the folder given (a link to
    /etc/passwd must not end up in the knowledge base). A missing or empty path is a UsageError before
    anything is read.
    """
    found, skipped, seen = [], [], set()
    for given in paths:
        for item in _files_under(_checked_root(given), skipped):
            if item.origin not in seen:  # a folder and a file inside it, given together
                seen.add(item.origin)
                found.append(item)
    return found, skipped


def check_paths(paths) -> None:
    """Refuse a missing or empty path before a store is opened (or created on disk)."""
    for given in paths:
        _checked_root(given)


def _checked_root(given) -> Path:
    from tailor.errors import UsageError

    if not str(given).strip():
        raise UsageError("an empty path was given; name a file or folder to ingest (`.` for this folder)")
    root = Path(given).expanduser()
    if not root.exists():
        raise UsageError(f"{given}: no such file or folder")
    return root


def _files_under(root: Path, skipped: list[str]) -> list[Found]:
    if root.is_file():  # named by the user: taken as given, even through a link
        return [Found(root, root.name, root.resolve().as_posix())] if _utf8_name(root, skipped) else []
    top = root.resolve()
    items = []
    for folder, dirs, names in os.walk(top):  # followlinks=False: a linked folder is not entered
        dirs.sort()
        for name in sorted(names):
            path = Path(folder) / name
            if name.startswith(".") or not kind_of(path) or not _utf8_name(path, skipped):
                continue
            if path.is_symlink() and not path.resolve().is_relative_to(top):
                skipped.append(f"{path}: a link to {path.resolve()}, outside {top}; links out of the folder are "
                               "not followed (copy the file in to ingest it)")
                continue
            if path.is_file():
                relative = path.relative_to(top).as_posix()
                items.append(Found(path, f"{top.name}/{relative}", f"{top.as_posix()}/{relative}"))
    return items


def _utf8_name(path: Path, skipped: list[str]) -> bool:
    """Python keeps a non-UTF-8 file name as lone surrogates, which no store can save: pass it over."""
    try:
        str(path).encode("utf-8")
    except UnicodeEncodeError:
        shown = str(path).encode("utf-8", "backslashreplace").decode()
        skipped.append(f"{shown}: the file name is not UTF-8; rename it (e.g. `convmv -t utf-8`)")
        return False
    return True
