"""`python -m playground ...` is `tailor playground ...`."""

import sys

from tailor.cli import delegate

if __name__ == "__main__":
    sys.exit(delegate("playground"))
