"""custom_ml: see README.md in this folder."""
