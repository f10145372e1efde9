"""What the queue raises on purpose; the bot words these for the user."""

from __future__ import annotations

from engine.errors import EngineError


class QueueError(EngineError):
    """Root of the queue's own errors."""

    code = "queue_error"


class QueueFull(QueueError):
    """The owner already has ``limit`` jobs waiting; one must start (or be cancelled) before another is queued."""

    code = "queue_full"

    def __init__(self, *, owner: str, limit: int) -> None:
        super().__init__(f"{owner} already has {limit} queued jobs (the limit)")
        self.owner = owner
        self.limit = limit


class UnknownTier(QueueError):
    """A job asked for a tier the configuration does not define."""

    code = "unknown_tier"
