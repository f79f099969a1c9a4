"""`python -m rag ...` is `tailor kb ...`."""

import sys

from tailor.cli import main

sys.exit(main(["kb", *sys.argv[1:]]))
