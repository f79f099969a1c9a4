"""`tailor playground`: one local web page where the methods answer your own input side by side.

Light at import time (no FastAPI, torch or chromadb here), so `tailor --help` stays instant.
"""

from __future__ import annotations

DEFAULT_PORT = 8765


def add_commands(subparsers, common) -> None:
    parser = subparsers.add_parser(
        "playground", parents=[common], help="a local web page: the methods side by side on your own input",
        description="Serve a page (one tab per example app) where the methods answer the same input side by "
                    "side, streamed, with latency, tokens and cost. Loopback only unless --host says otherwise.")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default loopback only)")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"port (default {DEFAULT_PORT})")
    parser.set_defaults(func=run)


def run(args) -> int:
    from playground.context import Context
    from playground.server import serve
    from rag.cli import quiet_progress

    quiet_progress()  # no library progress bars in the server's log
    serve(Context(backend=args.backend, model=args.model), host=args.host, port=args.port)
    return 0
