"""The engine's Prometheus metrics: jobs, the queue, rendering speed, and the worker's GPU.

Job outcomes, waits and render times are recorded by the executor, where they happen: in local mode that is
the bot's process (its ``/metrics`` shows them), in distributed mode each ``reelbot worker`` process (its own
``/metrics`` on ``REELBOT_WORKER_METRICS_PORT``). The queue's depth is read from the job table when the bot's
``/metrics`` is scraped, so it is right whoever changed the rows. Everything goes to prometheus_client's default
registry, which both servers expose.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from typing import Any

from prometheus_client import REGISTRY, Counter, Gauge, Histogram
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector
from sqlalchemy import func, select

from engine.queue.models import QUEUED, Job

#: Buckets for seconds spent waiting in the queue (a few seconds when idle, minutes under load).
WAIT_BUCKETS_S = (0.5, 1, 2, 5, 10, 30, 60, 120, 300, 600, 1800)
#: Buckets for seconds of one pipeline call (tiny CPU models: under a second; 1080p on a GPU: minutes).
RENDER_BUCKETS_S = (0.5, 1, 2, 5, 10, 20, 30, 60, 120, 300, 600, 1200)
#: Jobs per pipeline call.
BATCH_BUCKETS = (1, 2, 3, 4, 6, 8, 12, 16)

JOBS = Counter("reelbot_jobs", "Jobs that finished, by operation and outcome.", ["operation", "outcome"])
FAILURES = Counter("reelbot_job_failures", "Failed jobs by reason (the job's error code).", ["reason"])
QUEUE_DEPTH = Gauge("reelbot_queue_depth", "Jobs waiting to start, by tier.", ["tier"])
QUEUE_WAIT = Histogram("reelbot_queue_wait_seconds", "Seconds from a job's submission to the start of its run.",
                       ["operation"], buckets=WAIT_BUCKETS_S)
RENDER_SECONDS = Histogram("reelbot_render_seconds", "Seconds of the pipeline call that made a job, encoding "
                           "included.", ["operation"], buckets=RENDER_BUCKETS_S)
STEPS_PER_SECOND = Gauge("reelbot_steps_per_second", "Denoising steps per second of the latest batch, by operation.",
                         ["operation"])
BATCH_SIZE = Histogram("reelbot_batch_size", "Jobs run together in one pipeline call.", buckets=BATCH_BUCKETS)
PIPELINE_LOAD_SECONDS = Gauge("reelbot_pipeline_load_seconds", "Seconds the warm pipeline took to load.")

#: The outcomes a finished job can have.
SUCCEEDED, FAILED, CANCELLED = "succeeded", "failed", "cancelled"


def batch_started(jobs: Iterable[Job], now: datetime | None = None) -> None:
    """A pipeline call starts for ``jobs``: their wait in the queue and the batch size."""
    jobs = list(jobs)
    now = now or datetime.now(UTC)
    for job in jobs:
        QUEUE_WAIT.labels(job.op).observe(max(0.0, (now - _aware(job.created_at)).total_seconds()))
    BATCH_SIZE.observe(len(jobs))


def job_finished(operation: str, outcome: str, *, reason: str | None = None, render_s: float | None = None) -> None:
    """One job reached ``outcome``; a failure also counts under its ``reason``, a success its render time."""
    JOBS.labels(operation, outcome).inc()
    if outcome == FAILED:
        FAILURES.labels(reason or "unknown").inc()
    if render_s is not None:
        RENDER_SECONDS.labels(operation).observe(render_s)


def steps_per_second(operation: str, seconds_per_step: float) -> None:
    if seconds_per_step > 0:
        STEPS_PER_SECOND.labels(operation).set(1.0 / seconds_per_step)


def pipeline_loaded(seconds: float) -> None:
    PIPELINE_LOAD_SECONDS.set(seconds)


async def observe_queue(queue: Any) -> None:
    """Set the queue depth per configured tier from the job table (called before each scrape of ``/metrics``)."""
    async with queue.store.sessions() as session:
        rows = (await session.execute(
            select(Job.tier, func.count()).where(Job.status == QUEUED).group_by(Job.tier)
        )).all()
    waiting = dict(rows)
    for tier in {*queue.settings.tiers, *waiting}:
        QUEUE_DEPTH.labels(tier).set(waiting.get(tier, 0))


class GpuMemoryCollector(Collector):
    """GPU memory of this process per CUDA device, read at scrape time; nothing where torch or CUDA is absent."""

    def collect(self) -> Iterator[GaugeMetricFamily]:
        torch = sys.modules.get("torch")  # never import torch for a scrape: the bot process may not have it
        if torch is None or not torch.cuda.is_available():
            return
        family = GaugeMetricFamily("reelbot_gpu_memory_bytes", "GPU memory held by this process's tensors.",
                                   labels=["device", "kind"])
        for index in range(torch.cuda.device_count()):
            device = str(index)
            family.add_metric([device, "allocated"], torch.cuda.memory_allocated(index))
            family.add_metric([device, "reserved"], torch.cuda.memory_reserved(index))
            family.add_metric([device, "peak_allocated"], torch.cuda.max_memory_allocated(index))
        yield family

    def describe(self) -> Iterator[GaugeMetricFamily]:
        return iter(())  # collected lazily: nothing to describe before torch is loaded


REGISTRY.register(GpuMemoryCollector())


def _aware(value: datetime) -> datetime:
    """SQLite hands back naive datetimes; every stored time is UTC."""
    return value if value.tzinfo else value.replace(tzinfo=UTC)
