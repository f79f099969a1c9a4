"""The LoRA adapters the demos use: one a user trained under runs/, else the one shipped in adapters/.

A fresh clone has no runs/, so the project ships one compact adapter per kind in `adapters/<name>/`
(bfloat16 weights, its run card, at most 10 MB), trained by the project's own command. An adapter the
user trains takes precedence, always:

    runs_dir()/<name>/latest      what `tailor tutor train` (or the other trainers) made last
    adapters/<name>/              what the project ships, used only when the user has trained none

A shipped adapter is only right for the data and base model it was trained on. Its run card records
the SHA-256 of both, and `stale_reasons` compares them with today's, so a test fails when the training
data or the base model changed and nobody retrained (a stale adapter must not pass silently).

    python -m tailor.adapters                  # which adapter each demo uses, and where it came from
    python -m tailor.adapters ship tutor       # copy runs/tutor/latest into adapters/tutor/ (maintainers)
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from tailor.errors import UsageError

SHIPPED_DIR = Path(__file__).resolve().parent.parent / "adapters"
MAX_SHIPPED_BYTES = 10 * 1024 * 1024
SHIPPED_FILES = ("adapter_config.json", "adapter_model.safetensors", "run_card.json")


@dataclass(frozen=True)
class Kind:
    name: str  # the run name under runs/ and the folder name under adapters/
    demo: str  # the folder that uses it
    train_command: str


KINDS = {
    "tutor": Kind("tutor", "finetuning", "tailor tutor train"),
    "course": Kind("course", "finetune_rag", "tailor course train"),
    "agent-tools": Kind("agent-tools", "agents", "tailor reserve train-tools"),
}


@dataclass(frozen=True)
class Found:
    path: Path
    origin: str  # "trained" (runs/) or "shipped" (adapters/)


def find(name: str) -> Found | None:
    """The adapter to use for a kind: the user's latest complete run, else the shipped one, else None."""
    from tailor.runfiles import latest_run

    run = latest_run(name)
    if run is not None:
        return Found(run, "trained")
    shipped = SHIPPED_DIR / name
    if all((shipped / f).is_file() for f in SHIPPED_FILES):
        return Found(shipped, "shipped")
    return None


# -- what an adapter was trained on -------------------------------------------------------------------
def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with Path(path).open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def base_model_sha256(base: str | None = None) -> str:
    """SHA-256 of the base model's weights: the bundled GGUF itself (the same bytes on every install), or,
    for a model folder of the user's, its safetensors files in name order."""
    from tailor.config import setting
    from tailor.models import bundled_gguf

    chosen = setting(base, "TAILOR_MODEL")
    if chosen is None:
        gguf = bundled_gguf()
        if gguf is None:
            raise UsageError("the bundled model is not installed, so its weights cannot be hashed")
        return file_sha256(gguf)
    path = Path(chosen).expanduser()
    if path.is_file():
        return file_sha256(path)
    digest = hashlib.sha256()
    for weights in sorted(path.glob("*.safetensors")):
        digest.update(file_sha256(weights).encode())
    return digest.hexdigest()


def default_data_sha256(name: str) -> str:
    """SHA-256 of the data the kind's trainer uses by default, built exactly as the trainer builds it."""
    from tailor.config import data_dir

    if name == "tutor":
        return file_sha256(data_dir() / "finetuning" / "tutor_train.jsonl")
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "data.jsonl"
        if name == "course":
            from finetune_rag.raft import build_default

            build_default(out)
        elif name == "agent-tools":
            from agents.tooldata import EXAMPLES, generate, write

            write(out, generate(EXAMPLES))
        else:
            raise UsageError(f"unknown adapter kind {name!r}; choose one of: {', '.join(KINDS)}")
        return file_sha256(out)


