"""`python -m custom_ml demo|train|predict` is `tailor classify demo|train|predict`."""

import sys

from tailor.cli import main

if __name__ == "__main__":
    sys.exit(main(["classify", *sys.argv[1:]]))
