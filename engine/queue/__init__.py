"""The durable GPU job queue: rows in the database are the truth; local thread or Dramatiq workers run them.

Offers the :class:`JobQueue` protocol, :class:`QueueFull`, :class:`QueueSettings` and the
``Job`` row. Importing this package never imports torch (the bot imports it in distributed mode). The
queue never imports the workers; :func:`engine.modes.make_queue` puts the two together for local mode.
"""

from engine.queue.errors import QueueError, QueueFull, UnknownTier
from engine.queue.models import Job
from engine.queue.protocol import JobQueue
from engine.queue.settings import QueueSettings, queue_settings

__all__ = ["Job", "JobQueue", "QueueError", "QueueFull", "QueueSettings", "UnknownTier", "queue_settings"]
