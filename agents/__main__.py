"""`python -m agents ...` is `tailor reserve ...`."""

import sys

from tailor.cli import delegate

if __name__ == "__main__":
    sys.exit(delegate("agents"))
