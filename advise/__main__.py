"""`python -m advise "IDEA"` is `tailor advise "IDEA"`."""

import sys

from tailor.cli import delegate

if __name__ == "__main__":
    sys.exit(delegate("advise"))
