"""Secrets out of every message tailor prints or writes: API keys, bearer tokens, passwords in URLs.

A server may echo the request's `Authorization` header in its error body, and OPENAI_BASE_URL may carry
`user:password@`. Every message the openai backend builds from a server's reply or from its address goes
through `redact` before it becomes an error, so the terminal, the compare logs, the evaluation files and the
shareable report never hold a credential. The exact key in use is removed too, whatever it looks like.
"""

from __future__ import annotations

import re

HIDDEN = "[redacted]"
_PATTERNS = [
    # an Authorization header as text or JSON: `Authorization: Bearer X`, `"authorization": "Basic X"`
    (re.compile(r"(?i)(authorization[\"']?\s*[:=]\s*[\"']?)(?:(bearer|basic|token)\s+)?[^\s\"',;}\]]+"),
     lambda m: f"{m.group(1)}{m.group(2) + ' ' if m.group(2) else ''}{HIDDEN}"),
    (re.compile(r"(?i)\b(bearer)\s+[A-Za-z0-9._~+/=-]{4,}"), lambda m: f"{m.group(1)} {HIDDEN}"),
    # key-like fields: api_key=..., "x-api-key": "...", password: ...
    (re.compile(r"(?i)((?:api[_-]?key|x-api-key|access[_-]?token|password|secret)[\"']?\s*[:=]\s*[\"']?)"
                r"[^\s\"',;&}\]]+"), lambda m: f"{m.group(1)}{HIDDEN}"),
    # OpenAI-style keys wherever they stand
    (re.compile(r"\bsk-[A-Za-z0-9_-]{6,}"), lambda m: f"sk-{HIDDEN}"),
    # credentials in a URL: scheme://user:password@host or scheme://token@host
    (re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://)[^/\s@]+@"), lambda m: f"{m.group(1)}{HIDDEN}@"),
]


def redact(text: str, secrets=()) -> str:
    """`text` with every credential replaced by [redacted]: the given `secrets` verbatim, then known shapes."""
    text = str(text)
    for secret in secrets:
        if secret and len(secret) >= 4:  # a 1-3 character "key" would blank out ordinary words
            text = text.replace(secret, HIDDEN)
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text
