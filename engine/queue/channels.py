"""Names both sides of distributed mode must agree on: the Dramatiq actor and queue, the event channel."""

from __future__ import annotations

#: The actor a wake-up message is addressed to; workers register it, the bot only sends to it by name.
WAKE_ACTOR = "render_job"
#: Dramatiq queue (and event channel suffix) unless configured otherwise.
DEFAULT_QUEUE_NAME = "reelbot"
#: Key prefix Dramatiq uses in Redis.
DRAMATIQ_NAMESPACE = "dramatiq"


def events_channel(queue_name: str) -> str:
    """Redis pub/sub channel the workers publish JobEvents on."""
    return f"reelbot:events:{queue_name}"
