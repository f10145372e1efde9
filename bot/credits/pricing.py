"""What a job costs, and the settings models for prices and free credits.

The bot owns these models (``reelbot.config`` only nests them in its Settings) so that ``bot`` never imports
``reelbot``. Prices are Sora-shaped: credits per generated second, by resolution tier and aspect shape.
"""

from __future__ import annotations

import math

from pydantic import BaseModel, Field, field_validator

from engine.specs import Aspect, JobSpec, Resolution

#: Pricing shapes: a square frame is cheaper than a wide or vertical one of the same tier.
SQUARE, WIDE = "square", "wide"
#: Generated seconds are rounded up, but not because of float noise such as 5 - 2.2.
_SECONDS_TOLERANCE = 1e-6


def shape_of(aspect: Aspect) -> str:
    """``"1:1"`` is square; ``"16:9"`` and ``"9:16"`` are priced alike as wide."""
    return SQUARE if aspect == "1:1" else WIDE


class Pricing(BaseModel):
    """Credits per generated second, by resolution tier and aspect shape (square vs wide/vertical)."""

    per_second: dict[str, dict[str, int]] = Field(
        default_factory=lambda: {
            "480p": {SQUARE: 4, WIDE: 5},
            "720p": {SQUARE: 8, WIDE: 16},
            "1080p": {SQUARE: 20, WIDE: 40},
        }
    )
    #: Quotes above this many credits ask the user to confirm first.
    confirm_above: int = 200

    @field_validator("per_second")
    @classmethod
    def _every_tier_priced(cls, value: dict[str, dict[str, int]]) -> dict[str, dict[str, int]]:
        for tier in ("480p", "720p", "1080p"):
            shapes = value.get(tier)
            if not shapes or set(shapes) != {SQUARE, WIDE}:
                raise ValueError(f"pricing.per_second.{tier} needs exactly 'square' and 'wide' prices")
            if any(price < 0 for price in shapes.values()):
                raise ValueError(f"pricing.per_second.{tier} prices must be >= 0")
        return value

    def price_per_second(self, resolution: Resolution, aspect: Aspect) -> int:
        return self.per_second[resolution][shape_of(aspect)]


class CreditPack(BaseModel):
    """A pack sold for Telegram Stars."""

    id: str
    credits: int = Field(gt=0)
    stars: int = Field(gt=0)
    title: str


class Credits(BaseModel):
    """Free credits and what can be bought."""

    #: Granted once per user per UTC day by the scheduler.
    daily_free: int = Field(default=100, ge=0)
    #: The daily grant tops the balance up to at most this many credits.
    daily_cap: int = Field(default=300, ge=0)
    #: Granted once, on a user's first message.
    welcome: int = Field(default=200, ge=0)
    packs: list[CreditPack] = Field(
        default_factory=lambda: [
            CreditPack(id="small", credits=500, stars=50, title="500 credits"),
            CreditPack(id="medium", credits=1200, stars=100, title="1200 credits"),
            CreditPack(id="large", credits=3000, stars=220, title="3000 credits"),
        ]
    )


def billable_seconds(spec: JobSpec) -> int:
    """Whole seconds of new footage: edits pay only for what they generate (a recut keeps the rest)."""
    return max(1, math.ceil(spec.generated_seconds - _SECONDS_TOLERANCE))


def quote(spec: JobSpec, pricing: Pricing) -> int:
    """Credits for ``spec``: price per second x generated seconds (rounded up) x variations."""
    settings = spec.settings
    return pricing.price_per_second(settings.resolution, settings.aspect) * billable_seconds(spec) * settings.variations


def quote_per_variation(spec: JobSpec, pricing: Pricing) -> int:
    """The share of a quote one delivered variation pays for."""
    return quote(spec, pricing) // spec.settings.variations
