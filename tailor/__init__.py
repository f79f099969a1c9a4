"""tailor: runnable reference implementations of the six ways to customize an LLM.

The shared core: one model-backend adapter (`tailor.backends`), the embedding model, settings and the CLI.
Heavy libraries (torch, transformers, chromadb) are imported only inside the code that needs them.
"""

__version__ = "0.1.0"
