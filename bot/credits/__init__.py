"""Credits: what a job costs (``quote``) and the ledger that holds, charges and gives back credits.

Typical flow for one job: ``price = quote(spec, pricing)``; ``ledger.reserve(user, price, key=f"job:{id}")``;
then ``ledger.settle(key, delivered=n, total=variations)`` when clips arrive, or ``ledger.refund(key)`` if the
job failed. Every call is idempotent by key, so a retry after a crash never charges twice.
"""

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
