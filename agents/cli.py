"""`tailor reserve`: chat with the reservation agent, run its evaluation, reset the database, train its adapter.

    tailor reserve                                      # interactive, asks before every booking or cancel
    tailor reserve --once "Book Casa Lupo for 4 tomorrow at 19:00" --yes
    tailor reserve --scenarios data/agents/scenarios.jsonl --limit 5
    tailor reserve reset                                # reseed the database (every booking is gone)
    tailor reserve train-tools                          # the tool-calling LoRA for the small local model

Nothing heavy is imported here at module level, so `tailor --help` stays instant.
"""

from __future__ import annotations

import getpass
import sys
import uuid

from agents.options import add_evaluation_options
from tailor.cliutil import positive_int, read_prompt


def add_commands(subparsers, common) -> None:
    parser = subparsers.add_parser("reserve", parents=[common],
                                   help="restaurant reservation agent (LangGraph, tools on SQLite)")
    _agent_options(parser)
    actions = parser.add_subparsers(dest="action", metavar="ACTION")
    reset = actions.add_parser("reset", help="delete every booking and reseed the restaurants")
    reset.add_argument("--db", default=None, help="the reservations database (default TAILOR_HOME/reservations.db)")
    reset.set_defaults(func=cmd_reset)
    train = actions.add_parser("train-tools", parents=[common], help="train the tool-calling LoRA adapter")
    train.add_argument("--examples", type=positive_int, default=None, help="generated conversations (default 120)")
    train.add_argument("--epochs", type=float, default=None, help="passes over the data (default 1)")
    train.add_argument("--max-steps", type=positive_int, default=None, help="stop after this many steps (tiny runs)")
    train.add_argument("--data-only", action="store_true", help="write the data set and stop")
    train.set_defaults(func=cmd_train_tools)
    parser.set_defaults(func=cmd_reserve)


def _agent_options(parser) -> None:
    parser.add_argument("--once", default=None, metavar="TEXT", help="send one message and exit ('-' reads stdin)")
    parser.add_argument("--yes", action="store_true", help="with --once: approve the booking or cancel")
    parser.add_argument("--user", default=None, help="who is acting (default: your login name)")
    parser.add_argument("--db", default=None, help="the reservations database (default TAILOR_HOME/reservations.db)")
    parser.add_argument("--thread", default=None, help="continue this conversation (printed at the start)")
    add_evaluation_options(parser)


def _user(args) -> str:
    from tailor.errors import UsageError

    try:
        login = getpass.getuser()
    except (OSError, KeyError):  # no login name in this environment (some containers)
        login = "guest"
    user = (args.user or login or "guest").strip()
    if not user or len(user) > 64:
        raise UsageError("--user must be a name of 1 to 64 characters")
    return user


def _agent(args):
    from agents import make_agent, make_backend

    backend = make_backend(args.backend, args.model, adapter=None if args.no_adapter else "auto")
    return make_agent(_user(args), backend=backend, db_path=args.db)


def cmd_reserve(args) -> int:
    if args.scenarios:
        from agents.evaluate import run

        return run(args)
    agent = _agent(args)
    thread = args.thread or uuid.uuid4().hex[:12]
    print(f"[{agent.backend.name}:{agent.backend.model} | user {agent.user} | thread {thread}]", file=sys.stderr)
    try:
        if args.once is not None:
            return _once(agent, read_prompt(args.once, "message"), thread, args.yes)
        return _interactive(agent, thread)
    finally:
        agent.close()


def _once(agent, text: str, thread: str, yes: bool) -> int:
    """One message; `--yes` approves at most one write: any later proposal is answered no."""
    turn, approved = agent.send(text, thread), 0
    while turn.pending and yes:
        if approved:
            print(f"not approved (--yes approves one write): {turn.pending['preview']}")
            turn = agent.resume("no", thread)
            continue
        print(f"approved: {turn.pending['preview']}")
        turn, approved = agent.resume("yes", thread), approved + 1
    _show(turn, thread)
    return 0


def _interactive(agent, thread: str) -> int:
    print("Ask for a table, your bookings or a cancellation. Empty line or Ctrl-D quits.")
    pending = agent.pending(thread)
    while True:
        prompt = f"approve: {pending['preview']}? [y/N] " if pending else "you> "
        try:
            text = input(prompt).strip()
        except EOFError:
            return 0
        if not text and not pending:
            return 0
        turn = agent.resume(text or "no", thread) if pending else agent.send(text, thread)
        pending = turn.pending
        if not pending:
            _show(turn, thread)


def _show(turn, thread: str) -> None:
    if turn.stopped:
        print(turn.stopped)
    elif turn.pending:
        print(f"waiting for approval: {turn.pending['preview']}\n"
              f"approve with: tailor reserve --thread {thread} --once yes")
    else:
        print(f"agent> {turn.reply}")
    print(f"[{turn.seconds:.1f} s]", file=sys.stderr)


def cmd_reset(args) -> int:
    from agents import db

    path = db.reset(db.path_from(args.db))
    print(f"reseeded {path}: {len(db.load_restaurants())} restaurants, no bookings")
    return 0


def cmd_train_tools(args) -> int:
    from agents.train_tools import train_from_args

    return train_from_args(args)
