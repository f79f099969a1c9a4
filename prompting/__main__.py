"""`python -m prompting ...` works like `tailor recipe ...`."""

import sys

from prompting.cli import add_eval_options, add_recipe_options, run


def main(argv=None) -> int:
    import argparse

    from tailor.cliutil import backend_options, positive_int
    from tailor.config import quiet_libraries
    from tailor.errors import TailorError

    parser = argparse.ArgumentParser(prog="python -m prompting", parents=[backend_options()],
                                     description="Smart Recipe Generator: a recipe from what is in the fridge.")
    add_recipe_options(parser)
    parser.add_argument("--evaluate", action="store_true", help="measure the three techniques instead")
    add_eval_options(parser, positive_int)
    args = parser.parse_args(argv)
    quiet_libraries()
    try:
        return run(args)
    except TailorError as error:
        print(f"error: {error}", file=sys.stderr)
        return error.exit_code


if __name__ == "__main__":
    sys.exit(main())
