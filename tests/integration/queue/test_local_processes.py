"""Local mode with several processes on one database: each renders its own jobs; orphans are adopted.

Each LocalQueue here stands for one process (its own worker thread, instance id, event stream), as a console
chat beside a Telegram bot would be.
"""

from __future__ import annotations

import asyncio
import threading
from datetime import timedelta

from engine.modes import make_queue
from engine.queue.models import Job, utcnow
from engine.queue.store import JobStore
from engine.specs import Generate, Settings
from tests.integration.queue.conftest import collect_until_final, fast_settings
from tests.integration.queue.renderer import QuickRenderer


def a_job(prompt: str) -> Generate:
    return Generate(prompt=prompt, settings=Settings(duration_s=1))


def local_queue(url: str, renderer: QuickRenderer, **settings):
    return make_queue(database_url=url, redis_url=None, engine_factory=lambda: renderer,
                      settings=fast_settings(**settings))


async def test_each_process_renders_only_the_jobs_it_submitted_and_hears_only_of_them(migrated_url, tmp_path):
    # Given two processes on one database, each with its own renderer
    ann_renderer, bob_renderer = QuickRenderer(tmp_path / "a", steps=3), QuickRenderer(tmp_path / "b", steps=3)
    ann, bob = local_queue(migrated_url, ann_renderer), local_queue(migrated_url, bob_renderer)
    await ann.start()
    await bob.start()
    try:
        ann_events, bob_events = ann.events(), bob.events()
        # When each submits jobs at the same moment
        ann_jobs = [await ann.submit(a_job(f"ann {i}"), owner="ann") for i in range(3)]
        bob_jobs = [await bob.submit(a_job(f"bob {i}"), owner="bob") for i in range(3)]
        ann_seen = await collect_until_final(ann_events, {job.id for job in ann_jobs}, timeout=60)
        bob_seen = await collect_until_final(bob_events, {job.id for job in bob_jobs}, timeout=60)
        await asyncio.sleep(0.3)  # time for any stray event to arrive
        # Then each process rendered exactly its own jobs, and saw no event of the other's
        rows = {job.id: await ann.get(job.id) for job in ann_jobs + bob_jobs}
        assert {rows[job.id].worker_id for job in ann_jobs} == {ann.instance_id}
        assert {rows[job.id].worker_id for job in bob_jobs} == {bob.instance_id}
        assert all(row.status == "succeeded" for row in rows.values())
        assert set(ann_seen) == {job.id for job in ann_jobs}
        assert set(bob_seen) == {job.id for job in bob_jobs}
        assert ann_renderer.pipeline_calls >= 1 and bob_renderer.pipeline_calls >= 1
    finally:
        await ann.close()
        await bob.close()


async def test_a_queue_position_counts_only_the_jobs_this_process_will_render(migrated_url, tmp_path):
    # Given two processes whose renders are held up, one with two jobs waiting and one with one
    gate = threading.Event()
    busy = local_queue(migrated_url, QuickRenderer(tmp_path / "a", gate=gate), stale_after_s=30.0, max_batch=1)
    quiet = local_queue(migrated_url, QuickRenderer(tmp_path / "b", gate=gate), stale_after_s=30.0, max_batch=1)
    await busy.start()
    await quiet.start()
    try:
        busy_jobs = [await busy.submit(a_job(f"busy {i}"), owner=f"u{i}") for i in range(3)]
        quiet_jobs = [await quiet.submit(a_job(f"quiet {i}"), owner="v") for i in range(2)]
        for _ in range(200):
            heads = [(await busy.get(jobs[0].id)).status for jobs in (busy_jobs, quiet_jobs)]
            if heads == ["running", "running"]:
                break
            await asyncio.sleep(0.05)
        assert heads == ["running", "running"]
        # Then each waiting job's place counts only the jobs its own process will render before it
        assert await quiet.position(quiet_jobs[1].id) == 1
        assert [await busy.position(job.id) for job in busy_jobs[1:]] == [1, 2]
    finally:
        gate.set()
        await busy.close()
        await quiet.close()


async def test_jobs_of_a_process_that_stopped_are_adopted_by_one_still_running(migrated_url, tmp_path):
    # Given a job queued by a process that stopped cleanly, and one by a process that died long ago
    store = JobStore(migrated_url)
    long_ago = utcnow() - timedelta(minutes=10)
    spec = a_job("orphan").model_dump(mode="json")
    async with store.sessions() as session, session.begin():
        released = Job(owner="ann", op="generate", spec=spec, submitted_by="gone:1:a", heartbeat_at=None)
        dead = Job(owner="bob", op="generate", spec=spec, submitted_by="dead:2:b", heartbeat_at=long_ago)
        alive = Job(owner="cid", op="generate", spec=spec, submitted_by="alive:3:c", heartbeat_at=utcnow())
        session.add_all([released, dead, alive])
    # When another process runs
    survivor = local_queue(migrated_url, QuickRenderer(tmp_path / "r"), stale_after_s=30.0)
    await survivor.start()
    try:
        for _ in range(200):
            states = {job.id: (await store.get(job.id)).status for job in (released, dead)}
            if set(states.values()) == {"succeeded"}:
                break
            await asyncio.sleep(0.05)
        # Then it adopted both orphans, and left the job of the process that is alive alone
        assert set(states.values()) == {"succeeded"}
        assert (await store.get(alive.id)).status == "queued"
    finally:
        await survivor.close()
        await store.close()


async def test_a_process_keeps_its_waiting_jobs_from_adoption_while_it_runs(migrated_url, tmp_path):
    # Given a process whose render is held up, with a job waiting behind it
    gate = threading.Event()
    owner = local_queue(migrated_url, QuickRenderer(tmp_path / "o", gate=gate), stale_after_s=1.0,
                        heartbeat_interval_s=0.2, max_batch=1)
    other = local_queue(migrated_url, QuickRenderer(tmp_path / "x"), stale_after_s=1.0, heartbeat_interval_s=0.2)
    await owner.start()
    await other.start()
    try:
        first = await owner.submit(a_job("first"), owner="ann")
        second = await owner.submit(a_job("second"), owner="bob")
        # When more time passes than a silent submitter is allowed
        await asyncio.sleep(2.5)
        # Then the other process took neither: the owner's sign of life kept them
        assert (await other.get(second.id)).status == "queued"
        assert (await other.get(first.id)).worker_id == owner.instance_id
    finally:
        gate.set()
        await owner.close()
        await other.close()
