"""Two measurements of a demo's files: its lines of code, and a fingerprint of what its result depends on.

Lines of code count what a reader has to write and maintain: lines that are not blank, not comments and
not docstrings, in the demo's own .py files (tests and data live elsewhere, so they are not counted).
The fingerprint (SHA-256 over file names and contents, plus the backend, model and mode) is what
"reuse when the inputs have not changed" compares.
"""

from __future__ import annotations

import ast
import hashlib
from pathlib import Path


def lines_of_code(folder: Path) -> int | None:
    """Code lines of every .py file under `folder`; None when the folder does not exist."""
    if not folder.is_dir():
        return None
    return sum(_code_lines(path) for path in sorted(folder.rglob("*.py")) if "tests" not in path.parts)


def _code_lines(path: Path) -> int:
    source = path.read_text(encoding="utf-8", errors="replace")
    skip = _docstring_lines(source)
    return sum(1 for number, line in enumerate(source.splitlines(), start=1)
               if line.strip() and not line.strip().startswith("#") and number not in skip)


def _docstring_lines(source: str) -> set[int]:
    """Line numbers taken by module, class and function docstrings (empty when the file does not parse)."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return set()
    lines: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(getattr(first, "value", None), ast.Constant) \
                    and isinstance(first.value.value, str):
                lines.update(range(first.lineno, (first.end_lineno or first.lineno) + 1))
    return lines


def fingerprint(files: list[Path], *settings: str) -> str:
    """SHA-256 over each file's name and bytes (a missing file counts as missing) and the settings."""
    digest = hashlib.sha256()
    for path in files:
        digest.update(str(path).encode())
        try:
            digest.update(hashlib.sha256(path.read_bytes()).digest())
        except OSError:
            digest.update(b"<missing>")
    for value in settings:
        digest.update(b"\0" + value.encode())
    return digest.hexdigest()


def file_sha256(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None
