"""The llamacpp backend: the bundled GGUF (or any .gguf) run by llama.cpp inside this process (llamacpp_engine.py).

The simple path, in the order a request takes it: render the conversation into plain turns (tailor/chat_format.py,
the same turns and notes the local backend renders; llama.cpp applies the GGUF's own chat template to them), add
the grammar when the reply must be JSON, then stream the reply from llama.cpp's server on a helper thread and
hand its pieces to the caller as they come. Greedy by default; usage is llama.cpp's own token count.

Structured output and tool calls are grammar-constrained (llama.cpp's llguidance grammar of the same JSON schema
the local backend uses, with the same separators), so the reply always parses. `chat_batch` runs one request
per slot at once; llama.cpp decodes them together. A LoRA adapter trained by tailor is converted once to
llama.cpp's format (llamacpp_lora.py).
"""

from __future__ import annotations

import json
import queue
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

from tailor.backends.base import Backend, ChatRequest, Completion, ToolCall, Usage, per_item_schemas
from tailor.backends.grammar import constraint_schema
from tailor.backends.llamacpp_engine import CONTEXT, SLOTS, engine_threads, server
from tailor.backends.structured import parse_tool_reply
from tailor.chat_format import render_messages
from tailor.config import setting
from tailor.errors import BadResponseError, ModelNotFoundError, UsageError
from tailor.models import BUNDLED_MODEL_ID, INSTALL_HINT, bundled_gguf

# JSON written as Python's json.dumps writes it: the spacing the local backend's grammar allows and the format a
# tool-calling adapter trains on (tailor/chat_format.py), so both engines are held to the same text
JSON_LAYOUT = {"whitespace_flexible": False, "item_separator": ", ", "key_separator": ": "}


class LlamaCppBackend(Backend):
    name = "llamacpp"

    def __init__(self, model: str | None = None, adapter: str | Path | None = None,
                 repetition_penalty: float | None = None, prompt_cache: bool | None = None, slots: int = SLOTS):
        self.gguf, self._model_id = resolve_gguf(model)
        self.adapter = Path(adapter) if adapter else None
        self._lora: Path | None = None  # the adapter in llama.cpp's GGUF format, once converted
        self.repetition_penalty = repetition_penalty
        self.prompt_cache = True if prompt_cache is None else prompt_cache  # llama.cpp reuses a slot's prefix
        self.slots = slots

    @property
    def model(self) -> str:
        return self._model_id + (f"+{self.adapter.name}" if self.adapter else "")

    @classmethod
    def describe(cls, model: str | None = None) -> list[tuple[str, str]]:
        from tailor.backends.llamacpp_engine import version

        return [("model", setting(model, "TAILOR_MODEL", "bundled SmolLM2-135M-Instruct (.gguf)")),
                ("weights", "the GGUF's own (Q4_1 for the bundled model)"),
                ("engine", f"llama.cpp in-process (xllamacpp {version()}), {engine_threads()} threads, "
                           f"{SLOTS} parallel slots")]

    # -- 1. load --------------------------------------------------------------------------------
    def engine(self):
        """The embedded llama.cpp server for this model and adapter, started on first use and shared in-process."""
        if self._lora is None and self.adapter is not None:  # checked (and converted) once per backend
            from tailor.backends.llamacpp_lora import gguf_adapter

            self._lora = gguf_adapter(self.adapter, self.gguf)
        return server(self.gguf, self._lora, self.slots)

    def load(self) -> None:
        self.engine()

    # -- 2. render ------------------------------------------------------------------------------
    def body(self, request: ChatRequest) -> dict:
        """The chat-completion request llama.cpp is given: plain turns, greedy unless asked, a grammar for JSON."""
        body = {"messages": render_messages(request), "max_tokens": request.max_tokens, "stream": True,
                "stream_options": {"include_usage": True}, "cache_prompt": self.prompt_cache,
                **sampling(request.temperature)}
        if self.repetition_penalty:
            # the whole context, as transformers' penalty counts every token (llama.cpp's server refuses -1)
            body.update(repeat_penalty=self.repetition_penalty, repeat_last_n=CONTEXT)
        schema = constraint_schema(request)
        if schema is not None:
            body["grammar"] = json_grammar(schema)
        return body

    # -- 3. generate ----------------------------------------------------------------------------
    def _generate(self, request: ChatRequest) -> Iterator[str | Completion]:
        pieces, finish, usage = [], "stop", Usage()
        wants_text = request.stream and not request.tools  # tool replies are JSON to parse, not text to show
        for chunk in stream_chunks(self.engine(), self.body(request)):
            if chunk.get("usage"):
                usage = Usage(chunk["usage"]["prompt_tokens"], chunk["usage"]["completion_tokens"])
            for choice in chunk.get("choices", []):
                piece = (choice.get("delta") or {}).get("content")
                if piece:
                    pieces.append(piece)
                    if wants_text:
                        yield piece
                finish = choice.get("finish_reason") or finish
        yield self._completion(request, "".join(pieces), finish, usage)

    # -- 4. parse -------------------------------------------------------------------------------
    def _completion(self, request: ChatRequest, text: str, finish: str, usage: Usage) -> Completion:
        calls = []
        if request.tools and request.tool_choice != "none" and finish == "stop":
            text, call = parse_tool_reply(text)
            if call:
                calls = [ToolCall(call["name"], call["arguments"], id=f"call_{uuid.uuid4().hex[:12]}")]
                finish = "tool_calls"
        return Completion(text=text, usage=usage, model=self.model, tool_calls=calls, finish_reason=finish)

    # -- many conversations at once ---------------------------------------------------------------
    def chat_batch(self, conversations, *, max_tokens: int = 256, temperature: float = 0.0, tools=None,
                   tool_choice: str = "auto", schema=None, batch_size: int | None = None):
        """One request per slot at a time (`batch_size` caps it), decoded together by llama.cpp.

        Every conversation is checked before any is generated. Each result's latency_s is the wall time divided
        by the number of conversations (the throughput share, as the local backend reports it).
        """
        from concurrent.futures import ThreadPoolExecutor

        from tailor.backends.batching import batch_item

        schemas = per_item_schemas(schema, len(conversations))
        requests = [self._request(m, max_tokens, temperature, tools, tool_choice, s)
                    for m, s in zip(conversations, schemas, strict=True)]
        if not requests:
            return []
        self.engine()  # start (or convert an adapter) once, not in every worker
        began = time.perf_counter()
        workers = min(batch_size or self.slots, self.slots, len(requests), fitting_requests(requests))
        with ThreadPoolExecutor(max_workers=workers) as pool:
            completions = list(pool.map(lambda r: list(self._generate(r))[-1], requests))
        share = (time.perf_counter() - began) / len(requests)
        return [batch_item(self, r, c, share) for r, c in zip(requests, completions, strict=True)]


