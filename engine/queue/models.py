"""The Job row: the durable truth about one piece of GPU work."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, Column, Index
from sqlmodel import Field, SQLModel

from engine import db as _db  # noqa: F401  (sets the naming convention before tables are declared)

QUEUED, RUNNING, SUCCEEDED, FAILED, CANCELLED = "queued", "running", "succeeded", "failed", "cancelled"
JOB_STATUSES = (QUEUED, RUNNING, SUCCEEDED, FAILED, CANCELLED)
FINISHED = (SUCCEEDED, FAILED, CANCELLED)


def utcnow() -> datetime:
    """Aware UTC: SQLModel maps ``datetime`` fields to ``UTCDateTime``, which refuses naive values."""
    return datetime.now(UTC)


class Job(SQLModel, table=True):
    """One request to the engine. ``owner`` is opaque to the engine (the bot stores its user id there)."""

    __tablename__ = "job"
    __table_args__ = (
        Index("ix_job_status_tier_created", "status", "priority", "created_at"),
        Index("ix_job_owner_status", "owner", "status"),
    )

    id: int | None = Field(default=None, primary_key=True)
    owner: str = Field(max_length=64)
    tier: str = Field(default="fast", max_length=32)
    #: Lower runs first; copied from the tier when the job is queued.
    priority: int = 0
    op: str = Field(max_length=16)
    spec: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    #: Jobs with the same key can run as one pipeline call.
    batch_key: str = Field(default="", max_length=200)
    status: str = Field(default=QUEUED, max_length=16)
    attempts: int = 0
    max_attempts: int = 2
    progress: float = 0.0
    step: int = 0
    total_steps: int = 0
    stage: str = Field(default="queued", max_length=16)
    eta_s: float | None = None
    error: str | None = Field(default=None, max_length=2000)
    error_code: str | None = Field(default=None, max_length=64)
    #: RenderedClip dicts once the job succeeded.
    result: list[dict[str, Any]] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    #: Caller's context (which chat to answer, which message shows progress); the engine only carries it.
    meta: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    worker_id: str | None = Field(default=None, max_length=128)
    #: The queue instance (process) that submitted the job. In local mode a process renders only its own jobs
    #: and those no live process owns; while queued, ``heartbeat_at`` is that submitter's sign of life.
    submitted_by: str | None = Field(default=None, max_length=128)
    cancel_requested: bool = False
    #: Set by the caller once the result reached the user, so a restart delivers what was never delivered.
    delivered: bool = False
    created_at: datetime = Field(default_factory=utcnow)
    started_at: datetime | None = None
    heartbeat_at: datetime | None = None
    finished_at: datetime | None = None
