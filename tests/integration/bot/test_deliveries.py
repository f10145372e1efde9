"""Deliveries (bot.deliveries) on the real core: job events become paced progress, recorded clips settled on the
ledger, or refunds; each outcome once. The events are made here; the service's own worker stays idle."""

from __future__ import annotations

import asyncio
import contextlib

import pytest

from bot.job_context import JobContext
from bot.messages import Incoming
from bot.models import Clip
from engine.events import JobEvent, RenderedClip

#: Job ids no real job has: the queue knows nothing of them, the deliveries know them from ``submitted``.
JOB, OTHER_JOB = 900_001, 900_002


async def _user(service, name: str) -> int:
    await service.handle(Incoming(platform="console", chat_id=f"chat-{name}", user_id=name, text="hi"))
    turn = await service.turn(Incoming(platform="console", chat_id=f"chat-{name}", user_id=name))
    return turn.user.id


async def _context(service, name: str, reservation: str, cost: int, variations: int = 1) -> JobContext:
    user_id = await _user(service, name)
    await service.ledger.reserve(user_id, cost, key=reservation)
    return JobContext(platform="console", chat_id=f"chat-{name}", user_id=user_id, reservation=reservation,
                      cost=cost, prompt="a red ball", what="video", op="generate",
                      clip_settings={"aspect": "1:1", "resolution": "480p", "duration_s": 2, "variations": variations})


async def _taken(service) -> list:
    return [await service.outbox.next("console") for _ in range(service.pending("console"))]


def _rendered(tmp_path, name: str) -> RenderedClip:
    path = tmp_path / name
    path.write_bytes(b"\x00" * 64)
    return RenderedClip(path=str(path), width=64, height=64, num_frames=9, fps=8, duration_s=1.1, size_bytes=64, seed=1)


async def test_a_finished_job_is_recorded_charged_once_and_shown_under_its_final_board(service, tmp_path):
    context = await _context(service, "dora", "job:test:1", cost=40, variations=2)
    before = await service.ledger.balance(context.user_id)
    service.deliveries.submitted(JOB, context)

    done = JobEvent(job_id=JOB, stage="done", clips=[_rendered(tmp_path, "a.mp4")])
    await service.deliveries.on_event(done)
    await service.deliveries.on_event(done)  # a repeat of a finished job's event is ignored
    service.deliveries.submitted(JOB, context)  # seen once more, as a rescan of the rows would
    await service.deliveries.on_event(done)

    outs = await _taken(service)
    assert [out.kind for out in outs] == ["progress", "clip"]  # shown once in this process
    assert outs[0].done and outs[0].progress_key == f"job:{JOB}"
    async with service.sessions() as session:
        clips = (await session.execute(Clip.__table__.select().where(Clip.job_id == JOB))).all()
    assert len(clips) == 1  # recorded once, however often the outcome is seen
    # One of two versions came out: half the price is charged, the rest goes back.
    assert await service.ledger.balance(context.user_id) == before + 20
    assert await service.ledger.ledger_sum(context.user_id) == await service.ledger.balance(context.user_id)


async def test_a_failed_job_is_refunded_and_explained_in_the_users_language(service):
    context = (await _context(service, "wei", "job:test:2", cost=30)).model_copy(update={"lang": "zh"})
    before = await service.ledger.balance(context.user_id)
    service.deliveries.submitted(OTHER_JOB, context)

    await service.deliveries.on_event(JobEvent(job_id=OTHER_JOB, stage="failed", error_code="out_of_memory"))

    final, text = await _taken(service)
    assert final.kind == "progress" and final.done and final.text == text.text
    assert "30" in text.text and any("\u4e00" <= ch <= "\u9fff" for ch in text.text)
    assert await service.ledger.balance(context.user_id) == before + 30


