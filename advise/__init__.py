"""advise: see README.md in this folder."""
