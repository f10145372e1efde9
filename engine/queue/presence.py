"""Which ``reelbot worker`` processes are alive: each beats into a Redis sorted set, the bot's ``/readyz`` reads it.

Why a set of our own rather than Dramatiq's broker heartbeats: the bot's sending broker beats there too, so a bot
with no worker at all would look served. Here only workers write, scored by the Unix time of their last beat.
"""

from __future__ import annotations

import time
from typing import Any

#: Seconds between a worker's beats.
BEAT_INTERVAL_S = 10.0
#: A worker whose latest beat is older than this many seconds is not counted as alive.
FRESH_FOR_S = 3 * BEAT_INTERVAL_S
#: Beats older than this many seconds are deleted (workers that died without saying goodbye).
FORGET_AFTER_S = 24 * 3600.0


def workers_key(queue_name: str) -> str:
    return f"reelbot:{queue_name}:workers"


def beat(client: Any, queue_name: str, worker_id: str, *, now: float | None = None) -> None:
    """Record that ``worker_id`` is alive now (a synchronous ``redis.Redis``)."""
    now = time.time() if now is None else now
    key = workers_key(queue_name)
    pipe = client.pipeline()
    pipe.zadd(key, {worker_id: now})
    pipe.zremrangebyscore(key, "-inf", now - FORGET_AFTER_S)
    pipe.execute()


def leave(client: Any, queue_name: str, worker_id: str) -> None:
    """A worker stopping on purpose leaves at once rather than going stale."""
    client.zrem(workers_key(queue_name), worker_id)


async def fresh_workers(client: Any, queue_name: str, *, max_age_s: float = FRESH_FOR_S,
                        now: float | None = None) -> int:
    """How many workers beat within ``max_age_s`` (an asyncio ``redis.asyncio.Redis``)."""
    now = time.time() if now is None else now
    return int(await client.zcount(workers_key(queue_name), now - max_age_s, "+inf"))