async def test_progress_is_paced_and_names_the_board_the_core_remembers(service):
    context = await _context(service, "omar", "job:test:3", cost=10)
    service.deliveries.submitted(JOB, context)  # the queued reply just showed the board
    await service.remember_progress_message("console", f"job:{JOB}", context.chat_id, "m-77")

    for fraction in (0.1, 0.2, 0.3):
        await service.deliveries.on_event(JobEvent(job_id=JOB, stage="denoising", progress=fraction))
    assert await _taken(service) == []  # within the interval of the queued reply
    await asyncio.sleep(service.deliveries.pacer._interval_s + 0.5)

    (shown,) = await _taken(service)
    assert "30%" in shown.text and shown.edit_message_id == "m-77"
    assert [button.payload for button in shown.buttons] == [f"cancel:{JOB}"]


@pytest.mark.slow
async def test_a_job_another_local_process_rendered_reaches_its_chat_from_the_rows_once(bot_settings):
    """Given two processes on one database, one of them serving Telegram; when the other takes a Telegram
    message and renders its clip, then the serving one's subscription shows it within a rescan, exactly once."""
    from reelbot.app import running_service
    from tests.integration.bot.conftest import JOB_TIMEOUT_S

    async with running_service(bot_settings) as serving, running_service(bot_settings) as other:
        serving.outbox.rescan_every_s = 0.2
        stream = serving.subscribe("telegram")
        first = asyncio.create_task(anext(stream))
        said = await other.handle(Incoming(platform="telegram", chat_id="501", user_id="501", user_name="Ada",
                                           text="a red ball bouncing, 2 s"))
        assert any(out.kind == "progress" for out in said), said  # queued in the other process

        shown = [await asyncio.wait_for(first, JOB_TIMEOUT_S)]
        while shown[-1].kind != "clip":
            shown.append(await asyncio.wait_for(anext(stream), 30))
        clip = shown[-1]
        assert shown[0].kind == "progress" and shown[0].done and clip.chat_id == "501"
        await serving.remember_message("telegram", "501", "m-1", clip.clip_id)  # the adapter sent it

        more = asyncio.create_task(anext(stream))
        await asyncio.sleep(1.0)  # several rescans
        assert not more.done() and serving.pending("telegram") == 0  # nothing shown twice
        more.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await more  # ends the subscription and its rescans
        assert await serving.queue.undelivered() == []


@pytest.mark.slow
async def test_a_failure_rendered_for_a_platform_another_process_serves_is_left_for_that_process_to_tell(bot_settings):
    """Given two processes on one database, one of them serving Telegram; when a Telegram job taken by the other is
    cancelled there, then the other refunds it but leaves it undelivered, and the serving one tells the chat."""
    from reelbot.app import running_service
    from tests.integration.bot.conftest import JOB_TIMEOUT_S

    async with running_service(bot_settings) as serving, running_service(bot_settings) as other:
        serving.outbox.rescan_every_s = 0.2
        said = await other.handle(Incoming(platform="telegram", chat_id="502", user_id="502", user_name="Bo",
                                           text="a blue kite rising, 2 s"))
        (board,) = [out for out in said if out.kind == "progress"]
        job_id = int(board.progress_key.removeprefix("job:"))
        await other.handle(Incoming(platform="telegram", chat_id="502", user_id="502", button=f"cancel:{job_id}"))

        async def ended() -> None:
            while (await other.queue.get(job_id)).status not in ("cancelled", "succeeded"):
                await asyncio.sleep(0.1)

        await asyncio.wait_for(ended(), JOB_TIMEOUT_S)
        await asyncio.sleep(0.5)  # the other process heard the outcome
        if (await other.queue.get(job_id)).status == "succeeded":
            pytest.fail("the job finished before it could be cancelled")
        assert job_id in {job.id for job in await other.queue.undelivered()}  # no Telegram adapter there

        stream = serving.subscribe("telegram")
        shown = [await asyncio.wait_for(anext(stream), 30)]
        while shown[-1].kind != "text":
            shown.append(await asyncio.wait_for(anext(stream), 30))
        assert shown[-1].chat_id == "502" and "cancel" in shown[-1].text.lower()
        await asyncio.sleep(0.3)
        assert job_id not in {job.id for job in await serving.queue.undelivered()}
        await stream.aclose()
