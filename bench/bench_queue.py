"""Queue throughput and overhead: batched vs one-at-a-time on the tiny model, and per-job cost of the queue.

- ``batched_jobs_per_min`` / ``sequential_jobs_per_min``: 16 compatible text-to-video jobs from 16 users on the
  tiny pipeline (CPU), through the local queue, with ``max_batch`` 4 and 1, in the same run.
- ``overhead_ms_per_job``: jobs through the queue with an engine that does no work (``NullEngine``, a real
  object with the Engine API), so the time is the queue's own: rows, claims, events, and in distributed mode
  Dramatiq messages and Redis pub/sub (a worker service runs in this process).
"""

from __future__ import annotations

import asyncio
import os
import tempfile
import time
import uuid
from pathlib import Path

from engine.events import RenderedClip
from engine.modes import make_queue
from engine.queue import QueueSettings
from engine.specs import Generate, Settings

JOBS = 16
OVERHEAD_JOBS = 100
REDIS_URL = os.environ.get("REELBOT_BENCH_REDIS_URL", "redis://127.0.0.1:6379/14")


class NullEngine:
    """The Engine API with no work behind it: one step, an empty file per clip."""

    def __init__(self, media_dir: Path) -> None:
        self.media_dir = media_dir
        media_dir.mkdir(parents=True, exist_ok=True)
        self.pipeline_calls = 0

    def batch_key(self, spec) -> str:
        return f"{spec.op}:{spec.settings.resolution}:{spec.settings.aspect}:{spec.settings.duration_s}"

    def total_steps(self, spec) -> int:
        return 1

    def run(self, specs, *, on_step=None, should_cancel=None, max_bytes=None, metadata=None):
        self.pipeline_calls += 1
        if should_cancel is not None and should_cancel():
            raise RuntimeError("not expected in the benchmark")
        if on_step is not None:
            on_step(1, 1)
        clips = []
        for _ in specs:
            path = self.media_dir / f"{uuid.uuid4().hex}.mp4"
            path.write_bytes(b"")
            clips.append([RenderedClip(path=str(path), width=1, height=1, num_frames=1, fps=24, duration_s=0.04,
                                       size_bytes=0, seed=0)])
        return clips


async def _drive(queue, count: int, duration_s: int = 1) -> float:
    """Submit ``count`` jobs from ``count`` users at once; seconds until every one is done."""
    await queue.start()
    try:
        events = queue.events()
        started = time.perf_counter()
        ids = {(await queue.submit(Generate(prompt="a cat walking", settings=Settings(duration_s=duration_s)),
                                   owner=f"user-{i}")).id for i in range(count)}
        async for event in events:
            if event.stage in ("done", "failed", "cancelled") and event.job_id in ids:
                if event.stage != "done":
                    raise RuntimeError(f"job {event.job_id} {event.stage}: {event.error}")
                ids.discard(event.job_id)
                if not ids:
                    return time.perf_counter() - started
    finally:
        await queue.close()
    raise RuntimeError("event stream ended early")


def _database(tmp: Path, name: str) -> str:
    from reelbot.migrate import upgrade_database

    url = f"sqlite+aiosqlite:///{tmp / name}.db"
    upgrade_database(url)
    return url


def _tiny_throughput(tmp: Path, model_dir: Path, max_batch: int) -> tuple[float, int]:
    from engine.options import EngineOptions
    from engine.runner import Engine

    engine = Engine.load(str(model_dir), device="cpu", options=EngineOptions(max_batch=max_batch),
                         media_dir=tmp / "media")
    engine.run([Generate(prompt="warm up", settings=Settings(duration_s=1))])  # first call pays one-off costs
    calls_before = engine.pipeline_calls
    settings = QueueSettings(max_batch=max_batch, batch_window_s=0.5)
    queue = make_queue(database_url=_database(tmp, f"tiny-{max_batch}"), engine_factory=lambda: engine,
                       settings=settings)
    seconds = asyncio.run(_drive(queue, JOBS))
    return JOBS / seconds * 60, engine.pipeline_calls - calls_before


def _local_overhead(tmp: Path) -> float:
    engine = NullEngine(tmp / "null")
    queue = make_queue(database_url=_database(tmp, "local"), engine_factory=lambda: engine,
                       settings=QueueSettings(max_batch=1, batch_window_s=0, max_queued_per_owner=OVERHEAD_JOBS))
    return asyncio.run(_drive(queue, OVERHEAD_JOBS)) / OVERHEAD_JOBS * 1000


def _distributed_overhead(tmp: Path) -> float | str:
    import redis

    from engine.worker.service import WorkerConfig, WorkerService

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        return f"skipped: Redis unreachable ({exc})"
    url = _database(tmp, "distributed")
    name = f"bench-{uuid.uuid4().hex[:8]}"
    settings = QueueSettings(max_batch=1, batch_window_s=0, max_queued_per_owner=OVERHEAD_JOBS)
    service = WorkerService(WorkerConfig(database_url=url, redis_url=REDIS_URL, settings=settings, queue_name=name),
                            lambda: NullEngine(tmp / "null-d"))
    service.start()
    try:
        queue = make_queue(database_url=url, redis_url=REDIS_URL, settings=settings, queue_name=name)
        return asyncio.run(_drive(queue, OVERHEAD_JOBS)) / OVERHEAD_JOBS * 1000
    finally:
        service.stop()
        client = redis.Redis.from_url(REDIS_URL)
        for key in client.scan_iter(f"dramatiq:{name}*"):
            client.delete(key)
        client.close()


def run() -> dict:
    from engine.tiny import write_tiny_pipeline

    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        model_dir = write_tiny_pipeline(tmp / "tiny")
        batched, batched_calls = _tiny_throughput(tmp, model_dir, max_batch=4)
        sequential, sequential_calls = _tiny_throughput(tmp, model_dir, max_batch=1)
        local_ms = _local_overhead(tmp)
        distributed_ms = _distributed_overhead(tmp)
    return {
        "jobs": JOBS,
        "model": "tiny-ltx (random weights), CPU, 1 s clips at the tiny profile's size and steps",
        "batched_jobs_per_min": round(batched, 1),
        "batched_pipeline_calls": batched_calls,
        "sequential_jobs_per_min": round(sequential, 1),
        "sequential_pipeline_calls": sequential_calls,
        "batching_speedup": round(batched / sequential, 2),
        "overhead_jobs": OVERHEAD_JOBS,
        "overhead_ms_per_job": {
            "local": round(local_ms, 1),
            "distributed": round(distributed_ms, 1) if isinstance(distributed_ms, float) else distributed_ms,
        },
        "cpu_count": os.cpu_count(),
    }


if __name__ == "__main__":
    import json

    print(json.dumps(run(), indent=2))
