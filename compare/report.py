"""Writing the three files: report.html, report.md and results.json, all or nothing.

The default folder is runs_dir()/compare/<timestamp>/: it is built under a temporary name and renamed
into place, so a crash never leaves half a report, and the newest complete folder is the latest report.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from pathlib import Path

from compare import charts, html, markdown
from tailor.config import runs_dir
from tailor.errors import UsageError
from tailor.runfiles import write_text

FILES = ("report.html", "report.md", "results.json")


def reports_root() -> Path:
    return runs_dir() / "compare"


def render_all(results: dict) -> dict[str, str]:
    drawn = charts.draw_all(results)
    results = {**results, "charts": sorted(drawn)}
    return {"report.html": html.render(results, drawn), "report.md": markdown.render(results),
            "results.json": json.dumps(results, indent=2, ensure_ascii=False) + "\n"}


def write(results: dict, out: str | Path | None = None) -> Path:
    """Render and write the report; returns its folder."""
    texts = render_all(results)
    if out is not None:
        return _write_into(Path(out).expanduser(), texts)
    root = reports_root()
    root.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    final = root / stamp
    for n in range(2, 100):  # two reports in the same second keep apart
        if not final.exists():
            break
        final = root / f"{stamp}-{n}"
    temp = root / f".{final.name}.{os.getpid()}.tmp"
    try:
        temp.mkdir()
        for name, text in texts.items():
            (temp / name).write_text(text, encoding="utf-8")
        os.replace(temp, final)
    finally:
        shutil.rmtree(temp, ignore_errors=True)
    return final


def _write_into(folder: Path, texts: dict[str, str]) -> Path:
    if folder.exists() and not folder.is_dir():
        raise UsageError(f"--out {folder} is a file; give a folder (it is created if missing)")
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in texts.items():  # each file replaced whole: a reader never sees half of one
        write_text(folder / name, text)
    return folder


def latest() -> Path | None:
    """The newest complete report folder under runs_dir()/compare, or None."""
    root = reports_root()
    if not root.is_dir():
        return None
    done = [p for p in root.iterdir() if p.is_dir() and not p.name.startswith(".")
            and (p / "report.html").is_file() and p.name[:1].isdigit()]
    return max(done, key=lambda p: p.name) if done else None
