"""The worker's reads and writes of Job rows (synchronous: it runs on worker threads, beside a CPU/GPU-bound engine).

Every write that ends or advances a job is *fenced*: it only applies while the row is still ``running`` under
this worker's id and attempt number. A worker presumed dead that wakes up again cannot overwrite the outcome of
the retry that replaced it, so each job's outcome is written exactly once.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Engine, create_engine, event, or_, select, update
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from engine import db as _db
from engine.queue.fairness import Waiting, batch_prefix, fair_order
from engine.queue.models import CANCELLED, FAILED, QUEUED, RUNNING, SUCCEEDED, Job, utcnow
from engine.queue.statements import claim_lock_sql, last_served_stmt, to_last_served, to_waiting, waiting_stmt

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Claimed:
    """Jobs this worker now runs, as plain values (the session that loaded them is closed)."""

    jobs: list[Job]
    worker_id: str


@dataclass(frozen=True)
class Recovered:
    requeued: list[int]
    failed: list[int]
    cancelled: list[int]


def make_sync_engine(database_url: str) -> Engine:
    """The same database through a synchronous driver, with the same SQLite settings as the async side."""
    url = _db.sync_url(database_url)
    if make_url(url).get_backend_name() == "sqlite":
        engine = create_engine(url, connect_args={"timeout": _db.SQLITE_BUSY_TIMEOUT_MS / 1000})
        # Shared with engine.db so both sides take SQLite's write lock the same way (WAL, BEGIN IMMEDIATE).
        event.listen(engine, "connect", _db._sqlite_pragmas)
        event.listen(engine, "begin", _db._sqlite_begin_immediate)
        return engine
    return create_engine(url, pool_pre_ping=True)


class ClaimStore:
    """Claims, progress, heartbeats, outcomes and recovery, each one short transaction."""

    def __init__(self, database_url: str) -> None:
        self.engine = make_sync_engine(database_url)
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)

    def close(self) -> None:
        self.engine.dispose()

    # --- reading the queue ------------------------------------------------------------------------------

    def has_waiting(self, scope: ColumnElement[bool] | None = None) -> bool:
        """Whether a job (within ``scope``, see :func:`~engine.queue.statements.claimable_by`) is queued."""
        statement = select(Job.id).where(Job.status == QUEUED)
        if scope is not None:
            statement = statement.where(scope)
        with self.sessions() as session:
            return session.scalar(statement.limit(1)) is not None

    def head(self, scope: ColumnElement[bool] | None = None) -> Job | None:
        """The job that would start next, without claiming it."""
        with self.sessions() as session:
            order = self._order(session, scope)
            return session.get(Job, order[0].id) if order else None

    # --- claiming ---------------------------------------------------------------------------------------

    def claim(
        self,
        *,
        worker_id: str,
        max_batch: int,
        batch_window_s: float,
        batch_key_of: Callable[[dict[str, Any]], str],
        total_steps_of: Callable[[dict[str, Any]], int],
        scope: ColumnElement[bool] | None = None,
    ) -> Claimed | float | None:
        """Claim the next batch in fair order: :class:`Claimed`, or seconds to wait for company, or ``None``.

        A batch shorter than ``max_batch`` is only claimed once its head has waited ``batch_window_s``; only
        jobs within ``scope`` are considered (local mode: this process's own, see ``claimable_by``).
        """
        with self.sessions() as session, session.begin():
            lock = claim_lock_sql(self.engine.dialect.name)
            if lock is not None:
                session.execute(lock)
            self._fill_batch_keys(session, batch_key_of, scope)
            waiting, created = to_waiting(session.execute(waiting_stmt(scope)).all())
            if not waiting:
                return None
            served = to_last_served(session.execute(last_served_stmt()).all())
            batch = batch_prefix(fair_order(waiting, served), max_batch)
            now = utcnow()
            if len(batch) < max_batch and batch_window_s > 0:
                waited = (now - _aware(created[batch[0].id])).total_seconds()
                if waited < batch_window_s:
                    return batch_window_s - waited
            return Claimed(self._claim(session, batch, served, worker_id, now, total_steps_of), worker_id)

    def _claim(self, session: Session, batch: list[Waiting], served, worker_id: str, now: datetime,
               total_steps_of) -> list[Job]:
        # Starts are stamped 1 us apart in fair order and after every waiting owner's last start, so the
        # round-robin memory (latest started_at per owner) sees exactly the one-at-a-time order.
        base = max([now, *(_aware(value) + timedelta(microseconds=1) for value in served.values())])
        claimed = []
        for index, waiting in enumerate(batch):
            job = session.get(Job, waiting.id)
            total = total_steps_of(job.spec)
            result = session.execute(
                update(Job)
                .where(Job.id == waiting.id, Job.status == QUEUED)
                .values(status=RUNNING, stage="denoising", worker_id=worker_id, attempts=Job.attempts + 1,
                        started_at=base + timedelta(microseconds=index), heartbeat_at=now, step=0,
                        total_steps=total, progress=0.0, eta_s=None, cancel_requested=False)
            )
            if result.rowcount:
                session.refresh(job)
                claimed.append(job)
        for job in claimed:
            session.expunge(job)
        return claimed

    def _fill_batch_keys(self, session: Session, batch_key_of, scope: ColumnElement[bool] | None = None) -> None:
        """Batch keys are computed by the engine, which only the worker has; fill any the bot left empty.

        Only within ``scope``: in local mode another process's jobs are keyed by that process's own engine.
        """
        statement = select(Job.id, Job.spec).where(Job.status == QUEUED, Job.batch_key == "")
        for job_id, spec in session.execute(statement if scope is None else statement.where(scope)):
            try:
                key = batch_key_of(spec) or f"job-{job_id}"
            except Exception:  # noqa: BLE001  (a spec the engine cannot key runs alone and fails on its own)
                key = f"job-{job_id}"
            session.execute(update(Job).where(Job.id == job_id).values(batch_key=key[:200]))

    def _order(self, session: Session, scope: ColumnElement[bool] | None = None) -> list[Waiting]:
        waiting, _ = to_waiting(session.execute(waiting_stmt(scope)).all())
        return fair_order(waiting, to_last_served(session.execute(last_served_stmt()).all()))

    # --- while running ----------------------------------------------------------------------------------

    def progress(self, jobs: dict[int, int], worker_id: str, *, step: int, total_steps: int, stage: str,
                 eta_s: float | None) -> set[int]:
        """Record a step for ``jobs`` (id -> attempt); returns the ids whose cancel was requested."""
        values = dict(step=step, total_steps=total_steps, stage=stage, eta_s=eta_s, heartbeat_at=utcnow(),
                      progress=min(1.0, step / total_steps) if total_steps else 0.0)
        return self._touch(jobs, worker_id, values)

    def heartbeat(self, jobs: dict[int, int], worker_id: str) -> set[int]:
        """Tell the world these jobs' worker is alive; returns the ids whose cancel was requested."""
        return self._touch(jobs, worker_id, {"heartbeat_at": utcnow()})

    def _touch(self, jobs: dict[int, int], worker_id: str, values: dict[str, Any]) -> set[int]:
        if not jobs:
            return set()
        with self.sessions() as session, session.begin():
            session.execute(update(Job).where(self._fence(jobs, worker_id)).values(**values))
            rows = session.execute(select(Job.id).where(Job.id.in_(list(jobs)), Job.cancel_requested.is_(True)))
            return {row.id for row in rows}

    def cancel_requested(self, job_ids: list[int]) -> set[int]:
        with self.sessions() as session:
            rows = session.execute(select(Job.id).where(Job.id.in_(job_ids), Job.cancel_requested.is_(True)))
            return {row.id for row in rows}

    # --- outcomes ---------------------------------------------------------------------------------------

    def succeed(self, job_id: int, attempt: int, worker_id: str, result: list[dict[str, Any]]) -> bool:
        return self._finish(job_id, attempt, worker_id, status=SUCCEEDED, stage="done", result=result,
                            progress=1.0, eta_s=0.0)

    def fail(self, job_id: int, attempt: int, worker_id: str, *, error_code: str, error: str) -> bool:
        return self._finish(job_id, attempt, worker_id, status=FAILED, stage="failed", error_code=error_code,
                            error=error[:2000])

    def cancelled(self, job_id: int, attempt: int, worker_id: str) -> bool:
        return self._finish(job_id, attempt, worker_id, status=CANCELLED, stage="cancelled", error_code="cancelled")

    def hand_back(self, jobs: dict[int, int], worker_id: str) -> set[int]:
        """Put this worker's running jobs back at the head of the queue, as if never claimed (a clean stop)."""
        with self.sessions() as session, session.begin():
            rows = session.execute(
                update(Job).where(self._fence(jobs, worker_id))
                .values(status=QUEUED, stage="queued", worker_id=None, attempts=Job.attempts - 1, step=0,
                        progress=0.0, eta_s=None, heartbeat_at=None, started_at=None)
                .returning(Job.id)
            ).scalars().all()
        return set(rows)

    def _finish(self, job_id: int, attempt: int, worker_id: str, **values: Any) -> bool:
        """Write the outcome if this worker still owns this attempt; False means someone else took over."""
        with self.sessions() as session, session.begin():
            now = utcnow()
            result = session.execute(
                update(Job).where(self._fence({job_id: attempt}, worker_id))
                .values(finished_at=now, heartbeat_at=now, **values)
            )
            return bool(result.rowcount)

    @staticmethod
    def _fence(jobs: dict[int, int], worker_id: str):
        return or_(*(
            (Job.id == job_id) & (Job.attempts == attempt) & (Job.status == RUNNING) & (Job.worker_id == worker_id)
            for job_id, attempt in jobs.items()
        ))

    # --- recovery ---------------------------------------------------------------------------------------

    def recover(self, stale_after_s: float) -> Recovered:
        """Jobs whose worker stopped heart-beating: back to the queue while attempts remain, else failed.

        A job whose cancel was requested is cancelled instead: nobody wants it retried.
        """
        cutoff = utcnow() - timedelta(seconds=stale_after_s)
        requeued, failed, cancelled = [], [], []
        with self.sessions() as session, session.begin():
            stale = session.execute(
                select(Job.id, Job.attempts, Job.max_attempts, Job.cancel_requested, Job.worker_id)
                .where(Job.status == RUNNING, or_(Job.heartbeat_at < cutoff, Job.heartbeat_at.is_(None)))
            ).all()
            now = utcnow()
            for row in stale:
                guard = (Job.id == row.id) & (Job.status == RUNNING) & (Job.attempts == row.attempts) & or_(
                    Job.heartbeat_at < cutoff, Job.heartbeat_at.is_(None))
                if row.cancel_requested:
                    values = dict(status=CANCELLED, stage="cancelled", error_code="cancelled", finished_at=now)
                    bucket = cancelled
                elif row.attempts < row.max_attempts:
                    values = dict(status=QUEUED, stage="queued", worker_id=None, step=0, progress=0.0,
                                  eta_s=None, heartbeat_at=None)
                    bucket = requeued
                else:
                    values = dict(status=FAILED, stage="failed", error_code="worker_lost", finished_at=now,
                                  error="the worker running this job stopped, and it has no attempts left")
                    bucket = failed
                if session.execute(update(Job).where(guard).values(**values)).rowcount:
                    log.warning("job %s: worker %s lost (attempt %s) -> %s", row.id, row.worker_id, row.attempts,
                                values["status"])
                    bucket.append(row.id)
        return Recovered(requeued, failed, cancelled)

    def get(self, job_id: int) -> Job | None:
        with self.sessions() as session:
            return session.get(Job, job_id)


def _aware(value: datetime) -> datetime:
    """SQLite hands back naive UTC; make it comparable with ``utcnow()``."""

    return value if value.tzinfo else value.replace(tzinfo=UTC)
