"""Upload limits, named like ``reelbot.config.Limits`` so either object can be passed."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class MediaLimits:
    """What an upload may be; anything past these is refused before it is decoded."""

    max_upload_bytes: int = 50 * 1024 * 1024
    max_image_pixels: int = 40_000_000
    max_video_seconds: float = 60.0
    max_video_pixels: int = 1920 * 1080

    @classmethod
    def of(cls, limits: object | None) -> "MediaLimits":
        """Accept ``None`` (defaults), a MediaLimits, or any object with the same attribute names."""
        if limits is None or isinstance(limits, cls):
            return limits or cls()
        defaults = cls()
        return cls(**{name: getattr(limits, name, getattr(defaults, name)) for name in cls.__dataclass_fields__})
