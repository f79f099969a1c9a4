"""`python -m advise "IDEA"` is `tailor advise "IDEA"`."""

import sys

from tailor.cli import main

sys.exit(main(["advise", *sys.argv[1:]]))
