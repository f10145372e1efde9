"""What both queue modes share on the bot side: rows, positions, the event stream, and missed-event repair."""

from __future__ import annotations

import abc
import asyncio
import contextlib
import logging
import os
import socket
import uuid
from typing import Any

from pydantic import BaseModel
from sqlalchemy import ColumnElement

from engine.events import JobEvent
from engine.queue.errors import UnknownTier
from engine.queue.fairness import positions
from engine.queue.hub import FINAL_STAGES, EventHub, Subscription, final_event
from engine.queue.models import Job
from engine.queue.settings import QueueSettings
from engine.queue.store import JobStore
from engine.specs import dump_spec, parse_spec

log = logging.getLogger(__name__)

#: Seconds between checks that every job this process submitted got its final event (a pub/sub message
#: can be lost on a reconnect; the row cannot).
RECONCILE_INTERVAL_S = 5.0


def new_instance_id() -> str:
    """Names one running queue (one process): ``host:pid:random``, recorded on the jobs it submits."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"[:128]


class BaseQueue(abc.ABC):
    """Implements :class:`engine.queue.JobQueue` except how a worker is told about new work (``_wake``)."""

    def __init__(self, *, database_url: str, settings: QueueSettings,
                 reconcile_interval_s: float = RECONCILE_INTERVAL_S, instance_id: str | None = None) -> None:
        self.database_url = database_url
        self.settings = settings
        self.instance_id = instance_id or new_instance_id()
        self.reconcile_interval_s = reconcile_interval_s
        self.store: JobStore | None = None
        self.hub: EventHub | None = None
        self._shown_positions: dict[int, int] = {}
        self._inflight: set[int] = set()
        self._refresh_pending = False
        self._refresh_lock = asyncio.Lock()
        self._tasks: list[asyncio.Task] = []
        self._closing = False

    # --- life cycle -------------------------------------------------------------------------------------

    async def start(self) -> None:
        self.store = JobStore(self.database_url)
        self.hub = EventHub()
        self.hub.listeners.append(self._observe)
        self._tasks.append(asyncio.create_task(self._reconcile_forever(), name="queue-reconcile"))

    async def close(self) -> None:
        # No new background work from here on: an event a worker thread emitted just before it stopped can still
        # arrive and would start a position refresh that outlives the store (then, cancelled at the event loop's
        # end, its session waits forever on a connection the store's dispose already closed).
        self._closing = True
        while self._tasks:
            tasks, self._tasks[:] = list(self._tasks), []
            for task in tasks:
                task.cancel()
            for task in tasks:
                with contextlib.suppress(asyncio.CancelledError):
                    await task
        if self.hub is not None:
            self.hub.close()
        if self.store is not None:
            await self.store.close()

    # --- the JobQueue API -------------------------------------------------------------------------------

    async def submit(self, spec: Any, *, owner: str, tier: str = "fast", meta: dict | None = None) -> Job:
        if tier not in self.settings.tiers:
            raise UnknownTier(f"unknown tier {tier!r}; configured: {', '.join(self.settings.tiers)}")
        spec = parse_spec(spec) if not isinstance(spec, BaseModel) else spec
        job = await self.store.insert(
            owner=owner,
            tier=tier,
            priority=self.settings.tiers[tier],
            op=spec.op,
            spec=dump_spec(spec),
            meta=dict(meta or {}),
            max_attempts=self.settings.max_attempts,
            max_queued=self.settings.max_queued_per_owner,
            submitted_by=self.instance_id,
        )
        self._inflight.add(job.id)
        await self._wake(job.id)
        self._schedule_refresh()
        return job

    async def cancel(self, job_id: int) -> bool:
        outcome = await self.store.cancel(job_id)
        if outcome == "cancelled":
            self.hub.emit(JobEvent(job_id=job_id, stage="cancelled", error_code="cancelled"))
            self._schedule_refresh()
        return outcome is not None

    async def position(self, job_id: int) -> int | None:
        return positions(await self.store.fair_order(self._scope())).get(job_id)

    def events(self) -> Subscription:
        return self.hub.subscribe()

    async def get(self, job_id: int) -> Job | None:
        return await self.store.get(job_id)

    async def undelivered(self) -> list[Job]:
        return await self.store.undelivered()

    async def mark_delivered(self, job_id: int) -> None:
        await self.store.mark_delivered(job_id)

    # --- for subclasses ---------------------------------------------------------------------------------

    @abc.abstractmethod
    async def _wake(self, job_id: int) -> None:
        """Tell a worker there is work (local: set an event; distributed: a Dramatiq message)."""

    def _scope(self) -> ColumnElement[bool] | None:
        """The queued jobs this process's workers take (so positions count only those); ``None``: all of them."""
        return None

    # --- positions --------------------------------------------------------------------------------------

    def _observe(self, event: JobEvent) -> None:
        """Runs for every event before subscribers see it: keeps positions and in-flight bookkeeping true."""
        if event.stage in FINAL_STAGES:
            self._inflight.discard(event.job_id)
        if event.stage == "queued" and event.position is None:
            self._schedule_refresh()  # a worker put a job back (lost worker)
        elif event.job_id in self._shown_positions and event.stage != "queued":
            del self._shown_positions[event.job_id]
            self._schedule_refresh()  # it left the queue, everyone behind it moved up

    def _schedule_refresh(self) -> None:
        if not self._refresh_pending and not self._closing:
            self._refresh_pending = True
            self._tasks.append(asyncio.create_task(self._refresh_positions()))
            self._tasks[:] = [task for task in self._tasks if not task.done()]

    async def _refresh_positions(self) -> None:
        """Emit a ``queued`` event for each waiting job whose place changed since it was last shown."""
        async with self._refresh_lock:  # one at a time, or an older reading could overwrite a newer one
            self._refresh_pending = False
            try:
                current = positions(await self.store.fair_order(self._scope()))
            except Exception:  # noqa: BLE001  (positions are a courtesy; never break the caller over them)
                log.exception("could not compute queue positions")
                return
            self._emit_positions(current)

    def _emit_positions(self, current: dict[int, int]) -> None:
        for job_id in [job_id for job_id in self._shown_positions if job_id not in current]:
            del self._shown_positions[job_id]
        for job_id, place in current.items():
            if self._shown_positions.get(job_id) != place:
                self._shown_positions[job_id] = place
                self.hub.emit(JobEvent(job_id=job_id, stage="queued", position=place))

    # --- repair ----------------------------------------------------------------------------------------

    async def _reconcile_forever(self) -> None:
        while True:
            await asyncio.sleep(self.reconcile_interval_s)
            try:
                await self._reconcile()
            except Exception:  # noqa: BLE001
                log.exception("queue reconcile failed; will try again")

    async def _reconcile(self) -> None:
        """Send the final event of any job submitted here that finished without one reaching us."""
        for job in await self.store.get_many(sorted(self._inflight)):
            event = final_event(job)
            if event is not None and job.id in self._inflight:
                log.warning("job %s finished without a live event; sending it from the row", job.id)
                self.hub.emit(event)
