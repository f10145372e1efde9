"""The daily free-credit grant and the scheduler that runs it, on real SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, timedelta

from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from bot.credits import Credits, Ledger
from bot.models import User
from bot.scheduler import DAILY_GRANT_JOB_ID, BotScheduler, grant_daily_credits
from bot.users import get_or_create_user
from engine.db import make_engine, make_sessionmaker
from reelbot.migrate import upgrade_database

CREDITS = Credits(daily_free=100, daily_cap=300)


async def users_with_balances(sessions, *balances: int, blocked: int | None = None) -> list[int]:
    ledger, ids = Ledger(sessions), []
    for n, balance in enumerate(balances):
        async with sessions() as session:
            user = await get_or_create_user(session, "telegram", str(n))
            user.blocked = n == blocked
            await session.commit()
        if balance:
            await ledger.grant(user.id, balance, key=f"seed:{n}", kind="admin")
        ids.append(user.id)
    return ids


async def balances(sessions, ids: list[int]) -> list[int]:
    async with sessions() as session:
        return [(await session.get(User, user_id)).balance for user_id in ids]


async def test_the_daily_grant_tops_every_user_up_to_the_cap_and_skips_blocked_users(sessions):
    ids = await users_with_balances(sessions, 0, 250, 400, 0, blocked=3)

    gained = await grant_daily_credits(sessions, CREDITS, day=date(2025, 3, 1))

    assert gained == 2
    assert await balances(sessions, ids) == [100, 300, 400, 0]


async def test_running_the_daily_grant_twice_on_one_day_changes_nothing(sessions):
    ids = await users_with_balances(sessions, 0, 250)
    ledger = Ledger(sessions)
    await grant_daily_credits(sessions, CREDITS, day=date(2025, 3, 1))
    await ledger.reserve(ids[1], 300, key="job:1")

    assert await grant_daily_credits(sessions, CREDITS, day=date(2025, 3, 1)) == 0  # a restart the same day
    assert await balances(sessions, ids) == [100, 0]
    assert await grant_daily_credits(sessions, CREDITS, day=date(2025, 3, 2)) == 2
    assert await balances(sessions, ids) == [200, 100]
    for user_id in ids:
        assert await ledger.balance(user_id) == await ledger.ledger_sum(user_id)


async def test_the_scheduler_registers_the_midnight_grant_and_catches_up_on_start(sqlite_url):
    upgrade_database(sqlite_url)
    engine = make_engine(sqlite_url)
    sessions = make_sessionmaker(engine)
    [user_id] = await users_with_balances(sessions, 0)
    cleaned = asyncio.Event()
    scheduler = BotScheduler(sessions, CREDITS)
    scheduler.add_cleanup_job(cleaned.set, timedelta(milliseconds=50), job_id="sweep")
    try:
        scheduler.start()

        job = scheduler.scheduler.get_job(DAILY_GRANT_JOB_ID)
        assert isinstance(job.trigger, CronTrigger)
        fields = {field.name: str(field) for field in job.trigger.fields}
        assert (fields["hour"], fields["minute"], fields["second"], fields["day"]) == ("0", "0", "0", "*")
        assert job.trigger.timezone.utcoffset(datetime.now()) == timedelta(0)
        tomorrow = (datetime.now(UTC) + timedelta(days=1)).date()
        assert job.next_run_time == datetime(tomorrow.year, tomorrow.month, tomorrow.day, tzinfo=UTC)
        assert job.coalesce and job.misfire_grace_time >= 3600 and job.max_instances == 1
        assert isinstance(scheduler.scheduler.get_job("sweep").trigger, IntervalTrigger)

        await asyncio.wait_for(cleaned.wait(), timeout=10)
        for _ in range(200):  # the catch-up grant runs as soon as the loop lets it
            if (await balances(sessions, [user_id]))[0]:
                break
            await asyncio.sleep(0.05)
        assert await balances(sessions, [user_id]) == [100]
    finally:
        scheduler.shutdown()
        await engine.dispose()
