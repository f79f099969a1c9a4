"""`python -m custom_ml demo|train|predict` is `tailor classify demo|train|predict`."""

import sys

from tailor.cli import delegate

if __name__ == "__main__":
    sys.exit(delegate("custom_ml"))
