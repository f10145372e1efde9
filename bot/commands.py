"""Command: what the bot understood from one message. Its JSON is the public shape of ``reelbot parse``."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

Action = Literal[
    "generate", "animate", "remix", "recut", "extend", "blend", "loop", "storyboard",
    "settings", "balance", "history", "buy", "share", "cancel", "help",
]
ACTIONS: tuple[str, ...] = Action.__args__  # type: ignore[attr-defined]


class CardSpec(BaseModel):
    at: float
    prompt: str


class Command(BaseModel):
    """DESIGN.md's Command JSON. ``clips`` holds references such as ``"#12"`` or ``"current"``."""

    action: Action
    prompt: str | None = None
    aspect: Literal["16:9", "9:16", "1:1"] | None = None
    resolution: Literal["480p", "720p", "1080p"] | None = None
    duration: int | None = None
    variations: Literal[1, 2, 4] | None = None
    clips: list[str] = Field(default_factory=list)
    keep_seconds: float | None = None
    cards: list[CardSpec] | None = None

    def to_json_dict(self) -> dict:
        return self.model_dump(mode="json")
