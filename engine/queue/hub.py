"""Fan-out of job events to every ``events()`` subscriber in the bot process, from any thread."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator

from engine.events import JobEvent, RenderedClip
from engine.queue.models import CANCELLED, FAILED, SUCCEEDED, Job

log = logging.getLogger(__name__)

#: Stages after which a job changes no more.
FINAL_STAGES = ("done", "failed", "cancelled")


class Subscription:
    """One reader of the event stream; registered when created, so nothing emitted after ``events()`` is missed."""

    def __init__(self, hub: "EventHub") -> None:
        self._hub = hub
        self._queue: asyncio.Queue[JobEvent | None] = asyncio.Queue()

    def __aiter__(self) -> AsyncIterator[JobEvent]:
        return self

    async def __anext__(self) -> JobEvent:
        event = await self._queue.get()
        if event is None:
            raise StopAsyncIteration
        return event

    async def aclose(self) -> None:
        self._hub.unsubscribe(self)

    def _put(self, event: JobEvent | None) -> None:
        self._queue.put_nowait(event)


class EventHub:
    """Delivers each event to every subscription, on the event loop that created the hub."""

    def __init__(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._subscriptions: list[Subscription] = []
        self.listeners: list = []  # plain callables run first, on the loop (position tracking, bookkeeping)

    def subscribe(self) -> Subscription:
        subscription = Subscription(self)
        self._subscriptions.append(subscription)
        return subscription

    def unsubscribe(self, subscription: Subscription) -> None:
        if subscription in self._subscriptions:
            self._subscriptions.remove(subscription)
            subscription._put(None)

    def emit(self, event: JobEvent) -> None:
        """Deliver now; call on the hub's loop."""
        for listener in self.listeners:
            try:
                listener(event)
            except Exception:  # noqa: BLE001  (a broken listener must not stop delivery)
                log.exception("event listener failed for job %s", event.job_id)
        for subscription in list(self._subscriptions):
            subscription._put(event)

    def emit_threadsafe(self, event: JobEvent) -> None:
        """Deliver from another thread (the local worker)."""
        if not self._loop.is_closed():
            self._loop.call_soon_threadsafe(self.emit, event)

    def close(self) -> None:
        for subscription in list(self._subscriptions):
            self.unsubscribe(subscription)


def final_event(job: Job) -> JobEvent | None:
    """The event that reports a finished row (re-sent when a live event was missed); ``None`` if not finished."""
    if job.status == SUCCEEDED:
        clips = [RenderedClip.model_validate(clip) for clip in job.result or []]
        return JobEvent(job_id=job.id, stage="done", progress=1.0, clips=clips, total_steps=job.total_steps,
                        step=job.total_steps)
    if job.status == FAILED:
        return JobEvent(job_id=job.id, stage="failed", error=job.error, error_code=job.error_code or "failed")
    if job.status == CANCELLED:
        return JobEvent(job_id=job.id, stage="cancelled", error_code="cancelled")
    return None
