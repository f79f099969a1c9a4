"""Grammar-constrained decoding for the local backend: structured output and tool calls always parse.

A request with a schema, or with tools the model may call, is decoded under an xgrammar grammar built from
that JSON schema (for tools: one {"tool", "arguments"} object per tool, or {"answer"}). A grammar is compiled
once per schema and reused; a batch gets one processor with one grammar per row.
"""

from __future__ import annotations

import json

from tailor.backends.base import ChatRequest
from tailor.backends.structured import json_schema_of, tool_reply_schema
from tailor.errors import UsageError


class Grammars:
    """The compiled grammars of one model's tokenizer, built on first use from `load()` -> (model, tokenizer)."""

    def __init__(self, load):
        self._load = load
        self._grammars: dict[str, object] = {}  # schema JSON -> compiled grammar, built once each
        self._compiler = None

    def processors(self, requests: list[ChatRequest]) -> list:
        """The logits processors that hold each request to its schema (none for free text)."""
        schemas = [constraint_schema(r) for r in requests]
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

            model, tokenizer = self._load()
            info = xgrammar.TokenizerInfo.from_huggingface(tokenizer, vocab_size=model.config.vocab_size)
            self._compiler = xgrammar.GrammarCompiler(info)
        return self._compiler


def constraint_schema(request: ChatRequest) -> dict | None:
    """The JSON schema a request's reply is held to, or None for free text."""
    if request.tools and request.tool_choice != "none":
        # the answer at most 3 characters per token of the budget (English runs about 4), so it closes
        # within max_tokens where a run-on answer never would, and a normal short answer is never cut
        answer_chars = 3 * max(16, request.max_tokens - 16)
        return tool_reply_schema(request.tools, request.tool_choice, answer_chars=answer_chars)
    if request.schema is not None:
        return json_schema_of(request.schema)
    return None
