"""The engine's metrics helpers: outcomes and failure reasons, queue waits, and no GPU series without CUDA."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from prometheus_client import REGISTRY, generate_latest

from engine import metrics
from engine.queue.models import Job


def _value(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


def test_a_failure_counts_as_a_failed_job_and_under_its_reason_and_a_success_records_its_render_time():
    failed = _value("reelbot_jobs_total", operation="loop", outcome="failed")
    timeouts = _value("reelbot_job_failures_total", reason="timeout")
    renders = _value("reelbot_render_seconds_count", operation="loop")
    metrics.job_finished("loop", metrics.FAILED, reason="timeout")
    metrics.job_finished("loop", metrics.SUCCEEDED, render_s=2.5)
    assert _value("reelbot_jobs_total", operation="loop", outcome="failed") == failed + 1
    assert _value("reelbot_job_failures_total", reason="timeout") == timeouts + 1
    assert _value("reelbot_render_seconds_count", operation="loop") == renders + 1


def test_a_batch_records_each_jobs_wait_since_submission_even_from_naive_sqlite_times():
    now = datetime(2026, 12, 2, 19, 0, tzinfo=UTC)
    jobs = [Job(owner="a", op="extend", spec={}, created_at=(now - timedelta(seconds=40)).replace(tzinfo=None)),
            Job(owner="b", op="extend", spec={}, created_at=now - timedelta(seconds=3))]
    count = _value("reelbot_queue_wait_seconds_count", operation="extend")
    total = _value("reelbot_queue_wait_seconds_sum", operation="extend")
    batches = _value("reelbot_batch_size_count")
    metrics.batch_started(jobs, now=now)
    assert _value("reelbot_queue_wait_seconds_count", operation="extend") == count + 2
    assert _value("reelbot_queue_wait_seconds_sum", operation="extend") == total + 43
    assert _value("reelbot_batch_size_count") == batches + 1


def test_steps_per_second_is_the_inverse_of_the_seconds_per_step():
    metrics.steps_per_second("recut", 0.25)
    assert _value("reelbot_steps_per_second", operation="recut") == 4.0


def test_gpu_memory_series_exist_exactly_when_cuda_does():
    import torch

    assert (b"reelbot_gpu_memory_bytes" in generate_latest(REGISTRY)) == torch.cuda.is_available()
