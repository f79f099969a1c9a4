"""The local backend: a transformers model on the CPU (the bundled SmolLM2-135M-Instruct by default).

The simple path, in the order a request takes it: load the weights (tailor/weights.py), render the
conversation into prompt ids (tailor/chat_format.py), then generate (one `generate` call) or, when the
caller streams, decode token by token (decode.py), and parse the new ids into text or a tool call. Greedy
by default, every request bounded by max_tokens. Structured output and tool calls are grammar-constrained
(grammar.py), so the reply always parses.

Speed machinery sits behind one hook, `self.speed` (speed.py): quantized weights, the prompt-prefix cache,
and `chat_batch` (batching.py), which runs many conversations through one left-padded `generate` call.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

from tailor.backends.base import Backend, ChatRequest, Completion, ToolCall, Usage
from tailor.backends.grammar import Grammars
from tailor.backends.speed import DEFAULT_BATCH_SIZE, Speedups
from tailor.backends.structured import parse_tool_reply
from tailor.chat_format import prompt_ids, render_messages
from tailor.config import setting
from tailor.models import resolve_model
from tailor.weights import load_model


class LocalBackend(Backend):
    name = "local"

    def __init__(self, model: str | None = None, adapter: str | Path | None = None,
                 repetition_penalty: float | None = None, batch_size: int = DEFAULT_BATCH_SIZE,
                 quantize: str | None = None, prompt_cache: bool | None = None):
        self.model_dir, self._model_id = resolve_model(model)
        self.adapter = Path(adapter) if adapter else None
        self.repetition_penalty = repetition_penalty
        self.speed = Speedups(quantize, prompt_cache, batch_size)
        self.grammars = Grammars(self.model_and_tokenizer)

    @property
    def model(self) -> str:
        return self._model_id + (f"+{self.adapter.name}" if self.adapter else "")

    @classmethod
    def describe(cls, model: str | None = None) -> list[tuple[str, str]]:
        quantize = setting(None, "TAILOR_QUANTIZE")
        weights = (f"{quantize} (faster, numerics change)" if quantize
                   else "float32 (exact); TAILOR_QUANTIZE=int4 or int8 for speed")
        return [("model", setting(model, "TAILOR_MODEL", "bundled SmolLM2-135M-Instruct")), ("weights", weights)]

    # -- 1. load --------------------------------------------------------------------------------
    def model_and_tokenizer(self):
        """The loaded (model, tokenizer), shared in-process; what training and evaluation read the weights from."""
        return load_model(self.model_dir, self.adapter, quantize=self.speed.quantize)

    def load(self) -> None:
        self.model_and_tokenizer()

    # -- 2. render ------------------------------------------------------------------------------
    def prompt_ids(self, request: ChatRequest) -> list[int]:
        """The token ids the model sees: the chat template with the generation prompt."""
        _, tokenizer = self.model_and_tokenizer()
        return prompt_ids(tokenizer, render_messages(request))

    # -- 3. generate or decode ------------------------------------------------------------------
    def _generate(self, request: ChatRequest) -> Iterator[str | Completion]:
        # everything runs on the caller's thread: torch's OpenMP workers belong to the thread that started
        # them, and a second thread doing matrix work beside them ran up to 2x slower (bench/generation.py)
        prompt = self.prompt_ids(request)
        if not request.stream:
            yield self._completion(request, prompt, self._run_generate([prompt], [request])[0])
            return
        yield from self._stream(request, prompt)

    def _run_generate(self, prompts: list[list[int]], requests: list[ChatRequest]) -> list[list[int]]:
        """One `generate` call over left-padded prompts; returns each item's new token ids."""
        import torch

        from tailor.backends.batching import left_pad

        model, tokenizer = self.model_and_tokenizer()
        pad = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else tokenizer.eos_token_id
        input_ids, attention, width = left_pad(prompts, pad)
        first = requests[0]
        options = dict(max_new_tokens=max(r.max_tokens for r in requests), pad_token_id=pad,
                       do_sample=first.temperature > 0)
        if first.temperature > 0:
            options.update(temperature=first.temperature, top_p=1.0, top_k=0)
        else:
            options.update(temperature=None, top_p=None, top_k=None)
        if self.repetition_penalty:
            options["repetition_penalty"] = self.repetition_penalty
        processors = self.grammars.processors(requests)
        if processors:
            options["logits_processor"] = processors
        reuse = self.speed.reuses(prompts)
        if reuse:
            options.update(cache=self.speed.lookup(prompts[0])[0], return_dict_in_generate=True)
        with torch.inference_mode():
            output = model.generate(input_ids=input_ids, attention_mask=attention, **options)
        if reuse:
            self.speed.keep(prompts[0], output.cache)
            output = output.sequences
        return [row[width:].tolist() for row in output]

    def _stream(self, request: ChatRequest, prompt: list[int]) -> Iterator[str | Completion]:
        """Yield the text token by token from our own decode loop (`generate` would need a second thread)."""
        from tailor.backends.decode import TextDeltas, decode_tokens, sampling_processors

        model, tokenizer = self.model_and_tokenizer()
        processors = sampling_processors(self.grammars.processors([request]), self.repetition_penalty,
                                         request.temperature)
        cache, cached = self.speed.lookup(prompt)
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
        self.speed.keep(prompt, cache)
        yield self._completion(request, prompt, deltas.ids)

    # -- 4. parse -------------------------------------------------------------------------------
    def _completion(self, request: ChatRequest, prompt: list[int], new_ids: list[int]) -> Completion:
        """Trim at the first end token, count real tokens, and turn a tool reply into a ToolCall."""
        model, tokenizer = self.model_and_tokenizer()
        stops = _stop_ids(tokenizer, model)
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

    # -- speed: many conversations per generate call --------------------------------------------
    def chat_batch(self, conversations, **options):
        """Many conversations, `batch_size` at a time, each batch one left-padded `generate` call (batching.py)."""
        from tailor.backends.batching import chat_batch

        return chat_batch(self, conversations, **options)


def _stop_ids(tokenizer, model) -> set[int]:
    ids = model.generation_config.eos_token_id
    ids = set(ids if isinstance(ids, list) else [ids]) if ids is not None else set()
    if tokenizer.eos_token_id is not None:
        ids.add(tokenizer.eos_token_id)
    return ids
