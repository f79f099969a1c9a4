"""`python -m agents ...` is `tailor reserve ...`."""

import sys

from tailor.cli import main

sys.exit(main(["reserve", *sys.argv[1:]]))
