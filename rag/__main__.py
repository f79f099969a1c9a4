"""`python -m rag ...` is `tailor kb ...`."""

import sys

from tailor.cli import delegate

if __name__ == "__main__":
    sys.exit(delegate("rag"))
