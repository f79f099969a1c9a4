"""`python -m finetune_rag ingest|train|ask ...` is `tailor course ingest|train|ask ...`."""

import sys

from tailor.cli import delegate

if __name__ == "__main__":
    sys.exit(delegate("finetune_rag"))
