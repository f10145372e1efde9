"""Retention: clip files older than ``[media] keep_days`` are deleted by a daily job, so disks do not fill.

The clip row stays: history lists it as expired (an expired clip is one whose ``path`` is empty), its platform
file ids stay (Telegram re-sends a clip it still holds without our file), and its recipe stays with its job,
so it can be re-rendered with the same seed for its price (:func:`rerender_spec`).
"""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from apscheduler.triggers.cron import CronTrigger
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlmodel import select

from bot.errors import UserError
from bot.models import Clip
from engine.queue.models import Job
from engine.specs import JobSpec, parse_spec

log = logging.getLogger(__name__)

RETENTION_JOB_ID = "clip-retention"
#: When the daily clean-up runs (UTC): away from the midnight credit grant.
RETENTION_HOUR_UTC = 3
#: Clips expired per transaction, so a first run on a large table does not hold SQLite's lock for long.
EXPIRE_BATCH = 200


def is_expired(clip: Clip) -> bool:
    """The clip's file was deleted by retention (its row, recipe and platform file ids remain)."""
    return not clip.path


async def expire_old_clips(sessions: async_sessionmaker[AsyncSession], keep_days: int, *,
                           now: datetime | None = None) -> int:
    """Delete the files of clips older than ``keep_days`` and mark them expired; returns how many."""
    cutoff = (now or datetime.now(UTC)) - timedelta(days=keep_days)
    expired = 0
    while True:
        async with sessions() as session, session.begin():
            statement = (select(Clip).where(Clip.created_at < cutoff, Clip.path != "")
                         .order_by(Clip.id).limit(EXPIRE_BATCH))
            clips = list((await session.execute(statement)).scalars())
            files = [p for clip in clips for p in (clip.path, clip.thumbnail_path) if p]
            for clip in clips:
                clip.path, clip.thumbnail_path = "", None
        # The rows commit first: a crash in between leaves stray files (the next run cannot see them), never
        # a clip whose file is missing but which history still offers as there.
        await asyncio.to_thread(_unlink, files)
        expired += len(clips)
        if len(clips) < EXPIRE_BATCH:
            break
    if expired:
        log.info("retention: %d clip file(s) older than %d days deleted", expired, keep_days)
    return expired


def _unlink(paths: list[str]) -> None:
    for path in paths:
        Path(path).unlink(missing_ok=True)


def schedule_retention(scheduler: Any, sessions: async_sessionmaker[AsyncSession], keep_days: int | None) -> Any:
    """Add the daily clean-up to an APScheduler scheduler (``BotScheduler.scheduler``); ``None`` when off."""
    if not keep_days:
        return None

    async def run() -> int:
        return await expire_old_clips(sessions, keep_days)

    return scheduler.add_job(
        run, CronTrigger(hour=RETENTION_HOUR_UTC, minute=0, timezone=UTC), id=RETENTION_JOB_ID,
        name="clip retention", misfire_grace_time=12 * 3600, coalesce=True, max_instances=1, replace_existing=True,
    )


async def rerender_spec(session: AsyncSession, clip: Clip) -> JobSpec:
    """The spec that makes ``clip`` again: its job's recipe, one variation, the clip's own seed.

    Raises ``UserError("rerender_impossible")`` when the recipe is gone or a clip it was made from has expired.
    """
    job = await session.get(Job, clip.job_id) if clip.job_id is not None else None
    if job is None or not job.spec:
        raise UserError("rerender_impossible", clip=clip.id)
    data = dict(job.spec)
    data["settings"] = {**data.get("settings", {}), "seed": clip.seed, "variations": 1}
    spec = parse_spec(data)
    for source in _sources(data):
        if not Path(source).exists():
            raise UserError("rerender_impossible", clip=clip.id)
    return spec


def _sources(spec: dict[str, Any]) -> list[str]:
    """Input files a recipe needs (source clips, images, storyboard card images)."""
    found = [spec[key] for key in ("source", "source_b", "image", "video") if isinstance(spec.get(key), str)]
    found += [card["image"] for card in spec.get("cards") or [] if isinstance(card, dict) and card.get("image")]
    return found
