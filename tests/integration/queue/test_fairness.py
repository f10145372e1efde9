"""Given many owners and one heavy one, when 200 jobs run, then each runs once and nobody waits behind a hog.

The bound checked (engine/queue/fairness.py): while owner U has a job waiting in a tier, any other owner V
of that tier starts at most one job before U's next job starts.
"""

from __future__ import annotations

import asyncio
import threading
from collections import Counter, defaultdict

import pytest
from sqlalchemy import select

from engine.modes import make_queue
from engine.queue import QueueFull
from engine.queue.models import Job
from engine.specs import Generate
from tests.integration.queue.conftest import collect_until_final, fast_settings
from tests.integration.queue.renderer import QuickRenderer

HEAVY = "user-00"


def skewed_submissions() -> list[str]:
    """200 owners' names in submission order: the heavy user floods first, 19 others follow with 100 jobs."""
    light = [f"user-{i:02d}" for i in range(1, 20)]
    order = [HEAVY] * 100
    order += [light[i % 19] for i in range(100)]
    return order


def fairness_violations(jobs: list[Job]) -> list[str]:
    """Breaches of the bound, read from the rows' start stamps (claims stamp starts in fair order)."""
    starts = sorted(jobs, key=lambda job: job.started_at)
    by_owner: dict[str, list[Job]] = defaultdict(list)
    for job in starts:
        by_owner[job.owner].append(job)
    problems = []
    for owner, own in by_owner.items():
        previous_start = None
        for job in own:
            window_open = max(filter(None, [job.created_at, previous_start]))
            others = Counter(
                other.owner for other in starts
                if other.owner != owner and other.priority == job.priority
                and window_open < other.started_at < job.started_at
            )
            for other, count in others.items():
                if count > 1:
                    problems.append(f"{owner}'s job {job.id} waited behind {count} jobs of {other}")
            previous_start = job.started_at
    return problems


@pytest.mark.timeout(240)
async def test_two_hundred_jobs_from_twenty_users_each_finish_once_within_the_fairness_bound(migrated_url, tmp_path):
    # The "GPU" is busy with the first job until all 200 are queued: the order then comes from fairness alone,
    # not from how fast this machine happens to submit compared with how fast it renders.
    gate = threading.Event()
    renderer = QuickRenderer(tmp_path / "media", steps=1, gate=gate)
    queue = make_queue(database_url=migrated_url, redis_url=None, engine_factory=lambda: renderer,
                       settings=fast_settings(max_queued_per_owner=100, max_batch=4, batch_window_s=0.0))
    await queue.start()
    try:
        events = queue.events()
        ids = set()
        for owner in skewed_submissions():
            ids.add((await queue.submit(Generate(prompt="a cat"), owner=owner)).id)
        gate.set()
        seen = await collect_until_final(events, ids, timeout=180)
        async with queue.store.sessions() as session:
            jobs = list((await session.scalars(select(Job).where(Job.id.in_(ids)))).all())
    finally:
        await queue.close()

    assert len(jobs) == 200
    finals = {job_id: [e for e in evs if e.stage in ("done", "failed", "cancelled")] for job_id, evs in seen.items()}
    assert all(len(final) == 1 and final[0].stage == "done" for final in finals.values()) and len(finals) == 200
    assert all(job.status == "succeeded" and job.attempts == 1 for job in jobs)
    paths = [clip["path"] for job in jobs for clip in job.result]
    assert len(set(paths)) == 200
    assert fairness_violations(jobs) == []
    # Batching happened and never grouped more than the configured four.
    assert max(renderer.batch_sizes) <= 4 and renderer.pipeline_calls < 200
    # The bound was tested under contention: light jobs arrived while the heavy user had a backlog.
    heavy = [job for job in jobs if job.owner == HEAVY]
    contended = [job for job in jobs if job.owner != HEAVY
                 and sum(h.created_at < job.created_at < h.started_at for h in heavy) >= 10]
    assert len(contended) >= 50


async def test_a_relax_job_waits_for_every_fast_job_and_positions_follow_the_round_robin(sqlite_db, tmp_path):
    # Given a worker that is busy (a slow first job) and a queue with two owners and two tiers
    renderer = QuickRenderer(tmp_path / "media", steps=20, step_s=0.05)
    queue = make_queue(database_url=sqlite_db, redis_url=None, engine_factory=lambda: renderer,
                       settings=fast_settings(max_batch=1))
    await queue.start()
    try:
        events = queue.events()
        first = await queue.submit(Generate(prompt="a cat"), owner="busy")
        await _until(lambda: queue.get(first.id), lambda job: job.status == "running")
        relax = await queue.submit(Generate(prompt="a dog"), owner="ann", tier="relax")
        a1 = await queue.submit(Generate(prompt="a dog"), owner="ann")
        a2 = await queue.submit(Generate(prompt="a dog"), owner="ann")
        b1 = await queue.submit(Generate(prompt="a fox"), owner="bob")
        # Then positions are the fair order: bob (never served) before ann's second, relax last
        assert [await queue.position(job.id) for job in (a1, b1, a2, relax)] == [1, 2, 3, 4]
        assert await queue.position(first.id) is None
        seen = await collect_until_final(events, {first.id, relax.id, a1.id, a2.id, b1.id}, timeout=60)
        positions = [e.position for e in seen[relax.id] if e.stage == "queued"]
        assert 4 in positions and positions[-1] == 1  # pushed back by fast jobs, then moved up as they started
        started = []
        for job_id in (a1.id, a2.id, b1.id, relax.id):
            started.append(((await queue.get(job_id)).started_at, job_id))
        assert [job_id for _, job_id in sorted(started)] == [a1.id, b1.id, a2.id, relax.id]
    finally:
        await queue.close()


async def test_an_owner_over_the_cap_is_refused_with_the_limit(sqlite_db, tmp_path):
    renderer = QuickRenderer(tmp_path / "media", steps=50, step_s=0.05)
    queue = make_queue(database_url=sqlite_db, redis_url=None, engine_factory=lambda: renderer,
                       settings=fast_settings(max_queued_per_owner=2, max_batch=1))
    await queue.start()
    try:
        running = await queue.submit(Generate(prompt="a cat"), owner="ann")
        await _until(lambda: queue.get(running.id), lambda job: job.status == "running")
        await queue.submit(Generate(prompt="a cat"), owner="ann")
        await queue.submit(Generate(prompt="a cat"), owner="ann")
        with pytest.raises(QueueFull) as refused:
            await queue.submit(Generate(prompt="a cat"), owner="ann")
        assert refused.value.limit == 2
        other = await queue.submit(Generate(prompt="a cat"), owner="bob")  # others are not affected
        assert await queue.position(other.id) == 1  # bob was never served: he goes before ann
        for job_id in range(1, other.id + 1):
            await queue.cancel(job_id)
    finally:
        await queue.close()


async def _until(read, condition, timeout: float = 20.0):
    async def poll():
        while True:
            value = await read()
            if condition(value):
                return value
            await asyncio.sleep(0.02)

    return await asyncio.wait_for(poll(), timeout)
