"""compare: see README.md in this folder."""
