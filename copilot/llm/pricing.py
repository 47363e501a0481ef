"""Token prices and cost estimates.

Prices are USD per one million tokens, ``(input, output)``. :data:`DEFAULT_PRICES` holds list
prices for the models we expect to run; they go stale, so settings (``COPILOT_LLM_PRICES``, a JSON
object ``{"model": [input, output]}``) override or extend them without a release. A model name
matches its exact entry first, then the longest entry it extends at a ``-`` boundary, so
``gpt-4.1-mini-2025-04-14`` is priced as ``gpt-4.1-mini``. In-process and fake providers cost
nothing. An unknown model costs ``0.0`` and is flagged (:attr:`CostEstimate.known` is false) so the
metrics can show unpriced traffic instead of silently under-reporting it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import NamedTuple

from copilot.llm.base import Usage

__all__ = ["DEFAULT_PRICES", "FREE_PROVIDERS", "CostEstimate", "ModelPrice", "PriceTable", "estimate_cost"]


class ModelPrice(NamedTuple):
    """USD per one million tokens."""

    input_per_million: float
    output_per_million: float


class CostEstimate(NamedTuple):
    """A cost in USD and whether the model had a price (``known``)."""

    usd: float
    known: bool


DEFAULT_PRICES: Mapping[str, ModelPrice] = {
    # OpenAI, standard tier list prices.
    "gpt-4o": ModelPrice(2.50, 10.00),
    "gpt-4o-mini": ModelPrice(0.15, 0.60),
    "gpt-4.1": ModelPrice(2.00, 8.00),
    "gpt-4.1-mini": ModelPrice(0.40, 1.60),
    "gpt-4.1-nano": ModelPrice(0.10, 0.40),
    "gpt-5": ModelPrice(1.25, 10.00),
    "gpt-5-mini": ModelPrice(0.25, 2.00),
    "gpt-5-nano": ModelPrice(0.05, 0.40),
    # Gemini on Vertex AI, prompts up to 200k tokens.
    "gemini-2.0-flash": ModelPrice(0.15, 0.60),
    "gemini-2.0-flash-lite": ModelPrice(0.075, 0.30),
    "gemini-2.5-flash": ModelPrice(0.30, 2.50),
    "gemini-2.5-flash-lite": ModelPrice(0.10, 0.40),
    "gemini-2.5-pro": ModelPrice(1.25, 10.00),
}

FREE_PROVIDERS: frozenset[str] = frozenset({"local", "fake"})
"""Providers whose calls cost nothing per token (in-process model, test fake)."""

_MODEL_PREFIXES = ("models/", "publishers/google/models/")


class PriceTable:
    """Model prices, the defaults overridden by configuration.

    Args:
        overrides: ``{model: (input, output)}`` in USD per million tokens, usually
            ``settings.llm_prices``; entries replace or extend ``defaults``.
        defaults: the base table (:data:`DEFAULT_PRICES`).
    """

    def __init__(
        self,
        overrides: Mapping[str, tuple[float, float]] | None = None,
        *,
        defaults: Mapping[str, ModelPrice] = DEFAULT_PRICES,
    ) -> None:
        table = {name.lower(): ModelPrice(*price) for name, price in defaults.items()}
        for name, (input_price, output_price) in (overrides or {}).items():
            if input_price < 0 or output_price < 0:
                raise ValueError(f"negative price for model {name!r}")
            table[name.lower()] = ModelPrice(float(input_price), float(output_price))
        self._prices = table

    def price_for(self, model: str) -> ModelPrice | None:
        """The price of ``model``: exact entry, else the longest entry it extends, else ``None``."""
        name = model.strip().lower()
        for prefix in _MODEL_PREFIXES:
            if name.startswith(prefix):
                name = name[len(prefix) :]
        if name in self._prices:
            return self._prices[name]
        candidates = [key for key in self._prices if name.startswith(key + "-")]
        return self._prices[max(candidates, key=len)] if candidates else None

    def estimate(self, model: str, usage: Usage, *, provider: str | None = None) -> CostEstimate:
        """Cost of one call in USD, and whether the model was priced."""
        if provider in FREE_PROVIDERS:
            return CostEstimate(0.0, True)
        price = self.price_for(model)
        if price is None:
            return CostEstimate(0.0, False)
        usd = (
            usage.prompt_tokens * price.input_per_million + usage.completion_tokens * price.output_per_million
        ) / 1_000_000
        return CostEstimate(usd, True)


_DEFAULT_TABLE = PriceTable()


def estimate_cost(model: str, usage: Usage, table: PriceTable | None = None) -> float:
    """Cost in USD of ``usage`` on ``model`` (``0.0`` for an unknown model; see :meth:`PriceTable.estimate`)."""
    return (table or _DEFAULT_TABLE).estimate(model, usage).usd
