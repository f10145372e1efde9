"""Credits: what a job costs (``quote``) and the ledger that holds, charges and gives back credits.

Typical flow for one job: ``price = quote(spec, pricing)``; ``ledger.reserve(user, price, key=f"job:{id}")``;
then ``ledger.settle(key, delivered=n, total=variations)`` when clips arrive, or ``ledger.refund(key)`` if the
job failed. Every call is idempotent by key, so a retry after a crash never charges twice.

The ledger (and with it SQLAlchemy) is imported on first use: ``reelbot.config`` reads the pricing models from
here, and every ``reelbot`` command should not pay for a database layer it may not touch.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from bot.credits.pricing import (
    CreditPack,
    Credits,
    Pricing,
    billable_seconds,
    quote,
    quote_per_variation,
    shape_of,
)
from bot.errors import InsufficientCredits

if TYPE_CHECKING:
    from bot.credits.ledger import (
        ADMIN,
        DAILY,
        PURCHASE,
        REFUND,
        RESERVE,
        SETTLE,
        WELCOME,
        Ledger,
        LedgerError,
        daily_key,
        release_key,
    )

_LEDGER_NAMES = {
    "ADMIN", "DAILY", "PURCHASE", "REFUND", "RESERVE", "SETTLE", "WELCOME",
    "Ledger", "LedgerError", "daily_key", "release_key",
}

__all__ = [
    "ADMIN",
    "DAILY",
    "PURCHASE",
    "REFUND",
    "RESERVE",
    "SETTLE",
    "WELCOME",
    "CreditPack",
    "Credits",
    "InsufficientCredits",
    "Ledger",
    "LedgerError",
    "Pricing",
    "billable_seconds",
    "daily_key",
    "quote",
    "quote_per_variation",
    "release_key",
    "shape_of",
]


def __getattr__(name: str) -> Any:
    if name in _LEDGER_NAMES:
        return getattr(importlib.import_module("bot.credits.ledger"), name)
    raise AttributeError(f"module 'bot.credits' has no attribute {name!r}")