def stale_reasons(name: str, path: Path) -> list[str]:
    """Why an adapter no longer matches today's default data or base model (empty when it matches)."""
    from tailor.runfiles import read_card

    card = read_card(path)
    reasons = []
    trained_data = card.get("data", {}).get("sha256")
    if trained_data != default_data_sha256(name):
        reasons.append(f"its training data changed since it was trained (card: {str(trained_data)[:12]})")
    trained_base = card.get("base_model_sha256")
    if trained_base != base_model_sha256(card.get("config", {}).get("base")):
        reasons.append(f"its base model's weights changed since it was trained (card: {str(trained_base)[:12]})")
    return reasons


# -- shipping -----------------------------------------------------------------------------------------
def compact(run: Path) -> int:
    """Make a run small enough to ship: bfloat16 adapter weights, no optimizer checkpoints; returns bytes."""
    import torch
    from safetensors.torch import load_file, save_file

    from tailor.runfiles import RUN_CARD, read_card, write_json

    weights = run / "adapter_model.safetensors"
    tensors = {key: t.to(torch.bfloat16) for key, t in load_file(weights).items()}
    save_file(tensors, weights, metadata={"format": "pt"})
    shutil.rmtree(run / "checkpoints", ignore_errors=True)  # optimizer state: only --resume needs it
    card = read_card(run)
    card["adapter_dtype"] = "bfloat16"
    write_json(run / RUN_CARD, card)
    return sum(p.stat().st_size for p in run.rglob("*") if p.is_file())


def ship(name: str, run: Path | None = None) -> Path:
    """Copy a trained run into adapters/<name>/ (atomically), after checking it is complete and small."""
    from tailor.runfiles import latest_run, read_card

    if name not in KINDS:
        raise UsageError(f"unknown adapter kind {name!r}; choose one of: {', '.join(KINDS)}")
    run = Path(run) if run else latest_run(name)
    if run is None or not all((run / f).is_file() for f in SHIPPED_FILES):
        raise UsageError(f"no complete {name} run to ship; train one with `{KINDS[name].train_command}`")
    card = read_card(run)
    if "base_model_sha256" not in card or "sha256" not in card.get("data", {}):
        raise UsageError(f"{run}'s run card lacks the data or base model SHA-256; retrain with this version")
    size = sum((run / f).stat().st_size for f in SHIPPED_FILES)
    if size > MAX_SHIPPED_BYTES:
        raise UsageError(f"{run} is {size / 1e6:.1f} MB; a shipped adapter must be at most 10 MB (bfloat16)")
    SHIPPED_DIR.mkdir(exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{name}-", dir=SHIPPED_DIR))
    for f in SHIPPED_FILES:
        shutil.copy2(run / f, staging / f)
    target = SHIPPED_DIR / name
    old = SHIPPED_DIR / f".{name}-old-{os.getpid()}"
    if target.exists():
        target.rename(old)
    staging.rename(target)
    shutil.rmtree(old, ignore_errors=True)
    return target


# -- what `tailor info` prints --------------------------------------------------------------------------
def describe_all() -> list[str]:
    """One line per kind: which adapter its demo uses and where it came from."""
    lines = []
    for kind in KINDS.values():
        found = find(kind.name)
        if found is None:
            lines.append(f"{kind.name} ({kind.demo}): none; train one with `{kind.train_command}`")
            continue
        where = "trained by you" if found.origin == "trained" else "shipped with tailor"
        lines.append(f"{kind.name} ({kind.demo}): {where}, {found.path}")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tailor.adapters", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command")
    sub.add_parser("list", help="which adapter each demo uses (the default)")
    ship_parser = sub.add_parser("ship", help="copy a trained run into adapters/<name>/")
    ship_parser.add_argument("name", choices=sorted(KINDS))
    ship_parser.add_argument("run", nargs="?", type=Path, help="default: runs/<name>/latest")
    args = parser.parse_args(argv)
    try:
        if args.command == "ship":
            print(f"shipped {args.name}: {ship(args.name, args.run)}")
        else:
            print("\n".join(describe_all()))
    except UsageError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