# Characters per token assumed when sizing a batch: a lower bound, because SmolLM2 writes every digit as a
# token of its own (a row of numbers is about 2 characters a token; English prose about 4).
CHARS_PER_TOKEN = 1.5


def fitting_requests(requests: list[ChatRequest], context: int = CONTEXT) -> int:
    """How many of these requests may decode at once without outgrowing the slots' shared KV cache: llama.cpp
    refuses a request ("Context size has been exceeded") once the running ones fill it."""
    def tokens(request):  # the turns as llama.cpp gets them (tool definitions rendered in)
        text = sum(len(json.dumps(m)) for m in render_messages(request))
        return text / CHARS_PER_TOKEN + request.max_tokens
    return max(1, int(context // max(tokens(r) for r in requests)))


def resolve_gguf(model: str | None) -> tuple[Path, str]:
    """(the .gguf file, the model's id) for a flag, TAILOR_MODEL or the bundled model."""
    chosen = setting(model, "TAILOR_MODEL")
    if chosen is None:
        gguf = bundled_gguf()
        if gguf is None:
            raise ModelNotFoundError(f"the bundled SmolLM2 weights are not installed; {INSTALL_HINT}")
        return gguf, BUNDLED_MODEL_ID
    path = Path(chosen).expanduser()
    if not path.is_file() or path.suffix != ".gguf":
        raise ModelNotFoundError(f"the llamacpp backend runs a .gguf file and {path} is not one; "
                                 "for a Hugging Face model folder use --backend local")
    return path, path.stem


def sampling(temperature: float) -> dict:
    """Greedy at 0; otherwise plain sampling at that temperature (llama.cpp's top-k, top-p, min-p off, as local)."""
    if temperature == 0:
        return {"temperature": 0.0}
    return {"temperature": temperature, "top_k": 0, "top_p": 1.0, "min_p": 0.0}


def json_grammar(schema: dict) -> str:
    """llama.cpp's grammar (llguidance syntax) for replies that are one JSON object following `schema`.

    Properties come in the schema's order (the order the prompt shows and an adapter learned), and only the
    schema's own: JSON Schema admits any other key unless told not to, and given the room a 135M model
    invents keys until max_tokens ("booking_id_id": ...), where the local backend's grammar has none.
    """
    return "%llguidance {}\nstart: %json " + json.dumps({**closed(schema), "x-guidance": JSON_LAYOUT})


def closed(schema):
    """The schema with "additionalProperties": false on every object that does not say otherwise."""
    if isinstance(schema, list):
        return [closed(item) for item in schema]
    if not isinstance(schema, dict):
        return schema
    shut = {key: closed(value) for key, value in schema.items()}
    if "properties" in shut and "additionalProperties" not in shut:
        shut["additionalProperties"] = False
    return shut


def stream_chunks(engine, body: dict) -> Iterator[dict]:
    """The chunks of one streamed reply, as llama.cpp produces them (it runs on a helper thread).

    Leaving early (the caller stops reading, or Ctrl-C lands while waiting) tells llama.cpp to stop the request.
    """
    chunks: queue.Queue = queue.Queue()
    stop = threading.Event()
    done = object()

    def on_chunk(chunk) -> bool:
        chunks.put(chunk)
        return stop.is_set()  # True ends the request

    def run() -> None:
        try:
            engine.handle_chat_completions(body, on_chunk)
        except BaseException as error:  # handed to the caller's thread, raised there
            chunks.put(error)
        finally:
            chunks.put(done)

    worker = threading.Thread(target=run, name="llamacpp-request", daemon=True)
    worker.start()
    try:
        while (chunk := chunks.get()) is not done:
            if isinstance(chunk, BaseException):
                raise BadResponseError(f"llama.cpp failed: {chunk}") from chunk
            if "error" in chunk:
                raise reply_error(chunk)
            yield chunk
    finally:
        stop.set()


def reply_error(chunk: dict) -> Exception:
    """llama.cpp's error reply as tailor's own error: a conversation too long is the user's to fix."""
    error = chunk.get("error", chunk)
    message = error.get("message", str(error)) if isinstance(error, dict) else str(error)
    if isinstance(error, dict) and error.get("type") == "exceed_context_size_error":
        return UsageError(f"the conversation is {error.get('n_prompt_tokens')} tokens, more than the llamacpp "
                          f"backend's context of {error.get('n_ctx')} tokens: shorten it")
    return BadResponseError(f"llama.cpp refused the request: {message}")
