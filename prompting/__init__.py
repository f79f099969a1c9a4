"""prompting: see README.md in this folder."""
