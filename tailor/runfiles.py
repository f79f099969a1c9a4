"""Run files: run folders and their `latest` link, evaluation results, atomic writes and JSONL reading.

Every demo writes here the same way:

    runs_dir()/<name>/<timestamp>/      a training run; complete once its run card (run_card.json) exists
    runs_dir()/<name>/latest            a relative link to the last complete run, switched only at the end
    runs_dir()/eval/<demo>.json         a demo's evaluation result, what compare/ reads (`eval_path`)

Every write is atomic: the text goes to a temporary file beside the target, which is then renamed into place,
so an interrupted run never leaves half a file, nor a `latest` that points at an unfinished run. Reading a
JSONL file names the file and line of anything that is not one JSON value per line.
"""

from __future__ import annotations

import json
import os
import threading
import time
from pathlib import Path

from tailor.config import runs_dir
from tailor.errors import UsageError

RUN_CARD = "run_card.json"


# -- run folders --------------------------------------------------------------------------------------
def run_root(name: str) -> Path:
    return runs_dir() / name


def new_run_dir(name: str) -> Path:
    """A fresh, timestamped run folder (a suffix keeps two runs in the same second apart)."""
    stamp = time.strftime("%Y%m%d-%H%M%S")
    root = run_root(name)
    root.mkdir(parents=True, exist_ok=True)
    for suffix in [""] + [f"-{n}" for n in range(2, 100)]:
        candidate = root / (stamp + suffix)
        try:
            candidate.mkdir()
            return candidate
        except FileExistsError:
            continue
    raise RuntimeError(f"too many runs named {stamp} under {root}")


def is_complete(run: Path) -> bool:
    return (run / RUN_CARD).is_file()


def latest_run(name: str) -> Path | None:
    """runs_dir()/<name>/latest resolved, or None when no run has completed yet."""
    link = run_root(name) / "latest"
    if not link.exists():
        return None
    run = link.resolve()
    return run if is_complete(run) else None


def last_incomplete_run(name: str) -> Path | None:
    """The newest run folder without a run card (what --resume continues when no --out is given)."""
    root = run_root(name)
    if not root.is_dir():
        return None
    runs = [p for p in root.iterdir() if p.is_dir() and not p.is_symlink() and not is_complete(p)]
    return max(runs, key=lambda p: p.name) if runs else None


def mark_latest(run: Path, name: str | None = None) -> None:
    """Point <root>/latest at this completed run, atomically."""
    root = run_root(name) if name else run.parent
    if root.resolve() != run.parent.resolve():
        return  # an explicit --out outside the runs folder does not move `latest`
    temp = root / f".latest-{os.getpid()}"
    if temp.is_symlink() or temp.exists():
        temp.unlink()
    temp.symlink_to(run.name)
    os.replace(temp, root / "latest")


def read_card(run: Path) -> dict:
    """A run's card; one that is not a JSON object (edited, truncated) is a UsageError naming the file."""
    path = Path(run) / RUN_CARD
    try:
        card = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise UsageError(f"the run card {path} is not valid JSON ({error}); train the run again") from None
    if not isinstance(card, dict):
        raise UsageError(f"the run card {path} is not a JSON object; train the run again")
    return card


def eval_path(demo: str) -> Path:
    """Where a demo's evaluation result goes: runs_dir()/eval/<demo>.json."""
    return runs_dir() / "eval" / f"{demo}.json"


# -- atomic writes --------------------------------------------------------------------------------------
def write_text(path: Path, text: str) -> Path:
    """Write text to a temporary file beside `path`, then rename it into place."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = path.with_name(f".{path.name}.{os.getpid()}-{threading.get_ident()}.tmp")
    try:
        temp.write_text(text, encoding="utf-8")
        os.replace(temp, path)
    finally:
        temp.unlink(missing_ok=True)
    return path


def write_json(path: Path, data, default=None) -> Path:
    """One JSON document, indented; `default` converts what json cannot (e.g. float for numpy scalars)."""
    return write_text(path, json.dumps(data, indent=2, default=default) + "\n")


def write_jsonl(path: Path, rows, ensure_ascii: bool = True) -> Path:
    """One JSON object per line."""
    return write_text(path, "".join(json.dumps(row, ensure_ascii=ensure_ascii) + "\n" for row in rows))


# -- reading JSONL --------------------------------------------------------------------------------------
def read_jsonl(path: Path) -> list:
    """The values of a JSONL file, blank lines skipped; a missing file or a bad line is a UsageError."""
    return [value for _, value in jsonl_lines(path)]


def jsonl_lines(path: Path) -> list[tuple[int, object]]:
    """(line number, value) for each non-blank line, for callers whose own checks name the line."""
    path = Path(path)
    if not path.is_file():
        raise UsageError(f"{path} does not exist; give a JSONL file (one JSON object per line)")
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise UsageError(f"{path} is not UTF-8 text; give a JSONL file (one JSON object per line)") from None
    rows = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            rows.append((number, json.loads(line)))
        except json.JSONDecodeError as error:
            raise UsageError(f"{path}:{number}: not valid JSON ({error.msg}); one JSON object per line") from None
    return rows
