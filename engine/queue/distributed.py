"""Distributed mode: the bot writes rows and sends Dramatiq wake-ups; ``reelbot worker`` processes run the jobs.

A message carries a job id but is only a wake-up: the worker claims the *fairest* queued job from the database
(possibly another one), so fairness and batching hold across any number of workers. Progress comes back on a
Redis pub/sub channel. This module never imports torch or the engine's runner.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from typing import Any

from engine.captioner.jobs import CaptionRequest, CaptionResult
from engine.events import JobEvent
from engine.queue.base import BaseQueue
from engine.queue.captions import CAPTION_TIMEOUT_S, failed, timed_out
from engine.queue.channels import (
    CAPTION_ACTOR,
    DEFAULT_QUEUE_NAME,
    DRAMATIQ_NAMESPACE,
    WAKE_ACTOR,
    caption_queue,
    caption_reply_key,
    events_channel,
)
from engine.queue.settings import QueueSettings

log = logging.getLogger(__name__)

#: Seconds between attempts to re-subscribe after Redis went away.
RESUBSCRIBE_DELAY_S = 1.0


class DistributedQueue(BaseQueue):
    def __init__(self, *, database_url: str, redis_url: str, settings: QueueSettings,
                 queue_name: str = DEFAULT_QUEUE_NAME, **kwargs: Any) -> None:
        super().__init__(database_url=database_url, settings=settings, **kwargs)
        self.redis_url = redis_url
        self.queue_name = queue_name
        self.broker = None
        self._subscribed = asyncio.Event()

    async def start(self) -> None:
        from dramatiq.brokers.redis import RedisBroker

        await super().start()
        # No middleware: this broker only sends, it never runs actors.
        self.broker = RedisBroker(url=self.redis_url, namespace=DRAMATIQ_NAMESPACE, middleware=[])
        self.broker.declare_queue(self.queue_name)
        self.broker.declare_queue(caption_queue(self.queue_name))
        self._tasks.append(asyncio.create_task(self._listen(), name="queue-events"))
        await asyncio.wait_for(self._subscribed.wait(), timeout=10)
        # Wake-ups may have been lost with Redis (restart without persistence): one per waiting job is enough,
        # extra ones find nothing to claim.
        for waiting in await self.store.fair_order():
            await self._wake(waiting.id)

    async def close(self) -> None:
        await super().close()
        if self.broker is not None:
            await asyncio.to_thread(self.broker.close)

    async def _wake(self, job_id: int) -> None:
        from dramatiq import Message

        message = Message(queue_name=self.queue_name, actor_name=WAKE_ACTOR, args=(job_id,), kwargs={}, options={})
        await asyncio.to_thread(self.broker.enqueue, message)

    async def caption(self, request: CaptionRequest, *, timeout_s: float = CAPTION_TIMEOUT_S) -> CaptionResult:
        """Ask a worker's caption actor and wait for its reply on the request's own Redis list."""
        import redis.asyncio as aioredis
        from dramatiq import Message

        request_id = uuid.uuid4().hex
        # A request nobody picked up in time is dropped by the worker (Dramatiq's age limit), not captioned late.
        message = Message(queue_name=caption_queue(self.queue_name), actor_name=CAPTION_ACTOR,
                          args=(request_id, request.model_dump()), kwargs={},
                          options={"max_age": int(timeout_s * 1000)})
        client = aioredis.Redis.from_url(self.redis_url)
        try:
            await asyncio.to_thread(self.broker.enqueue, message)
            popped = await client.blpop([caption_reply_key(self.queue_name, request_id)], timeout=timeout_s)
        except Exception as exc:  # noqa: BLE001  (Redis away: the card keeps an empty text)
            log.warning("caption request %s failed: %s", request_id, exc)
            return failed(request, exc)
        finally:
            with contextlib.suppress(Exception):
                await client.aclose()
        if popped is None:
            return timed_out(request, timeout_s)
        return CaptionResult.model_validate_json(popped[1])

    async def _listen(self) -> None:
        """Forward every event the workers publish to this process's subscribers, re-subscribing on errors."""
        import redis.asyncio as aioredis

        channel = events_channel(self.queue_name)
        while True:
            client = aioredis.Redis.from_url(self.redis_url)
            try:
                async with client.pubsub() as pubsub:
                    await pubsub.subscribe(channel)
                    self._subscribed.set()
                    async for message in pubsub.listen():
                        if message.get("type") != "message":
                            continue
                        try:
                            event = JobEvent.model_validate_json(message["data"])
                        except ValueError:
                            log.warning("ignoring a malformed event on %s", channel)
                            continue
                        self.hub.emit(event)
            except asyncio.CancelledError:
                raise
            except Exception:  # noqa: BLE001  (Redis restarts; missed final events are repaired from rows)
                log.exception("event subscription to %s broke; re-subscribing", channel)
                await asyncio.sleep(RESUBSCRIBE_DELAY_S)
            finally:
                with contextlib.suppress(Exception):
                    await client.aclose()
