"""finetuning: see README.md in this folder."""
