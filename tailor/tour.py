"""`tailor tour` (what `make demo` runs): every demo that exists, once, with short output.

Each demo package of tailor/demos.py may provide `tour.py` with `run(args) -> str` (a one-line summary).
Steps that fail are reported and the tour goes on, so one broken demo never hides the others.
"""

from __future__ import annotations

import importlib
import os
import time

from tailor.cliutil import backend_from_args
from tailor.demos import installed
from tailor.errors import TailorError


def _hello(args) -> str:
    backend = backend_from_args(args)
    question = "In one sentence, what is a large language model?"
    print(f"Q: {question}\nA: ", end="", flush=True)
    started = time.perf_counter()
    for piece in backend.stream(question, max_tokens=48):
        print(piece, end="", flush=True)
    print()
    return f"{backend.name}:{backend.model} answered in {time.perf_counter() - started:.1f} s"


def available_steps():
    yield "backend", _hello, "the model backend"
    for demo in installed("tour"):
        yield demo.package, importlib.import_module(f"{demo.package}.tour").run, demo.title


def quiet_progress_bars() -> None:
    """A one-second model load is no place for a progress bar: the tour's output is the answers.
    Set before transformers and tqdm are imported, which read these once."""
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    os.environ.setdefault("TQDM_DISABLE", "1")


def run_tour(args) -> int:
    quiet_progress_bars()
    summary, failures = [], 0
    for name, step, title in available_steps():
        print(f"\n=== {name}: {title} ===", flush=True)
        started = time.perf_counter()
        try:
            line = step(args)
        except TailorError as error:
            failures += 1
            line = f"FAILED: {error}"
        summary.append((name, line, time.perf_counter() - started))
    print("\n=== tour summary ===")
    for name, line, seconds in summary:
        print(f"{name:<13}{seconds:6.1f} s  {line}")
    print("\n=== try next ===")
    for demo in installed("tour"):
        print(f"{demo.package:<13}{demo.try_next}")
    return 1 if failures else 0
