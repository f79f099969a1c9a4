"""The command-line options of `tailor recipe` and of the techniques' evaluation.

Light on purpose (nothing but argparse needs them), so `tailor --help` need not import the package and both
cli.py and evaluate.py can use them without importing each other.
"""

from __future__ import annotations

TECHNIQUE_NAMES = ("zero-shot", "few-shot", "structured")
DIET_NAMES = ("none", "vegetarian", "vegan", "gluten-free")
# Kept here so `tailor --help` need not import the package; a unit test ties them to their sources.
DEFAULT_MAX_REPAIRS = 2  # techniques.MAX_REPAIRS
DEFAULT_GROUP = 8  # evaluate.GROUP
DEFAULT_CANDIDATES = 4  # techniques.CANDIDATES


def add_recipe_options(parser) -> None:
    parser.add_argument("ingredients", nargs="?", default=None,
                        help="what is in the fridge, e.g. \"eggs, spinach, feta\" ('-' reads standard input)")
    # Plain strings, checked in code: a bad value gets one clear line, from the library and the CLI alike.
    parser.add_argument("--diet", default="none", help=f"one of: {', '.join(DIET_NAMES)} (default none)")
    parser.add_argument("--max-minutes", default=None, help="the longest the recipe may take, in minutes")
    parser.add_argument("--servings", default=None, help="how many people (default 2)")
    parser.add_argument("--technique", default="structured",
                        help=f"one of: {', '.join(TECHNIQUE_NAMES)} (default structured)")
    parser.add_argument("--json", action="store_true", help="print the recipe and its checks as JSON")


def add_eval_options(parser, positive_int) -> None:
    parser.add_argument("--limit", type=positive_int, default=None, help="only the first N scenarios")
    parser.add_argument("--max-repairs", type=int, choices=range(0, 4), default=DEFAULT_MAX_REPAIRS,
                        help=f"repair turns of the structured technique (default {DEFAULT_MAX_REPAIRS})")
    parser.add_argument("--techniques", default=",".join(TECHNIQUE_NAMES),
                        help="comma-separated subset of " + ", ".join(TECHNIQUE_NAMES))
    parser.add_argument("--candidates", type=positive_int, default=DEFAULT_CANDIDATES,
                        help=f"structured replies per round, the checks choosing (default {DEFAULT_CANDIDATES})")
    parser.add_argument("--ablation", action="store_true",
                        help="also measure the structured technique with one thing off per row")
    parser.add_argument("--group", type=positive_int, default=DEFAULT_GROUP,
                        help=f"conversations per backend.chat_batch call (default {DEFAULT_GROUP})")
