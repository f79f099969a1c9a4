"""One row of the trade-off table, and the defensive helpers the per-demo readers are built from.

A demo's evaluation JSON is written by that demo's own code, so its keys may move. Every read here goes
through `dig`, which returns None for anything missing or of the wrong kind: a missing number becomes
"not measured" in the table, never a crash.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

MEASURED, REUSED, FAILED, NOT_MEASURED = "measured", "reused", "failed", "not measured"


@dataclass
class Row:
    demo: str
    title: str  # what the table calls the method
    app: str  # the example app the demo is built on
    status: str = NOT_MEASURED  # measured | reused | failed | not measured
    reason: str = ""  # why a row is failed or not measured
    metric: str | None = None  # the demo's quality metric, e.g. "answer correctness"
    value: float | None = None  # ... its measured value
    baseline: float | None = None  # ... and the baseline's value on the same items
    baseline_name: str | None = None
    latency_p50_s: float | None = None  # seconds per request (per task for the agent, per row for custom ML)
    latency_p95_s: float | None = None
    latency_mean_s: float | None = None
    prompt_tokens: float | None = None  # mean per request
    completion_tokens: float | None = None
    setup_s: float | None = None  # one-off compute: training or ingest seconds on this machine
    setup_what: str = ""
    data_count: int | None = None  # what the method needed: examples, documents, rows
    data_unit: str = ""
    loc: int | None = None  # code lines of the demo folder (no tests, no data)
    seconds_per_1000: float | None = None  # wall seconds for 1,000 requests (CPU time on the local model)
    usd_per_1000: float | None = None  # the same tokens on the price table's hosted model
    items: int | None = None
    backend: str | None = None
    model: str | None = None
    timestamp: str | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.status in (MEASURED, REUSED)

    @property
    def tokens(self) -> float | None:
        if self.prompt_tokens is None and self.completion_tokens is None:
            return None
        return (self.prompt_tokens or 0) + (self.completion_tokens or 0)

    def to_dict(self) -> dict:
        return {**asdict(self), "tokens": self.tokens}


def dig(doc, *paths: str):
    """The first value found under any dotted path ("a.b.c"), or None; keys may themselves hold dots."""
    for path in paths:
        value = _walk(doc, path.split("."))
        if value is not None:
            return value
    return None


def _walk(node, parts: list[str]):
    if not parts:
        return node
    if not isinstance(node, dict):
        return None
    for cut in range(len(parts), 0, -1):  # "recall@5" or "ft+rag" style keys: try the longest key first
        key = ".".join(parts[:cut])
        if key in node:
            found = _walk(node[key], parts[cut:])
            if found is not None:
                return found
    return None


def number(doc, *paths: str) -> float | None:
    """The first value under the paths that is a real number (not a bool, not NaN, not a list)."""
    for path in paths:
        value = _walk(doc, path.split("."))
        if isinstance(value, (int, float)) and not isinstance(value, bool) and value == value:
            return float(value)
    return None


def text(doc, *paths: str) -> str | None:
    value = dig(doc, *paths)
    return str(value) if value not in (None, "") else None
