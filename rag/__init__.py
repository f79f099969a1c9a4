"""rag: see README.md in this folder."""
