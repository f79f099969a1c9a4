"""Reading documents: Markdown and plain text as UTF-8, PDF through its text layer (pypdf).

A file that cannot be read is a `SkippedFile` naming the file and the reason; ingest warns and goes on
with the rest, so one bad file never stops (or half-writes) a whole knowledge base.
"""

from __future__ import annotations

from pathlib import Path

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


def find_files(paths) -> list[tuple[Path, str]]:
    """Every readable-looking file under the given paths, as (file, source name), sorted.

    The source name is the path relative to the folder given, prefixed by that folder's name
    (`kb/policies/travel.md`), so it is the same on every machine and prune can tell which sources a
    folder owns. A single file's source is its name.
    """
    found = []
    for given in paths:
        root = Path(given).expanduser()
        if not root.exists():
            from tailor.errors import UsageError

            raise UsageError(f"{given}: no such file or folder")
        if root.is_file():
            found.append((root, root.name))
            continue
        for path in sorted(root.rglob("*")):
            if path.is_file() and kind_of(path) and not path.name.startswith("."):
                found.append((path, f"{root.resolve().name}/{path.relative_to(root).as_posix()}"))
    return found
