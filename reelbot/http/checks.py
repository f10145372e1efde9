"""The readiness checks of the bot process: the database, the job queue, and (distributed mode) the workers."""

from __future__ import annotations

from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.pool import NullPool

from engine.db import make_engine
from engine.metrics import observe_queue
from engine.queue import presence


class DatabaseCheck:
    """``SELECT 1`` on a fresh connection each time: a pooled one could hide a database that just went away."""

    def __init__(self, database_url: str) -> None:
        self.engine: AsyncEngine = make_engine(database_url, poolclass=NullPool)

    async def __call__(self) -> str | None:
        async with self.engine.connect() as connection:
            await connection.execute(text("SELECT 1"))
        return None

    async def close(self) -> None:
        await self.engine.dispose()


class QueueCheck:
    """The queue is started and its job table answers (refreshing the queue-depth gauge on the way)."""

    def __init__(self, queue: Any) -> None:
        self.queue = queue

    async def __call__(self) -> str | None:
        if getattr(self.queue, "store", None) is None:
            return "the job queue has not started"
        await observe_queue(self.queue)
        worker = getattr(self.queue, "worker", None)  # local mode: the render thread in this process
        if worker is not None and not worker.alive:
            return "the local worker thread is not running"
        return None

    async def close(self) -> None:
        """Nothing of its own to close: the queue belongs to the bot's service."""


class WorkersCheck:
    """Distributed mode: Redis answers and at least one ``reelbot worker`` beat recently."""

    def __init__(self, redis_url: str, queue_name: str, *, max_age_s: float = presence.FRESH_FOR_S) -> None:
        import redis.asyncio as aioredis

        self.client = aioredis.Redis.from_url(redis_url)
        self.queue_name = queue_name
        self.max_age_s = max_age_s

    async def __call__(self) -> str | None:
        alive = await presence.fresh_workers(self.client, self.queue_name, max_age_s=self.max_age_s)
        if alive == 0:
            return f"no worker has reported in the last {self.max_age_s:g} s (is `reelbot worker` running?)"
        return None

    async def close(self) -> None:
        await self.client.aclose()
