"""`python -m compare ...` is `tailor compare ...`."""

import sys

from tailor.cli import main

sys.exit(main(["compare", *sys.argv[1:]]))
