"""Choose the mode: local unless a Redis URL is given."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from engine.queue.protocol import JobQueue
from engine.queue.settings import QueueSettings, queue_settings


def make_queue(
    *,
    database_url: str,
    redis_url: str | None = None,
    engine_factory: Callable[[], Any] | None = None,
    captioner_factory: Callable[[], Any] | None = None,
    options: Any = None,
    limits: Any = None,
    tiers: Any = None,
    settings: QueueSettings | None = None,
    queue_name: str = "reelbot",
    **kwargs: Any,
) -> JobQueue:
    """A :class:`JobQueue`: :class:`LocalQueue` (worker thread here) or :class:`DistributedQueue` (Dramatiq).

    ``options`` is ``EngineOptions``-like (``max_batch``, ``batch_window_s``), ``limits`` is ``Limits``-like
    (``max_queued_per_user``, ``job_timeout_s``, ``max_attempts``), ``tiers`` the configured tiers.
    ``engine_factory`` is only called in local mode, on the worker thread, when the first job arrives;
    ``captioner_factory`` likewise on the caption thread at the first caption (default: ``REELBOT_CAPTIONER``).
    """
    settings = settings or queue_settings(options=options, limits=limits, tiers=tiers)
    if redis_url:
        from engine.queue.distributed import DistributedQueue

        return DistributedQueue(database_url=database_url, redis_url=redis_url, settings=settings,
                                queue_name=queue_name, **kwargs)
    if engine_factory is None:
        raise ValueError("local mode needs an engine_factory (it runs the jobs in this process)")
    from engine.worker.local_queue import LocalQueue

    return LocalQueue(database_url=database_url, settings=settings, engine_factory=engine_factory,
                      captioner_factory=captioner_factory, **kwargs)
