"""Run folders: runs_dir()/<name>/<timestamp>/, and the `latest` link that is switched only at the end.

A run is complete when its run card (run_card.json) exists; it is written last. `latest` is a relative
symlink created under a temporary name and moved into place with os.replace, so an interrupted run never
damages the previous `latest`.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

from tailor.config import runs_dir

RUN_CARD = "run_card.json"


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


def write_json(path: Path, data: dict) -> None:
    """Write JSON to a temporary file, then rename it into place."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    temp.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    os.replace(temp, path)


def read_card(run: Path) -> dict:
    return json.loads((run / RUN_CARD).read_text(encoding="utf-8"))
