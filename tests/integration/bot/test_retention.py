"""Retention: clip files older than keep_days go, their rows stay (expired, file ids kept) and can be re-made
from their recipe with the same seed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.cron import CronTrigger

from bot.credits import quote
from bot.errors import UserError
from bot.models import Clip
from bot.retention import RETENTION_JOB_ID, expire_old_clips, is_expired, rerender_spec, schedule_retention
from bot.users import get_or_create_user
from engine.queue.models import SUCCEEDED, Job
from engine.specs import parse_spec

NOW = datetime(2026, 12, 2, 3, 0, tzinfo=UTC)
#: The recipe of the expired clip the conversations open.
RECIPE = {"op": "generate", "prompt": "a red ball bouncing", "settings": {"duration_s": 1, "seed": 5}}


def a_file(path: Path) -> str:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"\x00" * 16)
    return str(path)


async def clips_aged(sessions, media: Path, ages_days: list[int]) -> list[int]:
    async with sessions() as session, session.begin():
        user = await get_or_create_user(session, "telegram", "42")
        job = Job(owner=str(user.id), op="generate", status=SUCCEEDED,
                  spec={"op": "generate", "prompt": "a red ball", "settings": {"variations": 2, "seed": 7}})
        session.add(job)
        await session.flush()
        clips = [Clip(user_id=user.id, job_id=job.id, variation=i, op="generate", prompt="a red ball", seed=7 + i,
                      path=a_file(media / f"{i}.mp4"), thumbnail_path=a_file(media / f"{i}.jpg"),
                      file_ids={"telegram": f"BAAD{i}"}, created_at=NOW - timedelta(days=age))
                 for i, age in enumerate(ages_days)]
        session.add_all(clips)
        await session.flush()
        return [clip.id for clip in clips]


async def test_files_older_than_keep_days_are_deleted_and_their_clips_stay_listed_as_expired(sessions, tmp_path):
    # Given a clip 31 days old and one 29 days old
    old, recent = await clips_aged(sessions, tmp_path, [31, 29])

    # When retention keeps 30 days (twice: the second run finds nothing to do)
    first = await expire_old_clips(sessions, 30, now=NOW)
    second = await expire_old_clips(sessions, 30, now=NOW)

    # Then the old clip's files are gone, its row, seed and Telegram file id kept; the recent one is untouched
    assert (first, second) == (1, 0)
    assert not (tmp_path / "0.mp4").exists() and not (tmp_path / "0.jpg").exists()
    assert (tmp_path / "1.mp4").exists()
    async with sessions() as session:
        expired, kept = await session.get(Clip, old), await session.get(Clip, recent)
    assert is_expired(expired) and expired.file_ids == {"telegram": "BAAD0"} and expired.seed == 7
    assert not is_expired(kept)


async def test_an_expired_clip_is_re_rendered_from_its_recipe_with_its_own_seed_as_one_variation(sessions, tmp_path):
    _, second_variation = await clips_aged(sessions, tmp_path, [40, 40])
    await expire_old_clips(sessions, 30, now=NOW)

    async with sessions() as session:
        spec = await rerender_spec(session, await session.get(Clip, second_variation))

    assert spec.op == "generate" and spec.prompt == "a red ball"
    assert spec.settings.seed == 8 and spec.settings.variations == 1  # the engine gives variation i seed + i


async def test_a_clip_whose_source_file_expired_too_cannot_be_re_rendered(sessions, tmp_path):
    async with sessions() as session, session.begin():
        user = await get_or_create_user(session, "telegram", "42")
        job = Job(owner=str(user.id), op="remix", status=SUCCEEDED,
                  spec={"op": "remix", "prompt": "make it blue", "source": str(tmp_path / "gone.mp4")})
        session.add(job)
        await session.flush()
        clip = Clip(user_id=user.id, job_id=job.id, op="remix", path="")
        session.add(clip)
        await session.flush()

        with pytest.raises(UserError) as refused:
            await rerender_spec(session, clip)

    assert refused.value.code == "rerender_impossible"


async def test_the_clean_up_is_a_daily_scheduler_job_only_when_keep_days_is_set(sessions):
    scheduler = AsyncIOScheduler(timezone=UTC)

    assert schedule_retention(scheduler, sessions, None) is None
    job = schedule_retention(scheduler, sessions, 30)

    assert job.id == RETENTION_JOB_ID and isinstance(job.trigger, CronTrigger)
    assert str(job.trigger.fields[job.trigger.FIELD_NAMES.index("hour")]) == "3"
    assert [j.id for j in scheduler.get_jobs()] == [RETENTION_JOB_ID]


async def an_expired_clip_of(service, user_key: str, *, file_ids: dict | None = None) -> int:
    from bot.users import find_user

    async with service.sessions() as session, session.begin():
        user = await find_user(session, user_key)
        job = Job(owner=str(user.id), op="generate", status=SUCCEEDED,
                  spec=RECIPE)
        session.add(job)
        await session.flush()
        clip = Clip(user_id=user.id, job_id=job.id, op="generate", prompt="a red ball bouncing", seed=5, path="",
                    settings={"duration_s": 1}, file_ids=file_ids or {}, cost=2)
        session.add(clip)
        await session.flush()
        return clip.id


async def test_history_lists_an_expired_clip_and_telegram_resends_it_by_file_id(service, listen):
    from tests.integration.bot.conftest import Chat as Talk
    from tests.integration.bot.test_conversation import texts_of

    tg = Talk(service=service, user="77", chat="77", platform="telegram")
    await tg.say("hi")
    clip_id = await an_expired_clip_of(service, "telegram:77", file_ids={"telegram": "BAADkept"})

    history = texts_of(await tg.say("/history"))
    opened = await tg.say(f"#{clip_id}")

    assert f"#{clip_id}" in history and "expired" in history
    assert [(o.kind, o.clip_id, o.file_ids) for o in opened] == [("clip", clip_id, {"telegram": "BAADkept"})]


async def test_an_expired_clip_is_offered_for_re_rendering_at_its_price_and_comes_back_with_the_same_seed(
        service, listen):
    from tests.integration.bot.test_conversation import texts_of

    vic = listen("vic")
    await vic.say("hi")
    clip_id = await an_expired_clip_of(service, "console:vic")

    offer = await vic.say(f"#{clip_id}")
    button = next(b.payload for out in offer for b in out.buttons)
    price = quote(parse_spec(RECIPE), service.config.pricing)
    assert "has expired" in texts_of(offer) and f"for {price} credits" in texts_of(offer)
    assert button == f"rerender:{clip_id}"
    queued = await vic.press(button)
    done = await vic.outcome()

    assert any(out.kind == "progress" for out in queued)
    new = [out for out in done if out.kind == "clip"]
    assert len(new) == 1 and Path(new[0].clip_path).exists()
    async with service.sessions() as session:
        remade = await session.get(Clip, new[0].clip_id)
    assert remade.seed == 5 and remade.prompt == "a red ball bouncing"
