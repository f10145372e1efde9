"""The bot side's reads and writes of Job rows (async). The worker's half lives in ``engine.worker.claims``."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, func, select, update
from sqlalchemy.ext.asyncio import AsyncEngine

from engine.db import make_engine, make_sessionmaker
from engine.queue.errors import QueueFull
from engine.queue.fairness import Waiting, fair_order
from engine.queue.models import CANCELLED, FINISHED, QUEUED, RUNNING, Job, utcnow
from engine.queue.statements import last_served_stmt, owner_lock_sql, to_last_served, to_waiting, waiting_stmt


class JobStore:
    """Async access to the ``job`` table for the bot process."""

    def __init__(self, database_url: str) -> None:
        self.engine: AsyncEngine = make_engine(database_url)
        self.sessions = make_sessionmaker(self.engine)

    async def close(self) -> None:
        await self.engine.dispose()

    async def insert(
        self,
        *,
        owner: str,
        tier: str,
        priority: int,
        op: str,
        spec: dict[str, Any],
        meta: dict[str, Any],
        max_attempts: int,
        max_queued: int,
        submitted_by: str | None = None,
    ) -> Job:
        """A new queued job, unless ``owner`` already has ``max_queued`` waiting (then :class:`QueueFull`)."""
        async with self.sessions() as session, session.begin():
            lock = owner_lock_sql(self.engine.dialect.name, owner)
            if lock is not None:
                await session.execute(lock)
            waiting = await session.scalar(
                select(func.count()).select_from(Job).where(Job.owner == owner, Job.status == QUEUED)
            )
            if waiting >= max_queued:
                raise QueueFull(owner=owner, limit=max_queued)
            job = Job(
                owner=owner, tier=tier, priority=priority, op=op, spec=spec, meta=meta, max_attempts=max_attempts,
                submitted_by=submitted_by, heartbeat_at=utcnow(),
            )
            session.add(job)
        return job

    async def cancel(self, job_id: int) -> str | None:
        """``"cancelled"`` (it was waiting), ``"requested"`` (it is running), or ``None`` (already finished)."""
        async with self.sessions() as session, session.begin():
            done = await session.execute(
                update(Job)
                .where(Job.id == job_id, Job.status == QUEUED)
                .values(status=CANCELLED, stage=CANCELLED, finished_at=utcnow(), error_code="cancelled")
            )
            if done.rowcount:
                return "cancelled"
            asked = await session.execute(
                update(Job).where(Job.id == job_id, Job.status == RUNNING).values(cancel_requested=True)
            )
            return "requested" if asked.rowcount else None

    async def get(self, job_id: int) -> Job | None:
        async with self.sessions() as session:
            return await session.get(Job, job_id)

    async def get_many(self, job_ids: list[int]) -> list[Job]:
        if not job_ids:
            return []
        async with self.sessions() as session:
            return list((await session.scalars(select(Job).where(Job.id.in_(job_ids)))).all())

    async def fair_order(self, scope: ColumnElement[bool] | None = None) -> list[Waiting]:
        """Queued jobs (within ``scope``) in the order they will start (the computation the worker claims by)."""
        async with self.sessions() as session:
            waiting, _ = to_waiting((await session.execute(waiting_stmt(scope))).all())
            served = to_last_served((await session.execute(last_served_stmt())).all())
        return fair_order(waiting, served)

    async def undelivered(self) -> list[Job]:
        async with self.sessions() as session:
            rows = await session.scalars(
                select(Job).where(Job.status.in_(FINISHED), Job.delivered.is_(False)).order_by(Job.id)
            )
            return list(rows.all())

    async def keep_alive(self, instance_id: str) -> None:
        """Refresh the sign of life on this instance's queued jobs, so no other process adopts them."""
        async with self.sessions() as session, session.begin():
            await session.execute(
                update(Job).where(Job.status == QUEUED, Job.submitted_by == instance_id).values(heartbeat_at=utcnow())
            )

    async def release(self, instance_id: str) -> None:
        """This instance stops: its queued jobs may be adopted at once (by its own restart, or another process)."""
        async with self.sessions() as session, session.begin():
            await session.execute(
                update(Job).where(Job.status == QUEUED, Job.submitted_by == instance_id).values(heartbeat_at=None)
            )

    async def mark_delivered(self, job_id: int) -> None:
        async with self.sessions() as session, session.begin():
            await session.execute(update(Job).where(Job.id == job_id).values(delivered=True))
