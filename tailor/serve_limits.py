"""`tailor serve`: how much a request may ask for, from the served model's context window.

A request is measured before it waits for the model: the body's bytes as they arrive (413 past the cap),
then the prompt's tokens exactly as the backend will render them (400 when prompt + max_tokens would not fit
the context). So an oversized prompt is refused in milliseconds instead of holding the model for minutes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from tailor.backends.base import MAX_TOKENS_LIMIT, ChatRequest
from tailor.serve_request import DEFAULT_MAX_TOKENS, RequestError, ServeRequest

BYTES_PER_TOKEN = 32  # body cap per context token: JSON escapes, tool schemas and headroom (256 KiB for 8,192)


@dataclass
class Limits:
    context_tokens: int  # the model's context window: prompt and reply together
    count_tokens: Callable[[ChatRequest], int]  # the prompt's tokens, as the model will see them

    @property
    def body_bytes(self) -> int:
        return self.context_tokens * BYTES_PER_TOKEN

    @classmethod
    def of(cls, backend) -> Limits:
        """The local model's context and tokenizer; for other backends, tailor's bound and a rough count."""
        if hasattr(backend, "model_and_tokenizer"):
            import copy

            from tailor.chat_format import prompt_ids, render_messages

            model, tokenizer = backend.model_and_tokenizer()
            context = getattr(model.config, "max_position_embeddings", None) or MAX_TOKENS_LIMIT
            # a copy of its own: requests are counted on the event loop while the model thread decodes, and
            # a fast tokenizer used from two threads at once can fail ("Already borrowed")
            counter = copy.deepcopy(tokenizer)
            return cls(int(context), lambda request: len(prompt_ids(counter, render_messages(request))))
        return cls(MAX_TOKENS_LIMIT, rough_count)

    def max_tokens(self, request: ServeRequest) -> int:
        """The reply's token budget; RequestError (400) when the prompt and it cannot fit the context."""
        wanted = request.max_tokens or DEFAULT_MAX_TOKENS
        prompt = self.count_tokens(request.chat_request(wanted))
        room = self.context_tokens - prompt
        if request.max_tokens is None and room > 0:
            return min(wanted, room)  # no budget asked for: whatever fits, up to the default
        if prompt + wanted > self.context_tokens:
            raise RequestError(400, f"the prompt is {prompt} tokens and max_tokens {wanted}: together over the "
                                    f"model's context of {self.context_tokens} tokens; shorten the conversation "
                                    "or lower max_tokens", code="context_length_exceeded")
        return wanted


def rough_count(request: ChatRequest) -> int:
    """A prompt's tokens when no tokenizer is at hand: one per 4 characters of the text and the tools."""
    text = sum(len(m.get("content") or "") for m in request.messages)
    return 1 + (text + sum(len(str(t.parameters)) for t in request.tools)) // 4


async def read_body(request, limit: int) -> bytes:
    """The request body, refused with 413 as soon as it passes `limit` bytes (declared or streamed)."""
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise RequestError(413, f"the request body is {declared} bytes; this server takes at most {limit} "
                                "(the model's context)", code="request_too_large")
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            raise RequestError(413, f"the request body is over {limit} bytes, the most this server takes "
                                    "(the model's context)", code="request_too_large")
    return bytes(body)
