"""The local backend: a transformers model on the CPU (the bundled SmolLM2-135M-Instruct by default).

Greedy decoding by default, every request bounded by max_tokens. Structured output and tool calls are
grammar-constrained with xgrammar, so the reply always parses; a grammar is compiled once per schema and
reused. `chat_batch` runs many conversations through one left-padded `generate` call.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from pathlib import Path

from tailor.backends.base import Backend, ChatRequest, Completion, ToolCall, Usage, check_max_tokens
from tailor.backends.structured import json_schema_of, parse_tool_reply, tool_reply_schema
from tailor.chat_format import prompt_ids, render_messages
from tailor.config import setting
from tailor.errors import SchemaError, UsageError
from tailor.models import resolve_model
from tailor.weights import load_model

DEFAULT_BATCH_SIZE = 8


class LocalBackend(Backend):
    name = "local"

    def __init__(self, model: str | None = None, adapter: str | Path | None = None,
                 repetition_penalty: float | None = None, batch_size: int = DEFAULT_BATCH_SIZE,
                 quantize: str | None = None, prompt_cache: bool | None = None):
        from tailor.backends.prompt_cache import PromptCache

        self.model_dir, self._model_id = resolve_model(model)
        self.quantize = setting(quantize, "TAILOR_QUANTIZE")  # "int4", "int8" or None (exact float32, the default)
        self.adapter = Path(adapter) if adapter else None
        self.repetition_penalty = repetition_penalty
        self.batch_size = batch_size
        self._grammars: dict[str, object] = {}  # schema JSON -> compiled grammar, built once each
        self._compiler = None
        # the last prompt's keys and values, reused by the next single request that starts the same way
        use_cache = setting(prompt_cache, "TAILOR_PROMPT_CACHE", "1")
        self.prompt_cache = PromptCache() if str(use_cache).lower() not in ("0", "false", "no", "off") else None

    @property
    def model(self) -> str:
        return self._model_id + (f"+{self.adapter.name}" if self.adapter else "")

    @classmethod
    def describe(cls, model: str | None = None) -> list[tuple[str, str]]:
        quantize = setting(None, "TAILOR_QUANTIZE")
        weights = (f"{quantize} (faster, numerics change)" if quantize
                   else "float32 (exact); TAILOR_QUANTIZE=int4 or int8 for speed")
        return [("model", setting(model, "TAILOR_MODEL", "bundled SmolLM2-135M-Instruct")), ("weights", weights)]

    def model_and_tokenizer(self):
        """The loaded (model, tokenizer), shared in-process; what training and evaluation read the weights from."""
        return load_model(self.model_dir, self.adapter, quantize=self.quantize)

    def load(self) -> None:
        self.model_and_tokenizer()

    # -- prompts --------------------------------------------------------------------------------
    def prompt_ids(self, request: ChatRequest) -> list[int]:
        """The token ids the model sees: the chat template with the generation prompt."""
        _, tokenizer = self.model_and_tokenizer()
        return prompt_ids(tokenizer, render_messages(request))

    # -- generation -----------------------------------------------------------------------------
    def _generate(self, request: ChatRequest) -> Iterator[str | Completion]:
        # everything runs on the caller's thread: torch's OpenMP workers belong to the thread that started
        # them, and a second thread doing matrix work beside them ran up to 2x slower (bench/generation.py)
        prompt = self.prompt_ids(request)
        if not request.stream:
            yield self._completion(request, prompt, self._run_generate([prompt], [request])[0])
            return
        yield from self._stream(request, prompt)

    def _stream(self, request: ChatRequest, prompt: list[int]) -> Iterator[str | Completion]:
        """Yield the text token by token from our own decode loop (`generate` would need a second thread)."""
        from tailor.backends.decode import TextDeltas, decode_tokens, sampling_processors

        model, tokenizer = self.model_and_tokenizer()
        processors = sampling_processors(self._grammar_processors([request]), self.repetition_penalty,
                                         request.temperature)
        cache, cached = self.prompt_cache.lookup(prompt) if self.prompt_cache else (None, 0)
        if cache is None:
            from transformers import DynamicCache

            cache, cached = DynamicCache(config=model.config), 0
        deltas = TextDeltas(tokenizer)
        wants_text = not request.tools  # tool replies are JSON to parse, not text to show
        for token in decode_tokens(model, prompt, request.max_tokens, _stop_ids(tokenizer, model), processors,
                                   cache, request.temperature, cached):
            piece = deltas.add(token)
            if piece and wants_text:
                yield piece
        if self.prompt_cache:
            self.prompt_cache.store(prompt, cache)
        yield self._completion(request, prompt, deltas.ids)

    def chat_batch(self, conversations, *, max_tokens: int = 256, temperature: float = 0.0, tools=None,
                   tool_choice: str = "auto", schema=None, batch_size: int | None = None):
        """Many conversations, `batch_size` at a time, each batch one left-padded `generate` call.

        `schema` may be a list, one per conversation: each row of a batch follows its own grammar.

        Each result's latency_s is its batch's wall time divided by the batch's size (the throughput share).
        """
        import time

        from tailor.backends.base import ChatResult, per_item_schemas

        schemas = per_item_schemas(schema, len(conversations))
        requests = [self._request(m, max_tokens, temperature, tools, tool_choice, s)
                    for m, s in zip(conversations, schemas, strict=True)]
        size = check_max_tokens(batch_size or self.batch_size)
        results: list[ChatResult] = []
        for start in range(0, len(requests), size):
            chunk = requests[start:start + size]
            prompts = [self.prompt_ids(r) for r in chunk]
            began = time.perf_counter()
            outputs = self._run_generate(prompts, chunk)
            share = (time.perf_counter() - began) / len(chunk)
            for request, prompt, ids in zip(chunk, prompts, outputs, strict=True):
                results.append(self._batch_item(request, self._completion(request, prompt, ids), share))
        return results

    def _batch_item(self, request: ChatRequest, completion: Completion, latency_s: float):
        """One item's result; a reply that does not validate is marked, not raised, so the batch survives."""
        from tailor.backends.base import ChatResult

        try:
            return self._result(request, completion, latency_s)
        except SchemaError as error:
            return ChatResult(text=completion.text, usage=completion.usage, latency_s=latency_s,
                              model=completion.model, backend=self.name, finish_reason=completion.finish_reason,
                              error=str(error))

    def _run_generate(self, prompts: list[list[int]], requests: list[ChatRequest]):
        """One `generate` call over left-padded prompts; returns each item's new token ids."""
        import torch

        model, tokenizer = self.model_and_tokenizer()
        width = max(len(p) for p in prompts)
        pad = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else tokenizer.eos_token_id
        input_ids = torch.tensor([[pad] * (width - len(p)) + p for p in prompts])
        attention = torch.tensor([[0] * (width - len(p)) + [1] * len(p) for p in prompts])
        first = requests[0]
        options = dict(max_new_tokens=max(r.max_tokens for r in requests), pad_token_id=pad,
                       do_sample=first.temperature > 0)
        if first.temperature > 0:
            options.update(temperature=first.temperature, top_p=1.0, top_k=0)
        else:
            options.update(temperature=None, top_p=None, top_k=None)
        if self.repetition_penalty:
            options["repetition_penalty"] = self.repetition_penalty
        processors = self._grammar_processors(requests)
        if processors:
            options["logits_processor"] = processors
        reuse = self.prompt_cache if len(prompts) == 1 else None
        if reuse is not None:
            options.update(cache=reuse.lookup(prompts[0])[0], return_dict_in_generate=True)
        with torch.inference_mode():
            output = model.generate(input_ids=input_ids, attention_mask=attention, **options)
        if reuse is not None:
            reuse.store(prompts[0], output.cache)
            output = output.sequences
        return [row[width:].tolist() for row in output]

    def _completion(self, request: ChatRequest, prompt: list[int], new_ids: list[int]) -> Completion:
        """Trim at the first end token, count real tokens, and turn a tool reply into a ToolCall."""
        _, tokenizer = self.model_and_tokenizer()
        stops = _stop_ids(tokenizer, self.model_and_tokenizer()[0])
        ended = next((i for i, t in enumerate(new_ids) if t in stops), None)
        ids = new_ids[:ended] if ended is not None else new_ids[:request.max_tokens]
        text = tokenizer.decode(ids, skip_special_tokens=True)
        finish = "stop" if ended is not None else "length"
        usage = Usage(prompt_tokens=len(prompt), completion_tokens=len(ids))
        calls = []
        if request.tools and finish == "stop":
            text, call = parse_tool_reply(text)
            if call:
                calls = [ToolCall(call["name"], call["arguments"], id=f"call_{uuid.uuid4().hex[:12]}")]
                finish = "tool_calls"
        return Completion(text=text, usage=usage, model=self.model, tool_calls=calls, finish_reason=finish)

    # -- constrained decoding -------------------------------------------------------------------
    def _grammar_processors(self, requests: list[ChatRequest]) -> list:
        schemas = [_constraint_schema(r) for r in requests]
        if all(s is None for s in schemas):
            return []
        if any(s is None for s in schemas):
            raise UsageError("a batch must be all structured or all free text")
        from xgrammar.contrib.hf import LogitsProcessor

        return [LogitsProcessor([self._grammar(s) for s in schemas])]

    def _grammar(self, schema: dict):
        # never sort the keys: the grammar writes properties in the schema's order, which is the order the
        # prompt shows and an adapter learned ("tool" before "arguments", a recipe's title first)
        key = json.dumps(schema)
        if key not in self._grammars:
            # Python's json.dumps spacing: the format render_messages writes earlier tool calls in, and so the
            # format a tool-calling adapter trains on; a grammar that forbids those spaces blocks what it learned
            self._grammars[key] = self._grammar_compiler().compile_json_schema(
                key, any_whitespace=False, separators=(", ", ": "))
        return self._grammars[key]

    def _grammar_compiler(self):
        if self._compiler is None:
            import xgrammar

            model, tokenizer = self.model_and_tokenizer()
            info = xgrammar.TokenizerInfo.from_huggingface(tokenizer, vocab_size=model.config.vocab_size)
            self._compiler = xgrammar.GrammarCompiler(info)
        return self._compiler


def _constraint_schema(request: ChatRequest) -> dict | None:
    if request.tools and request.tool_choice != "none":
        return tool_reply_schema(request.tools, request.tool_choice)
    if request.schema is not None:
        return json_schema_of(request.schema)
    return None


def _stop_ids(tokenizer, model) -> set[int]:
    ids = model.generation_config.eos_token_id
    ids = set(ids if isinstance(ids, list) else [ids]) if ids is not None else set()
    if tokenizer.eos_token_id is not None:
        ids.add(tokenizer.eos_token_id)
    return ids

