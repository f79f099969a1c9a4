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
    """Run a command function the way every entry point does: libraries offline and quiet, and errors
    through `report` (one line; exit code 2 for the user's, 1 for a bug)."""
    from tailor.config import quiet_libraries

    try:
        quiet_libraries()
        return function(args) or 0
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # the reader went away (`tailor chat ... | head -1`): not an error, not a bug
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # no second error at exit
        return 141
    except Exception as error:  # the one place an exception reaches the user; see tailor.errors.user_error
        return report(error)


def report(error: Exception) -> int:
    """Print one line for an error and return the exit code: 2 for the user's input or environment (the
    contract), 1 with a plea to report it for anything else; TAILOR_DEBUG=1 adds the traceback."""
    import os
    import traceback

    from tailor.errors import DEBUG_ENV, report_bug, user_error

    mapped = user_error(error)
    if os.environ.get(DEBUG_ENV, "") not in ("", "0"):
        traceback.print_exception(error, file=sys.stderr)
    if mapped is not None:
        print(f"error: {_printable(str(mapped))}", file=sys.stderr)
        return mapped.exit_code
    print(f"error: {_printable(report_bug(error))}", file=sys.stderr)
    return 1


def _printable(text: str) -> str:
    """One line that any terminal can print (a non-UTF-8 file name arrives as lone surrogates)."""
    line = " ".join(text.split("\n")).strip()
    return line.encode("utf-8", "backslashreplace").decode("utf-8")


def check_arguments(argv: list[str]) -> None:
    """Refuse an argument that is not UTF-8 text (Python hands its bytes over as lone surrogates) before
    any command reads it."""
    from tailor.errors import UsageError

    for position, argument in enumerate(argv, 1):
        try:
            argument.encode("utf-8")
        except UnicodeEncodeError:
            raise UsageError(f"argument {position} ({_printable(argument)}) is not valid UTF-8 text; "
                             "re-encode it as UTF-8") from None


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
    argv = sys.argv[1:] if argv is None else list(argv)
    try:
        check_arguments(argv)
    except UsageError as error:
        return report(error)
    return run_command(module.run, evaluation_parser(module).parse_args(argv))


def backend_from_args(args, default: str | None = None, **options):
    """The backend of --backend and --model, with any other common options (see tailor.backends.registry);
    `default` is the demo's engine when neither --backend nor TAILOR_BACKEND names one."""
    from tailor.backends import get_backend

    return get_backend(getattr(args, "backend", None), model=getattr(args, "model", None), default=default,
                       **options)


def positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value <= 0:
        raise argparse.ArgumentTypeError(f"must be greater than 0, got {value}")
    return value


def positive_float(text: str) -> float:
    import math

    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
    if not math.isfinite(value):  # float() takes "nan" and "inf"; a NaN learning rate trains a NaN adapter
        raise argparse.ArgumentTypeError(f"expected a finite number, got {text!r}")
    if value <= 0:
        raise argparse.ArgumentTypeError(f"must be greater than 0, got {value}")
    return value


def read_prompt(text: str, what: str = "prompt", limit: int = 4000) -> str:
    """A non-empty, bounded text from the command line ('-' reads standard input)."""
    if text == "-":
        try:  # under a C or C.UTF-8 locale Python passes bad bytes on as lone surrogates instead of raising
            text = sys.stdin.read()
            text.encode("utf-8")
        except UnicodeError:
            raise UsageError(f"the {what} on standard input is not UTF-8 text; re-encode it as UTF-8") from None
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
