"""Work on a clock: the daily free-credit grant at UTC midnight, and clean-up jobs registered by other parts.

Restarts are safe because the grant is idempotent per user per day (ledger key ``daily:{user}:{date}``): the
scheduler also runs it once on start, so a bot that was down at midnight catches up, and a bot that was not
changes nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

from apscheduler.job import Job
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlmodel import select

from bot.credits import Credits, Ledger
from bot.models import User

log = logging.getLogger(__name__)

DAILY_GRANT_JOB_ID = "daily-free-credits"
#: A grant that fired late (event loop busy, machine asleep) still runs within this many seconds of midnight.
DAILY_GRANT_MISFIRE_GRACE_S = 6 * 3600
#: Users read per query while granting, so a large user table is not loaded at once.
GRANT_BATCH = 500


async def grant_daily_credits(
    sessions: async_sessionmaker[AsyncSession], credits: Credits, *, day: date | None = None
) -> int:
    """Give every (not blocked) user today's free credits, topped up to the cap; returns how many gained any."""
    if credits.daily_free == 0:
        return 0
    day = day or datetime.now(UTC).date()
    ledger = Ledger(sessions)
    gained, last_id = 0, 0
    while True:
        async with sessions() as session:
            statement = (
                select(User.id, User.balance)
                .where(User.id > last_id, User.blocked == False)  # noqa: E712  (SQL, not Python)
                .order_by(User.id)
                .limit(GRANT_BATCH)
            )
            batch = (await session.execute(statement)).all()
        if not batch:
            break
        for user_id, before in batch:
            after = await ledger.grant_daily(user_id, day=day, amount=credits.daily_free, cap=credits.daily_cap)
            gained += after > before
        last_id = batch[-1][0]
    log.info("daily free credits for %s: %d users topped up", day, gained)
    return gained


class BotScheduler:
    """An APScheduler 3 ``AsyncIOScheduler`` holding the bot's clock-driven jobs (start it inside the loop)."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession], credits: Credits) -> None:
        self._sessions = sessions
        self._credits = credits
        self.scheduler = AsyncIOScheduler(timezone=UTC)
        self.scheduler.add_job(
            self.grant_daily_now,
            CronTrigger(hour=0, minute=0, timezone=UTC),
            id=DAILY_GRANT_JOB_ID,
            name="daily free credits",
            misfire_grace_time=DAILY_GRANT_MISFIRE_GRACE_S,
            coalesce=True,  # several missed midnights make one run: the grant is per day anyway
            max_instances=1,
            replace_existing=True,
        )

    async def grant_daily_now(self, day: date | None = None) -> int:
        return await grant_daily_credits(self._sessions, self._credits, day=day)

    def add_cleanup_job(
        self,
        func: Callable[[], Awaitable[Any] | Any],
        interval: timedelta | float,
        *,
        job_id: str | None = None,
    ) -> Job:
        """Run ``func`` (sync or async) every ``interval`` (a timedelta or seconds), one run at a time."""
        seconds = interval.total_seconds() if isinstance(interval, timedelta) else float(interval)
        if seconds <= 0:
            raise ValueError(f"interval must be positive, got {interval!r}")
        return self.scheduler.add_job(
            func,
            IntervalTrigger(seconds=seconds, timezone=UTC),
            id=job_id or getattr(func, "__qualname__", None),
            name=getattr(func, "__qualname__", "cleanup"),
            coalesce=True,
            max_instances=1,
            misfire_grace_time=max(1, int(seconds)),
            replace_existing=True,
        )

    def start(self, *, catch_up: bool = True) -> None:
        """Start the clock; with ``catch_up``, also run today's grant now (a no-op if it already ran)."""
        if catch_up:
            self.scheduler.add_job(self.grant_daily_now, id=f"{DAILY_GRANT_JOB_ID}-catch-up", replace_existing=True)
        self.scheduler.start()

    def shutdown(self) -> None:
        if self.scheduler.running:
            self.scheduler.shutdown(wait=False)
