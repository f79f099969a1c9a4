"""`python -m finetuning ...` is `tailor tutor ...`."""

import sys

from tailor.cli import main

sys.exit(main(["tutor", *sys.argv[1:]]))
