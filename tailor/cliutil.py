"""Shared pieces for every sub-command: the backend options and turning them into a backend.

Each demo package has a light `cli.py` with `add_commands(subparsers)`; it must not import torch,
transformers or chromadb at module level, so `tailor --help` stays instant.
"""

from __future__ import annotations

import argparse
import sys

from tailor.errors import UsageError


def backend_options() -> argparse.ArgumentParser:
    """A parent parser with --backend and --model (flag > environment variable > default), from the registry."""
    from tailor.backends.registry import BACKENDS
    from tailor.config import DEFAULT_BACKEND

    kinds = [name + (" (default)" if name == DEFAULT_BACKEND else f" ({entry.hint})" if entry.hint else "")
             for name, entry in BACKENDS.items()]
    models = [f"{name}: {entry.model_help} (env {entry.model_env})" for name, entry in BACKENDS.items()
              if entry.model_help]
    parent = argparse.ArgumentParser(add_help=False)
    group = parent.add_argument_group("model backend")
    group.add_argument("--backend", choices=tuple(BACKENDS), default=None,
                       help=f"{', '.join(kinds[:-1])} or {kinds[-1]}; env TAILOR_BACKEND")
    group.add_argument("--model", default=None, help="; ".join(models))
    return parent


def run_command(function, args) -> int:
    """Run a command function the way every entry point does: libraries offline and quiet, and a user's
    error printed as one line with exit code 2 instead of a traceback."""
    from tailor.config import quiet_libraries
    from tailor.errors import TailorError

    quiet_libraries()
    try:
        return function(args) or 0
    except TailorError as error:
        print(f"error: {error}", file=sys.stderr)
        return error.exit_code
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


def evaluation_parser(module) -> argparse.ArgumentParser:
    """`python -m <demo>.evaluate`'s parser: the shared backend options, then the module's `add_arguments`."""
    name = module.__spec__.name if module.__spec__ else module.__name__
    parser = argparse.ArgumentParser(prog=f"python -m {name}", parents=[backend_options()],
                                     description=(module.__doc__ or "").strip().splitlines()[0])
    module.add_arguments(parser)
    return parser


def evaluation_main(module, argv=None) -> int:
    """What every <demo>/evaluate.py's `main(argv)` returns: its options parsed, its `run(args)` run the way
    every command runs (one-line errors, exit code 2)."""
    return run_command(module.run, evaluation_parser(module).parse_args(argv))


def backend_from_args(args, **options):
    """The backend of --backend and --model, with any other common options (see tailor.backends.registry)."""
    from tailor.backends import get_backend

    return get_backend(getattr(args, "backend", None), model=getattr(args, "model", None), **options)


def positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value <= 0:
        raise argparse.ArgumentTypeError(f"must be greater than 0, got {value}")
    return value


def positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
    if value <= 0:
        raise argparse.ArgumentTypeError(f"must be greater than 0, got {value}")
    return value


def read_prompt(text: str, what: str = "prompt", limit: int = 4000) -> str:
    """A non-empty, bounded text from the command line ('-' reads standard input)."""
    if text == "-":
        text = sys.stdin.read()
    if not text or not text.strip():
        raise UsageError(f"the {what} is empty; give some text")
    if len(text) > limit:
        raise UsageError(f"the {what} has {len(text)} characters; the limit is {limit}")
    return text.strip()


def print_footer(result) -> None:
    """The measured numbers of one answer, on standard error so they never mix with the answer."""
    cost = result.cost()
    usd = "n/a" if cost.usd is None else f"${cost.usd:.6f}"
    print(f"[{result.backend}:{result.model} | {result.usage.prompt_tokens} prompt + "
          f"{result.usage.completion_tokens} completion tokens | {result.latency_s:.2f} s | {usd}]",
          file=sys.stderr)
