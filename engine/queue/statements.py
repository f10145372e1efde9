"""SQL shared by the bot side (async sessions) and the worker (sync sessions), so both read the same queue."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, func, or_, select, text

from engine.queue.fairness import Waiting
from engine.queue.models import CANCELLED, FAILED, QUEUED, RUNNING, SUCCEEDED, Job, utcnow

#: Key of the PostgreSQL advisory lock that serialises claims (fair order needs the whole queue at once).
CLAIM_LOCK_KEY = 0x7265656C  # "reel"


def waiting_stmt(scope: ColumnElement[bool] | None = None) -> Select:
    """Every queued job (within ``scope``, see :func:`claimable_by`), oldest first, with what ordering needs."""
    statement = (
        select(Job.id, Job.owner, Job.priority, Job.batch_key, Job.created_at)
        .where(Job.status == QUEUED)
        .order_by(Job.id)
    )
    return statement if scope is None else statement.where(scope)


def claimable_by(instance_id: str | None, *, stale_after_s: float) -> ColumnElement[bool] | None:
    """The queued jobs a local-mode process may render: its own, and those no live process owns.

    A queued job's ``heartbeat_at`` is its submitter's sign of life (set on submit, refreshed while the
    submitter runs, cleared when it stops), so a job whose submitter stopped or died is adopted by whichever
    process is still running. ``None`` (distributed mode: any worker takes any job) means no restriction.
    """
    if instance_id is None:
        return None
    cutoff = utcnow() - timedelta(seconds=stale_after_s)
    return or_(
        Job.submitted_by == instance_id,
        Job.submitted_by.is_(None),
        Job.heartbeat_at.is_(None),
        Job.heartbeat_at < cutoff,
    )


def last_served_stmt() -> Select:
    """``(owner, priority, last start)`` for every owner who has a job waiting."""
    waiting_owners = select(Job.owner).where(Job.status == QUEUED).distinct()
    return (
        select(Job.owner, Job.priority, func.max(Job.started_at))
        .where(Job.started_at.is_not(None), Job.owner.in_(waiting_owners))
        .group_by(Job.owner, Job.priority)
    )


def to_waiting(rows: Iterable[Any]) -> tuple[list[Waiting], dict[int, datetime]]:
    """Rows of :func:`waiting_stmt` as ordering inputs, plus each job's ``created_at``."""
    waiting, created = [], {}
    for row in rows:
        waiting.append(Waiting(id=row.id, owner=row.owner, priority=row.priority, batch_key=row.batch_key))
        created[row.id] = row.created_at
    return waiting, created


def to_last_served(rows: Iterable[Any]) -> dict[tuple[str, int], datetime]:
    return {(owner, priority): served for owner, priority, served in rows}


def claim_lock_sql(dialect: str):
    """The statement that serialises claimers on PostgreSQL; SQLite's BEGIN IMMEDIATE already does."""
    if dialect == "postgresql":
        return text("SELECT pg_advisory_xact_lock(:key)").bindparams(key=CLAIM_LOCK_KEY)
    return None


def owner_lock_sql(dialect: str, owner: str):
    """Serialises one owner's submissions on PostgreSQL so the per-owner cap cannot be overshot."""
    if dialect == "postgresql":
        return text("SELECT pg_advisory_xact_lock(hashtext(:owner))").bindparams(owner=owner)
    return None


__all__ = [
    "CANCELLED",
    "FAILED",
    "QUEUED",
    "RUNNING",
    "SUCCEEDED",
    "claim_lock_sql",
    "claimable_by",
    "last_served_stmt",
    "owner_lock_sql",
    "to_last_served",
    "to_waiting",
    "waiting_stmt",
]
