"""The queue as the bot sees it; local and distributed modes both implement it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any, Protocol, runtime_checkable

from engine.captioner.jobs import CaptionRequest, CaptionResult
from engine.events import JobEvent
from engine.queue.models import Job


@runtime_checkable
class JobQueue(Protocol):
    async def start(self) -> None: ...

    async def close(self) -> None: ...

    async def submit(self, spec: Any, *, owner: str, tier: str = "fast", meta: dict | None = None) -> Job:
        """Queue ``spec`` for ``owner``; raises ``QueueFull`` when the owner has too many jobs waiting."""

    async def cancel(self, job_id: int) -> bool:
        """A queued job is cancelled at once; a running one stops at its next step. False if already finished."""

    async def position(self, job_id: int) -> int | None:
        """1 = next to start; ``None`` once it is not waiting."""

    def events(self) -> AsyncIterator[JobEvent]:
        """A new subscription to every job's events (positions, steps, stages, done/failed/cancelled)."""

    async def get(self, job_id: int) -> Job | None: ...

    async def undelivered(self) -> list[Job]:
        """Finished jobs (any final status) never marked delivered: re-deliver or refund them after a restart."""

    async def mark_delivered(self, job_id: int) -> None: ...

    async def caption(self, request: CaptionRequest, *, timeout_s: float = ...) -> CaptionResult:
        """Caption an image where the video model runs; a timeout or failure is a result with ``error_code``."""
