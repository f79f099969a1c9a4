"""The `tailor` command: one sub-command per demo, plus info, chat, serve and tour.

Demo packages register their own sub-commands (`<demo>/cli.py: add_commands`), in the order of the one
list of demos (tailor/demos.py); a demo that is not there yet is simply absent from the list.
"""

from __future__ import annotations

import argparse
import importlib
import sys

from tailor import __version__
from tailor.cliutil import backend_options, check_arguments, report, run_command
from tailor.demos import DEMOS, installed
from tailor.errors import UsageError


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="tailor", description="Six ways to customize an LLM, runnable on a laptop CPU.")
    parser.add_argument("--version", action="version", version=f"tailor {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    common = backend_options()
    _add_core_commands(commands, common)
    for demo in installed("cli"):
        importlib.import_module(f"{demo.package}.cli").add_commands(commands, common)
    return parser


def _add_core_commands(commands, common) -> None:
    from tailor import commands as core

    info = commands.add_parser("info", parents=[common], help="backend, model, cache folder, versions")
    info.set_defaults(func=core.info)

    chat = commands.add_parser("chat", parents=[common], help="stream an answer from the configured backend")
    chat.add_argument("prompt", help="the question ('-' reads standard input)")
    chat.add_argument("--system", default=None, help="a system message")
    chat.add_argument("--max-tokens", type=int, default=256, help="upper bound on new tokens (default 256)")
    chat.add_argument("--json-schema", default=None, metavar="FILE",
                      help="a JSON-schema file: the reply is constrained to it and printed as JSON")
    chat.set_defaults(func=core.chat)

    serve = commands.add_parser("serve", parents=[common],
                                help="serve the local model as an OpenAI-compatible API (tools and JSON schema too)")
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (default loopback only)")
    serve.add_argument("--port", type=int, default=8000, help="port (default 8000; checked by tailor.serve)")
    serve.add_argument("--adapter", default=None, help="a LoRA adapter folder to attach")
    serve.add_argument("--api-key", default=None, help="require this Bearer token on /v1 (better: the "
                       "TAILOR_SERVE_API_KEY variable, which other users cannot see in the process list)")
    serve.set_defaults(func=core.serve)

    tour = commands.add_parser("tour", parents=[common], help="run every demo once, with short output")
    tour.set_defaults(func=core.tour)


def delegate(package: str, argv=None) -> int:
    """What every demo's `__main__.py` runs: `python -m <package> ARGS` is `tailor <command> ARGS`."""
    command = next(demo.command for demo in DEMOS if demo.package == package)
    return main([command, *(sys.argv[1:] if argv is None else argv)])


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    try:
        check_arguments(argv)
    except UsageError as error:
        return report(error)
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 0
    return run_command(args.func, args)


if __name__ == "__main__":
    sys.exit(main())
