"""`tailor advise "IDEA"`: which of the six methods should this app use, and why.

Light on purpose: the advisor (sentence-transformers, scikit-learn, the model) is imported only when
the command runs, so `tailor --help` stays instant.
"""

from __future__ import annotations

import json

WAY_CHOICES = ("rules", "prompt", "classifier", "combined")


def add_commands(subparsers, common) -> None:
    parser = subparsers.add_parser(
        "advise", parents=[common],
        help="recommend a method (prompting, fine-tuning, RAG, ...) for an app idea",
        description="Recommend prompting, fine-tuning, RAG, fine-tuning + RAG, agents or a custom ML model "
                    "for an app idea, with reasons, what not to use, and the demo folder to start from.")
    parser.add_argument("idea", help="the app idea in a sentence or two ('-' reads standard input)")
    parser.add_argument("--way", choices=WAY_CHOICES, default=None,
                        help="how to decide (default: the way `python -m advise.evaluate` measured best)")
    parser.add_argument("--json", action="store_true", help="print the advice as JSON")
    parser.set_defaults(func=run)


def run(args) -> int:
    from advise.advisor import Advisor
    from advise.explain import format_text
    from advise.gate import MAX_CHARS
    from tailor.cliutil import backend_from_args, read_prompt
    from tailor.errors import UsageError

    if args.idea.strip() == "":
        raise UsageError("the app idea is empty; describe the app in a sentence")
    idea = read_prompt(args.idea, what="app idea", limit=MAX_CHARS)
    advisor = Advisor(backend_factory=lambda: backend_from_args(args))
    advice = advisor.advise(idea, way=args.way)
    print(json.dumps(advice.to_dict(), indent=2) if args.json else format_text(advice))
    return 0 if advice.describes_app else 1
