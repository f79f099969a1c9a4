"""Run each demo's evaluation, or reuse its last result when nothing it depends on has changed.

Reuse is keyed on a fingerprint of the demo's code, data and trained adapters plus the backend and
model (compare/code.py). After a run, a stamp (runs_dir()/compare/stamps/<demo>.json) records that
fingerprint, the result file's hash and how long it took (the next run's time estimate). For --quick,
a result the user made by running the evaluation themselves is reused too when it is newer than every
input and was made on the same backend. A full result serves a --quick request; never the reverse.

Each evaluation is a child process with its own time limit; its output is streamed with a prefix and
kept in runs_dir()/compare/logs/<demo>.log, and its last error line becomes the row's reason on failure.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections import deque
from dataclasses import dataclass
from pathlib import Path

from compare.code import file_sha256, fingerprint
from compare.rows import FAILED, MEASURED, NOT_MEASURED, REUSED
from compare.sources import Source
from tailor.backends import chosen_backend
from tailor.config import PROJECT_ROOT, runs_dir
from tailor.runfiles import write_json


@dataclass
class Outcome:
    status: str  # measured | reused | failed | not measured
    reason: str = ""
    doc: dict | None = None
    seconds: float | None = None  # how long the evaluation took in this run


@dataclass
class Plan:
    """What one compare run asks for: backend, model, mode, and whether it may run anything at all."""

    backend: str
    model: str | None = None
    quick: bool = True
    run: bool = True  # False: only read what earlier runs left (never starts an evaluation)
    timeout_s: float = 900.0


def stamps_dir() -> Path:
    return runs_dir() / "compare" / "stamps"


def key_of(source: Source, plan: Plan) -> str:
    return fingerprint(source.inputs(), plan.backend, plan.model or "")


def read_stamp(source: Source) -> dict:
    try:
        return json.loads((stamps_dir() / f"{source.demo}.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def reusable(source: Source, plan: Plan) -> str | None:
    """Why the last result can stand for this run, or None when it cannot (the evaluation must run)."""
    if not source.eval_file.is_file():
        return None
    stamp = read_stamp(source)
    if stamp.get("key") == key_of(source, plan) and stamp.get("eval_sha256") == file_sha256(source.eval_file):
        if plan.quick or not stamp.get("quick"):
            return "inputs unchanged since the last compare run"
    if not stamp and plan.quick and _own_run_is_fresh(source, plan):  # its subset size is unknown
        return "your own evaluation run, newer than every input"
    return None


def _own_run_is_fresh(source: Source, plan: Plan) -> bool:
    doc = load(source.eval_file)
    made = source.eval_file.stat().st_mtime
    newest = max((p.stat().st_mtime for p in source.inputs() if p.exists()), default=0.0)
    return isinstance(doc, dict) and doc.get("backend") in (plan.backend, None) and made > newest


def load(path: Path) -> dict | None:
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return doc if isinstance(doc, dict) else None


def estimate_s(source: Source, plan: Plan) -> tuple[float, bool]:
    """(seconds, measured?): the last run's duration in this mode, else the source's rough guess."""
    stamp = read_stamp(source)
    if stamp.get("quick") == plan.quick and isinstance(stamp.get("seconds"), (int, float)):
        return float(stamp["seconds"]), True
    return float(source.guess_quick_s if plan.quick else source.guess_full_s), False


def obtain(source: Source, plan: Plan) -> Outcome:
    """The source's result for this plan: reused, freshly measured, failed (with why) or not measured."""
    why = reusable(source, plan) if plan.run else "reading the last result (--no-run)"
    if why:
        doc = load(source.eval_file)
        if doc is not None:
            return Outcome(REUSED, why, doc)
    if not plan.run:
        return Outcome(NOT_MEASURED, f"no result yet: {source.eval_file} is missing or unreadable; "
                                     "run `tailor compare --quick`")
    return execute(source, plan)


def execute(source: Source, plan: Plan) -> Outcome:
    key, started = key_of(source, plan), time.perf_counter()
    log = runs_dir() / "compare" / "logs" / f"{source.demo}.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    before = _mtime(source.eval_file)
    with log.open("w", encoding="utf-8") as sink:
        for argv in source.commands(plan.quick):
            code, tail = run_command(argv, child_env(plan), sink, source.demo, plan.timeout_s)
            if code != 0:
                return Outcome(FAILED, failure_reason(argv, code, tail, plan.timeout_s),
                               seconds=time.perf_counter() - started)
    seconds = time.perf_counter() - started
    doc = load(source.eval_file)
    if doc is None or _mtime(source.eval_file) == before:  # a rewrite with the same content still counts
        return Outcome(FAILED, f"the evaluation exited 0 but wrote no new {source.eval_file.name}",
                       seconds=seconds)
    write_stamp(source, {"key": key, "eval_sha256": file_sha256(source.eval_file), "quick": plan.quick,
                         "seconds": round(seconds, 1), "finished": time.strftime("%Y-%m-%dT%H:%M:%SZ",
                                                                                 time.gmtime())})
    return Outcome(MEASURED, f"measured in this run ({seconds:.0f} s)", doc, seconds)


def _mtime(path: Path) -> int | None:
    try:
        return path.stat().st_mtime_ns
    except OSError:
        return None


def child_env(plan: Plan) -> dict:
    """The parent's environment, with the runs folder made absolute and the backend and model set."""
    env = dict(os.environ, TAILOR_RUNS=str(runs_dir().resolve()), TAILOR_BACKEND=plan.backend,
               PYTHONUNBUFFERED="1")
    if plan.model:
        env[chosen_backend(plan.backend).model_env] = plan.model
    return env


def run_command(argv: list[str], env: dict, sink, prefix: str, timeout_s: float) -> tuple[int, list[str]]:
    """Run one child, streaming its output; (exit code or None on time-out, its last lines)."""
    sink.write(f"$ {' '.join(argv)}\n")
    tail: deque[str] = deque(maxlen=40)
    child = subprocess.Popen(argv, cwd=PROJECT_ROOT, env=env, stdout=subprocess.PIPE,
                             stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, text=True, errors="replace",
                             start_new_session=True)
    reader = threading.Thread(target=_pump, args=(child.stdout, sink, tail, prefix), daemon=True)
    reader.start()
    try:
        code = child.wait(timeout=timeout_s)
    except subprocess.TimeoutExpired:
        os.killpg(child.pid, signal.SIGKILL)  # the child's own process group: the evaluation and its helpers
        child.wait()
        code = None
    reader.join(timeout=5)
    return code, list(tail)


def _pump(stream, sink, tail: deque, prefix: str) -> None:
    for line in stream:
        sink.write(line)
        tail.append(line.rstrip())
        print(f"  [{prefix}] {line.rstrip()}", file=sys.stderr, flush=True)


def failure_reason(argv: list[str], code: int | None, tail: list[str], timeout_s: float) -> str:
    """One line: the child's own `error: ...` line when it printed one, else its last line."""
    command = " ".join(Path(argv[0]).name if i == 0 else a for i, a in enumerate(argv))
    if code is None:
        return f"`{command}` took longer than {timeout_s:.0f} s and was stopped"
    lines = [line.strip() for line in tail if line.strip()]
    errors = [line for line in lines if line.lower().startswith("error")]
    said = errors[-1] if errors else lines[-1] if lines else ""
    return f"`{command}` exited {code}: {said[:300]}" if said else f"`{command}` exited {code}"


def write_stamp(source: Source, stamp: dict) -> None:
    write_json(stamps_dir() / f"{source.demo}.json", stamp)
