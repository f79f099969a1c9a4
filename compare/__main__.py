"""`python -m compare ...` is `tailor compare ...`."""

import sys

from tailor.cli import delegate

if __name__ == "__main__":
    sys.exit(delegate("compare"))
