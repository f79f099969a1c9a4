"""llama.cpp in-process, through the prebuilt `xllamacpp` wheel: one embedded server per (GGUF, LoRA), built once.

xllamacpp runs llama.cpp's own server inside this process. A request is the JSON body of an OpenAI-style chat
completion handed straight to the server's handler (no HTTP in between); the server's loop thread decodes every
running request together, one slot each (continuous batching), on `threads` CPU threads. Streaming replies come
back one chunk per token through a callback; the callback returning True stops the request.

The embedded server also listens on a loopback port (llama.cpp's HTTP front, which this process never uses): a
random API key, known to nobody, keeps that door shut to other local users.
"""

from __future__ import annotations

import os
import secrets
import threading
from pathlib import Path

from tailor.errors import ModelNotFoundError, UsageError

SLOTS = 8  # parallel requests decoded together (chat_batch); one stream uses one slot, the rest cost nothing
CONTEXT = 16384  # tokens of KV cache shared by all slots: 8 few-shot prompts with their replies fit (~380 MB)

_SERVERS: dict[tuple, object] = {}  # (gguf, lora, threads, slots, context) -> xllamacpp.Server
_LOCK = threading.Lock()


def engine_threads() -> int:
    """CPU threads for llama.cpp: OMP_NUM_THREADS when set (a shared machine's slot rules), else the usable cores."""
    value = os.environ.get("OMP_NUM_THREADS", "").strip()
    if value:
        if not value.isdigit() or int(value) < 1:
            raise UsageError(f"OMP_NUM_THREADS must be a whole number of threads, got {value!r}")
        return int(value)
    try:
        return len(os.sched_getaffinity(0))  # the cores this process may run on (a container's share)
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def server(gguf: Path, lora: Path | None = None, slots: int = SLOTS, context: int = CONTEXT):
    """The embedded llama.cpp server for this model (and LoRA adapter), started on first use and kept."""
    threads = engine_threads()
    key = (str(gguf), str(lora) if lora else None, threads, slots, context)
    with _LOCK:
        if key not in _SERVERS:
            _SERVERS[key] = _start(gguf, lora, threads, slots, context)
        return _SERVERS[key]


def _start(gguf: Path, lora: Path | None, threads: int, slots: int, context: int):
    import xllamacpp

    params = xllamacpp.CommonParams()
    params.model.path = str(gguf)
    params.n_ctx = context
    params.n_parallel = slots
    params.kv_unified = True  # one cache for all slots: any one request may use the whole context
    params.cpuparams.n_threads = threads
    params.cpuparams_batch.n_threads = threads
    params.prefill_assistant = False  # a trailing assistant turn gets a new reply, as the local backend's prompt
    params.warmup = False  # start at once; the first request builds the compute graph
    params.verbosity = -1  # llama.cpp logs every request otherwise
    params.ui = False
    params.api_keys = [secrets.token_urlsafe(24)]
    if lora is not None:
        params.lora_adapters = [xllamacpp.CommonAdapterLoraInfo(str(lora), 1.0)]
    try:
        return xllamacpp.Server(params)
    except RuntimeError as error:  # llama.cpp says only "failed to init server"; the file is the usual cause
        what = f"{gguf} with the LoRA adapter {lora}" if lora else str(gguf)
        raise ModelNotFoundError(f"llama.cpp could not load {what}: is it a GGUF model file "
                                 "(and the adapter one trained on this model)?") from error


def version() -> str:
    from importlib.metadata import PackageNotFoundError
    from importlib.metadata import version as package_version

    try:
        return package_version("xllamacpp")
    except PackageNotFoundError:
        return "not installed (pip install xllamacpp)"
