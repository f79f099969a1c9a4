"""agents: see README.md in this folder."""
