"""`python -m finetune_rag ingest|train|ask ...` is `tailor course ingest|train|ask ...`."""

import sys

from tailor.cli import main

sys.exit(main(["course", *sys.argv[1:]]))
