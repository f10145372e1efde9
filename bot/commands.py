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


#: Below this confidence the rules are unsure: the dialogue may ask (two buttons) or a language model may be asked.
UNSURE_BELOW = 0.7


class Command(BaseModel):
    """DESIGN.md's Command JSON. ``clips`` holds references such as ``"#12"`` or ``"current"``.

    ``audio`` is the sound asked for (True "with sound", False "silent", None unsaid). ``confidence`` (0-1) is how
    sure the reader was of the action; under ``UNSURE_BELOW`` the dialogue asks before spending credits.
    """

    action: Action
    prompt: str | None = None
    aspect: Literal["16:9", "9:16", "1:1"] | None = None
    resolution: Literal["480p", "720p", "1080p"] | None = None
    duration: int | None = None
    variations: Literal[1, 2, 4] | None = None
    clips: list[str] = Field(default_factory=list)
    keep_seconds: float | None = None
    cards: list[CardSpec] | None = None
    audio: bool | None = None
    confidence: float = Field(default=1.0, ge=0.0, le=1.0)

    @property
    def unsure(self) -> bool:
        return self.confidence < UNSURE_BELOW

    def to_json_dict(self) -> dict:
        return self.model_dump(mode="json")
