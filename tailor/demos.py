"""The one list of demos: each one's package, its `tailor` sub-command and its line in the tour.

A demo package provides, by convention:

    <package>/cli.py        add_commands(subparsers, common): its `tailor <command>` sub-commands (light imports)
    <package>/tour.py       run(args) -> str: one short pass for `tailor tour`, returning a one-line summary
    <package>/evaluate.py   add_arguments(parser), run(args) -> int, main(argv=None): its evaluation
    <package>/__main__.py   `python -m <package> ...` is `tailor <command> ...` (tailor.cli.delegate)

The order is the tour's: compare last, since it reads the others' results. A demo whose package is not
installed is simply absent.
"""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass


@dataclass(frozen=True)
class Demo:
    package: str
    command: str  # the `tailor` sub-command
    title: str  # what the tour calls it
    try_next: str  # the command the tour suggests at its end


DEMOS = [
    Demo("prompting", "recipe", "Smart Recipe Generator (prompting)",
         'tailor recipe "eggs, spinach, feta, tomatoes" --diet vegetarian'),
    Demo("finetuning", "tutor", "brand-voice tutor (LoRA fine-tuning)",
         'tailor tutor chat "What is a prime number?"'),
    Demo("rag", "kb", "knowledge-base assistant (RAG on Chroma)",
         'tailor kb ask "How long are database backups kept?"'),
    Demo("finetune_rag", "course", "grounded tutor (fine-tuning + RAG)",
         'tailor course ask "What does a learning rate control?"'),
    Demo("agents", "reserve", "restaurant reservation agent (LangGraph)",
         'tailor reserve   (a conversation; approve each booking with yes)'),
    Demo("custom_ml", "classify", "tabular classifier and regressor (custom ML)",
         "tailor classify demo"),
    Demo("advise", "advise", "which method fits an app idea (advisor)",
         'tailor advise "An app that answers questions about our HR policies"'),
    Demo("compare", "compare", "the methods side by side", "tailor compare --quick"),
    Demo("playground", "playground", "the methods side by side on your own input (a local web page)",
         "tailor playground   (then open http://127.0.0.1:8765/)"),
]


def has_module(name: str) -> bool:
    """Whether a module can be imported, found without importing it."""
    try:
        return importlib.util.find_spec(name) is not None
    except ModuleNotFoundError:
        return False


def installed(part: str) -> list[Demo]:
    """The demos that provide `<package>.<part>` (cli, tour, evaluate)."""
    return [demo for demo in DEMOS if has_module(f"{demo.package}.{part}")]

