"""Names both sides of distributed mode must agree on: the Dramatiq actor and queue, the event channel."""

from __future__ import annotations

#: The actor a wake-up message is addressed to; workers register it, the bot only sends to it by name.
WAKE_ACTOR = "render_job"
#: The actor a caption request is addressed to (storyboard image cards); workers register it.
CAPTION_ACTOR = "caption_image"
#: Dramatiq queue (and event channel suffix) unless configured otherwise.
DEFAULT_QUEUE_NAME = "reelbot"
#: Key prefix Dramatiq uses in Redis.
DRAMATIQ_NAMESPACE = "dramatiq"


def events_channel(queue_name: str) -> str:
    """Redis pub/sub channel the workers publish JobEvents on."""
    return f"reelbot:events:{queue_name}"


def caption_queue(queue_name: str) -> str:
    """The Dramatiq queue of caption requests: its own, so a caption never waits behind a render's wake-ups."""
    return f"{queue_name}.captions"


def caption_reply_key(queue_name: str, request_id: str) -> str:
    """Redis list the worker pushes one caption result onto; the bot pops it (no pub/sub race to lose it)."""
    return f"reelbot:caption:{queue_name}:{request_id}"
