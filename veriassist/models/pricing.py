"""Prices per 1M tokens, for the cost column of records.

The table is small on purpose and dated: prices change. It is used only for the
providers' own endpoints; any other base URL (a proxy, a local server) has unknown
pricing unless the settings give one.
"""

from __future__ import annotations

from dataclasses import dataclass

PRICES_AS_OF = "2025-06"


@dataclass(frozen=True)
class Price:
    """USD per 1M tokens."""

    input_per_mtok: float
    output_per_mtok: float

    def cost(self, prompt_tokens: int | None, completion_tokens: int | None) -> float | None:
        if prompt_tokens is None and completion_tokens is None:
            return None
        return (
            (prompt_tokens or 0) * self.input_per_mtok + (completion_tokens or 0) * self.output_per_mtok
        ) / 1e6


# Keys match a model name exactly or as the prefix of a dated snapshot
# ("gpt-4o-2024-08-06"); the longest matching key wins, so "gpt-4o-mini" beats "gpt-4o".
BUILTIN_PRICES: dict[tuple[str, str], Price] = {
    ("openai", "gpt-4o"): Price(2.50, 10.00),
    ("openai", "gpt-4o-mini"): Price(0.15, 0.60),
    ("openai", "gpt-4.1"): Price(2.00, 8.00),
    ("openai", "gpt-4.1-mini"): Price(0.40, 1.60),
    ("openai", "gpt-4.1-nano"): Price(0.10, 0.40),
    ("openai", "o3-mini"): Price(1.10, 4.40),
    ("openai", "o4-mini"): Price(1.10, 4.40),
    ("anthropic", "claude-3-5-haiku"): Price(0.80, 4.00),
    ("anthropic", "claude-3-5-sonnet"): Price(3.00, 15.00),
    ("anthropic", "claude-3-7-sonnet"): Price(3.00, 15.00),
    ("anthropic", "claude-sonnet-4"): Price(3.00, 15.00),
    ("anthropic", "claude-opus-4"): Price(15.00, 75.00),
}


def builtin_price(provider: str, model: str) -> Price | None:
    """The table's price for a provider's own endpoint, or None when unknown."""
    best: tuple[int, Price] | None = None
    for (prov, key), price in BUILTIN_PRICES.items():
        if prov != provider:
            continue
        if (model == key or model.startswith(key + "-")) and (best is None or len(key) > best[0]):
            best = (len(key), price)
    return best[1] if best else None
