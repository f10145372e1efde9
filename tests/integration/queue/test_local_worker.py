"""Local mode on the tiny pipeline: batching, cancellation, timeouts, failures, and recovery after a restart."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path

from engine.modes import make_queue
from engine.queue.models import Job, utcnow
from engine.specs import Animate, Generate, Settings
from tests.integration.queue.conftest import collect_until_final, fast_settings
from tests.integration.queue.renderer import QuickRenderer


def one_second(seed: int | None = None) -> Settings:
    return Settings(duration_s=1, seed=seed)


async def test_eight_compatible_jobs_run_in_batches_and_each_gets_its_own_clip(sqlite_db, tiny_engine_factory):
    # Given 8 compatible jobs from 8 users, queued within the batch window
    queue = make_queue(database_url=sqlite_db, redis_url=None, engine_factory=tiny_engine_factory(max_batch=4),
                       settings=fast_settings(max_batch=4, batch_window_s=3.0))
    await queue.start()
    try:
        events = queue.events()
        jobs = [await queue.submit(Generate(prompt="a cat", settings=one_second(seed=1000 + i)), owner=f"u{i}")
                for i in range(8)]
        # When the worker runs them
        seen = await collect_until_final(events, {job.id for job in jobs}, timeout=120)
        # Then fewer pipeline calls than jobs, and every job got its own file, made with its own seed
        assert queue.engine.pipeline_calls < 8
        paths = set()
        for index, job in enumerate(jobs):
            done = [event for event in seen[job.id] if event.stage == "done"]
            assert len(done) == 1 and len(done[0].clips) == 1
            clip = done[0].clips[0]
            assert clip.seed == 1000 + index and Path(clip.path).stat().st_size > 0
            paths.add(clip.path)
            row = await queue.get(job.id)
            assert row.status == "succeeded" and row.result[0]["path"] == clip.path
        assert len(paths) == 8
    finally:
        await queue.close()


async def test_cancelling_a_queued_and_a_running_job_cancels_both_and_the_running_one_stops_within_a_step(
    sqlite_db, tiny_engine_factory
):
    queue = make_queue(database_url=sqlite_db, redis_url=None, engine_factory=tiny_engine_factory(steps=40),
                       settings=fast_settings(max_batch=1))
    await queue.start()
    try:
        events = queue.events()
        running = await queue.submit(Generate(prompt="a cat", settings=one_second()), owner="ann")
        waiting = await queue.submit(Generate(prompt="a dog", settings=one_second()), owner="bob")
        # Given the first job is past its first step
        async for event in events:
            if event.job_id == running.id and event.stage == "denoising" and (event.step or 0) >= 1:
                break
        # When both are cancelled
        assert await queue.cancel(waiting.id) is True
        assert (await queue.get(waiting.id)).status == "cancelled"  # at once, it never ran
        assert await queue.cancel(running.id) is True
        step_when_asked = (await queue.get(running.id)).step
        seen = await collect_until_final(events, {running.id, waiting.id}, timeout=60)
        # Then both end cancelled; the running one did at most one more step
        final = await queue.get(running.id)
        assert final.status == "cancelled" and final.step <= step_when_asked + 1 < final.total_steps
        assert seen[waiting.id][-1].stage == "cancelled" and seen[running.id][-1].stage == "cancelled"
        assert (await queue.get(waiting.id)).started_at is None
        assert await queue.cancel(running.id) is False  # finished jobs cannot be cancelled again
        assert {job.id for job in await queue.undelivered()} == {running.id, waiting.id}  # the bot refunds these
    finally:
        await queue.close()


async def test_a_job_over_its_time_limit_fails_with_timeout(sqlite_db, tmp_path):
    from tests.integration.queue.renderer import QuickRenderer

    # 40 steps of 50 ms take 2 s, far over the 0.3 s limit however fast or loaded this machine is.
    renderer = QuickRenderer(tmp_path / "media", steps=40, step_s=0.05)
    queue = make_queue(database_url=sqlite_db, redis_url=None, engine_factory=lambda: renderer,
                       settings=fast_settings(job_timeout_s=0.3))
    await queue.start()
    try:
        events = queue.events()
        job = await queue.submit(Generate(prompt="a cat", settings=one_second()), owner="ann")
        seen = await collect_until_final(events, {job.id}, timeout=60)
        assert seen[job.id][-1].stage == "failed" and seen[job.id][-1].error_code == "timeout"
        row = await queue.get(job.id)
        assert row.status == "failed" and row.error_code == "timeout" and "limit" in row.error
    finally:
        await queue.close()


async def test_an_engine_error_fails_the_job_with_its_code_and_plain_words(sqlite_db, tiny_engine_factory, tmp_path):
    queue = make_queue(database_url=sqlite_db, redis_url=None, engine_factory=tiny_engine_factory(),
                       settings=fast_settings())
    await queue.start()
    try:
        events = queue.events()
        broken = tmp_path / "not-an-image.png"
        broken.write_bytes(b"this is not a picture")
        job = await queue.submit(Animate(image=str(broken), settings=one_second()), owner="ann")
        good = await queue.submit(Generate(prompt="a cat", settings=one_second()), owner="bob")
        seen = await collect_until_final(events, {job.id, good.id}, timeout=60)
        failed = seen[job.id][-1]
        assert failed.stage == "failed" and failed.error_code not in (None, "internal_error")
        assert "Traceback" not in (failed.error or "") and failed.error
        assert seen[good.id][-1].stage == "done"  # one bad job does not stop the worker
    finally:
        await queue.close()


async def test_out_of_memory_on_a_batch_retries_one_at_a_time_then_fails_a_single_job(sqlite_db, tmp_path):
    # Given a renderer that runs out of GPU memory on any batch larger than one job
    renderer = QuickRenderer(tmp_path / "media", oom_above=1)
    queue = make_queue(database_url=sqlite_db, redis_url=None, engine_factory=lambda: renderer,
                       settings=fast_settings(max_batch=3, batch_window_s=2.0))
    await queue.start()
    try:
        events = queue.events()
        jobs = [await queue.submit(Generate(prompt="a cat", settings=one_second()), owner=f"u{i}") for i in range(3)]
        seen = await collect_until_final(events, {job.id for job in jobs}, timeout=30)
        # Then the batch of 3 failed once, and each job succeeded alone
        assert renderer.batch_sizes == [3, 1, 1, 1]
        assert all(seen[job.id][-1].stage == "done" for job in jobs)
        # And a job that does not fit even alone fails with out_of_memory
        renderer.oom_above = 0
        lonely = await queue.submit(Generate(prompt="a cat", settings=one_second()), owner="u9")
        seen = await collect_until_final(events, {lonely.id}, timeout=30)
        assert seen[lonely.id][-1].error_code == "out_of_memory"
    finally:
        await queue.close()


async def test_after_a_restart_lost_jobs_are_retried_or_failed_and_undelivered_ones_are_returned(migrated_url, tmp_path):
    # Given rows a crashed process left behind
    from engine.queue.store import JobStore

    store = JobStore(migrated_url)
    long_ago = utcnow() - timedelta(minutes=10)
    spec = Generate(prompt="a cat", settings=one_second()).model_dump(mode="json")
    async with store.sessions() as session, session.begin():
        rows = [
            Job(owner="ann", op="generate", spec=spec, status="running", attempts=1, max_attempts=2,
                worker_id="dead:1:x", started_at=long_ago, heartbeat_at=long_ago),
            Job(owner="bob", op="generate", spec=spec, status="running", attempts=2, max_attempts=2,
                worker_id="dead:1:x", started_at=long_ago, heartbeat_at=long_ago),
            Job(owner="cid", op="generate", spec=spec, status="succeeded", attempts=1, result=[], finished_at=long_ago),
            Job(owner="dan", op="generate", spec=spec, status="queued"),
        ]
        session.add_all(rows)
    await store.close()
    retried, exhausted, finished, waiting = (row.id for row in rows)

    # When the bot starts again
    renderer = QuickRenderer(tmp_path / "media")
    queue = make_queue(database_url=migrated_url, redis_url=None, engine_factory=lambda: renderer,
                       settings=fast_settings())
    await queue.start()
    try:
        for _ in range(200):
            states = {job_id: (await queue.get(job_id)).status for job_id in (retried, exhausted, waiting)}
            if all(state in ("succeeded", "failed") for state in states.values()):
                break
            await asyncio.sleep(0.05)
        # Then the lost job with attempts left ran again, the other failed as worker_lost, the queued one ran
        assert states == {retried: "succeeded", exhausted: "failed", waiting: "succeeded"}
        assert (await queue.get(retried)).attempts == 2
        assert (await queue.get(exhausted)).error_code == "worker_lost"
        # And everything finished but never delivered is handed back once, until marked delivered
        assert {job.id for job in await queue.undelivered()} == {retried, exhausted, finished, waiting}
        for job_id in (retried, exhausted, finished, waiting):
            await queue.mark_delivered(job_id)
        assert await queue.undelivered() == []
    finally:
        await queue.close()


async def test_a_job_running_when_the_bot_stops_goes_back_to_the_queue_and_runs_after_the_restart(
    migrated_url, tmp_path
):
    # Given a job well into a render that would take 20 s more
    renderer = QuickRenderer(tmp_path / "media", steps=400, step_s=0.05)
    queue = make_queue(database_url=migrated_url, redis_url=None, engine_factory=lambda: renderer,
                       settings=fast_settings())
    await queue.start()
    events = queue.events()
    job = await queue.submit(Generate(prompt="a cat", settings=one_second()), owner="ann")
    async for event in events:
        if event.job_id == job.id and (event.step or 0) >= 2:
            break
    # When the bot stops
    loop = asyncio.get_running_loop()
    started = loop.time()
    await queue.close()
    # Then it stopped within moments, and the job waits in the queue as if it had never started
    assert loop.time() - started < 5
    from engine.queue.store import JobStore

    store = JobStore(migrated_url)
    row = await store.get(job.id)
    await store.close()
    assert (row.status, row.worker_id, row.attempts, row.step) == ("queued", None, 0, 0)
    # And the next start runs it to the end
    renderer.steps = 3
    again = make_queue(database_url=migrated_url, redis_url=None, engine_factory=lambda: renderer,
                       settings=fast_settings())
    await again.start()
    try:
        seen = await collect_until_final(again.events(), {job.id}, timeout=60)
        assert seen[job.id][-1].stage == "done"
        assert (await again.get(job.id)).attempts == 1
    finally:
        await again.close()
