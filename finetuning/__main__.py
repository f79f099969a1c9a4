"""`python -m finetuning ...` is `tailor tutor ...`."""

import sys

from tailor.cli import delegate

if __name__ == "__main__":
    sys.exit(delegate("finetuning"))
