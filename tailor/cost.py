"""What a request costs: USD for hosted models from a small price table, CPU-seconds on the local model.

Prices are USD per million tokens (input, output) as published on OpenAI's API pricing page. They change;
edit PRICES and PRICE_TABLE_DATE together. Models not in the table are reported with usd=None.
"""

from __future__ import annotations

from dataclasses import dataclass

PRICE_TABLE_DATE = "2025-06-01"
PRICE_TABLE_SOURCE = "OpenAI API pricing page (standard tier, per 1M tokens)"
PRICES: dict[str, tuple[float, float]] = {
    "gpt-4o-mini": (0.15, 0.60),
    "gpt-4o": (2.50, 10.00),
    "gpt-4.1": (2.00, 8.00),
    "gpt-4.1-mini": (0.40, 1.60),
    "gpt-4.1-nano": (0.10, 0.40),
    "o4-mini": (1.10, 4.40),
}


@dataclass
class Cost:
    usd: float | None  # None when the model has no listed price
    cpu_seconds: float  # wall seconds the request took on this machine (the local model's real cost)
    priced_as: str

    def __str__(self) -> str:
        usd = "n/a" if self.usd is None else f"${self.usd:.6f}"
        return f"{usd} ({self.cpu_seconds:.2f} s, priced as {self.priced_as})"


def usd_for(model: str, prompt_tokens: int, completion_tokens: int) -> float | None:
    """USD for a token count on a listed model; None when the model is not in the table."""
    price = PRICES.get(model)
    if price is None:
        return None
    return (prompt_tokens * price[0] + completion_tokens * price[1]) / 1_000_000


def cost_of(result) -> Cost:
    """0 USD and the measured seconds on the local (or fake) backend; the table's price for hosted models."""
    if result.backend in ("local", "fake"):
        return Cost(0.0, result.latency_s, f"{result.backend} model, no per-token price")
    usd = usd_for(result.model, result.usage.prompt_tokens, result.usage.completion_tokens)
    return Cost(usd, result.latency_s, f"{result.model} at {PRICE_TABLE_DATE} prices")


def projected_usd(prompt_tokens: int, completion_tokens: int, model: str = "gpt-4o-mini") -> float:
    """What the same token counts would cost on a named hosted model (for comparisons)."""
    usd = usd_for(model, prompt_tokens, completion_tokens)
    if usd is None:
        raise KeyError(f"{model} is not in the price table ({', '.join(PRICES)})")
    return usd
