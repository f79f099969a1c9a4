"""`python -m prompting ...` works like `tailor recipe ...`."""

import sys

from prompting.cli import add_eval_options, add_recipe_options, run


def main(argv=None) -> int:
    import argparse

    from tailor.cliutil import backend_options, positive_int, run_command

    parser = argparse.ArgumentParser(prog="python -m prompting", parents=[backend_options()],
                                     description="Smart Recipe Generator: a recipe from what is in the fridge.")
    add_recipe_options(parser)
    parser.add_argument("--evaluate", action="store_true", help="measure the three techniques instead")
    add_eval_options(parser, positive_int)
    return run_command(run, parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
