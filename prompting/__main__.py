"""`python -m prompting ...` is `tailor recipe ...`."""

import sys

from tailor.cli import delegate

if __name__ == "__main__":
    sys.exit(delegate("prompting"))
