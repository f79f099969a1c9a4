"""finetune_rag: see README.md in this folder."""
