"""Distributed mode: ``reelbot worker`` processes on the tiny model, Dramatiq on the machine's Redis.

Given two workers, when one is killed with SIGKILL mid-job and the bot side restarts, then the job finishes on
the other worker exactly once and its clip is still handed back by ``undelivered()``.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from engine.modes import make_queue
from engine.specs import Generate, Settings
from tests.conftest import REDIS_URL
from tests.integration.queue.conftest import collect_until_final, fast_settings

pytestmark = [pytest.mark.redis]
ROOT = Path(__file__).resolve().parents[3]
REELBOT = [sys.executable, "-c", "from reelbot.cli import main; main()"]


def _redis_or_skip():
    import redis

    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=3)
    try:
        client.ping()
    except Exception as exc:  # noqa: BLE001
        if os.environ.get("REELBOT_REQUIRE_SERVICES") == "1":
            pytest.fail(f"Redis unreachable: {exc}")
        pytest.skip(f"Redis unreachable: {exc}")
    return client


class Workers:
    """``reelbot worker`` subprocesses started by this test module (and only those are ever killed)."""

    def __init__(self, tmp: Path, database_url: str, model_dir: Path) -> None:
        self.tmp = tmp
        self.env = {
            **os.environ,
            "REELBOT_DATABASE_URL": database_url,
            "REELBOT_REDIS_URL": REDIS_URL,
            "REELBOT_MODEL": str(model_dir),
            "REELBOT_DEVICE": "cpu",
            "REELBOT_MEDIA_DIR": str(tmp / "media"),
            "REELBOT_ENGINE__NUM_INFERENCE_STEPS": "24",
            "REELBOT_ENGINE__MAX_BATCH": "2",
            "REELBOT_ENGINE__BATCH_WINDOW_S": "0",
            "REELBOT_LOG_LEVEL": "INFO",
            "REELBOT_CONFIG": str(tmp / "none.toml"),
        }
        self.procs: list[subprocess.Popen] = []

    def start(self, count: int) -> None:
        for _ in range(count):
            log = open(self.tmp / f"worker-{len(self.procs)}.log", "w")
            args = ["worker", "--heartbeat-interval", "0.3", "--stale-after", "2", "--sweep-interval", "0.5",
                    "--broker-heartbeat-timeout", "3"]
            self.procs.append(subprocess.Popen(REELBOT + args, cwd=ROOT, env=self.env, stdout=log, stderr=log))
        deadline = time.monotonic() + 120
        for index, proc in enumerate(self.procs):
            path = self.tmp / f"worker-{index}.log"
            while "ready on queue" not in path.read_text():
                assert proc.poll() is None, path.read_text()[-3000:]
                assert time.monotonic() < deadline, "worker did not start"
                time.sleep(0.2)

    def by_pid(self, pid: int) -> subprocess.Popen:
        return next(proc for proc in self.procs if proc.pid == pid)

    def stop(self) -> None:
        for proc in self.procs:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        for proc in self.procs:
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


@pytest.fixture(scope="module")
def workers(tmp_path_factory, tiny_model_dir):
    from reelbot.migrate import upgrade_database

    client = _redis_or_skip()
    client.flushdb()
    tmp = tmp_path_factory.mktemp("distributed")
    database_url = f"sqlite+aiosqlite:///{tmp / 'reelbot.db'}"
    upgrade_database(database_url)
    pool = Workers(tmp, database_url, tiny_model_dir)
    try:
        pool.start(2)
        yield pool, database_url
    finally:
        pool.stop()
        client.flushdb()
        client.close()


def distributed_queue(database_url: str):
    return make_queue(database_url=database_url, redis_url=REDIS_URL, settings=fast_settings(max_batch=2),
                      reconcile_interval_s=0.5)


@pytest.mark.slow
@pytest.mark.timeout(300)
async def test_jobs_from_two_owners_run_once_across_two_workers_with_progress_over_redis(workers):
    pool, database_url = workers
    queue = distributed_queue(database_url)
    await queue.start()
    try:
        events = queue.events()
        jobs = [await queue.submit(Generate(prompt="a cat", settings=Settings(duration_s=1, seed=i)), owner=f"u{i % 2}")
                for i in range(2)]
        seen = await collect_until_final(events, {job.id for job in jobs}, timeout=240)
        for job in jobs:
            stages = [event.stage for event in seen[job.id]]
            assert stages.count("done") == 1 and "denoising" in stages
            steps = [event.step for event in seen[job.id] if event.stage == "denoising" and event.step]
            assert steps == sorted(steps) and len(steps) == len(set(steps))  # one event per step, in order
            row = await queue.get(job.id)
            assert row.status == "succeeded" and row.attempts == 1 and Path(row.result[0]["path"]).exists()
    finally:
        await queue.close()


@pytest.mark.slow
@pytest.mark.timeout(300)
async def test_a_job_whose_worker_is_killed_finishes_on_the_other_and_survives_a_bot_restart(workers):
    pool, database_url = workers
    first = distributed_queue(database_url)
    await first.start()
    events = first.events()
    job = await first.submit(Generate(prompt="a red fox", settings=Settings(duration_s=1)), owner="ann")
    # Given the job is being denoised by one of the workers
    async for event in events:
        if event.job_id == job.id and event.stage == "denoising" and (event.step or 0) >= 2:
            break
    running = await first.get(job.id)
    victim_pid = int(running.worker_id.split(":")[1])
    # When that worker is killed and the bot side restarts, mid-job
    os.kill(victim_pid, signal.SIGKILL)
    pool.by_pid(victim_pid).wait(timeout=10)
    await first.close()
    second = distributed_queue(database_url)
    await second.start()
    try:
        later = second.events()
        seen = await collect_until_final(later, {job.id}, timeout=240)
        # Then the job finished once, on the surviving worker, at its second attempt
        row = await second.get(job.id)
        assert seen[job.id][-1].stage == "done" and row.status == "succeeded" and row.attempts == 2
        assert int(row.worker_id.split(":")[1]) != victim_pid
        # And the restarted bot still gets the clip to deliver
        undelivered = {found.id: found for found in await second.undelivered()}
        assert job.id in undelivered and Path(undelivered[job.id].result[0]["path"]).exists()
        await second.mark_delivered(job.id)
        assert job.id not in {found.id for found in await second.undelivered()}
    finally:
        await second.close()


def test_the_bot_side_of_distributed_mode_never_imports_torch(sqlite_db, redis_url):
    script = textwrap.dedent(f"""
        import asyncio, json, sys
        from engine.modes import make_queue
        from engine.queue import QueueSettings
        from engine.specs import Generate

        async def main():
            queue = make_queue(database_url={sqlite_db!r}, redis_url={redis_url!r}, queue_name="torch-free",
                               settings=QueueSettings(batch_window_s=0))
            await queue.start()
            events = queue.events()
            job = await queue.submit(Generate(prompt="a cat"), owner="ann")
            position = await queue.position(job.id)
            cancelled = await queue.cancel(job.id)
            event = await asyncio.wait_for(events.__anext__(), 10)
            undelivered = [j.id for j in await queue.undelivered()]
            await queue.close()
            print(json.dumps({{"torch": "torch" in sys.modules, "diffusers": "diffusers" in sys.modules,
                               "position": position, "cancelled": cancelled, "undelivered": undelivered}}))

        asyncio.run(main())
    """)
    out = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-3000:]
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert result == {"torch": False, "diffusers": False, "position": 1, "cancelled": True, "undelivered": [1]}
