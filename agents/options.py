"""The scenario evaluation's command-line options, shared by `tailor reserve --scenarios` and
`python -m agents.evaluate`. Light on purpose (argparse only), so `tailor --help` stays instant and cli.py and
evaluate.py need not import each other.
"""

from __future__ import annotations


def add_evaluation_options(parser, scenarios: str | None = None) -> None:
    """--no-adapter, --scenarios (default `scenarios`), --limit and --compare-limit."""
    from tailor.cliutil import positive_int

    parser.add_argument("--no-adapter", action="store_true", help="local model without the tool-calling adapter")
    parser.add_argument("--scenarios", default=scenarios, metavar="FILE", help="run the evaluation on these scenarios")
    parser.add_argument("--limit", type=positive_int, default=None, help="with --scenarios: only the first N")
    parser.add_argument("--compare-limit", type=positive_int, default=None, metavar="N",
                        help="with --scenarios: the configurations beside the adapter (the agent without it, the "
                             "no-loop baseline) run only the first N scenarios")
