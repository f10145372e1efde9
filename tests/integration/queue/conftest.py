"""Queue fixtures: migrated real databases, the tiny pipeline written once per session, queue helpers."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import pytest

from engine.events import JobEvent
from engine.queue.settings import QueueSettings

FINAL = ("done", "failed", "cancelled")


@pytest.fixture
def migrated_url(database_url) -> str:
    """SQLite and PostgreSQL, each brought to the head revision by the project's migrations."""
    from reelbot.migrate import upgrade_database

    upgrade_database(database_url)
    return database_url


@pytest.fixture
def sqlite_db(sqlite_url) -> str:
    from reelbot.migrate import upgrade_database

    upgrade_database(sqlite_url)
    return sqlite_url


@pytest.fixture
def tiny_engine_factory(tiny_model_dir, tmp_path) -> Callable[..., Callable[[], object]]:
    """``make(steps=1, max_batch=4)`` -> a factory loading a fresh tiny Engine (its own pipeline_calls)."""

    def make(*, steps: int = 1, max_batch: int = 4):
        def load():
            from engine.options import EngineOptions
            from engine.runner import Engine

            options = EngineOptions(num_inference_steps=steps, max_batch=max_batch)
            return Engine.load(str(tiny_model_dir), device="cpu", options=options, media_dir=tmp_path / "media")

        return load

    return make


def fast_settings(**overrides) -> QueueSettings:
    values = dict(heartbeat_interval_s=0.2, stale_after_s=1.0, sweep_interval_s=0.2, batch_window_s=0.0)
    values.update(overrides)
    return QueueSettings(**values)


async def collect_until_final(events, job_ids: set[int], timeout: float) -> dict[int, list[JobEvent]]:
    """Every event per job until each of ``job_ids`` has a final one (fails on timeout)."""
    seen: dict[int, list[JobEvent]] = {}
    remaining = set(job_ids)

    async def run():
        async for event in events:
            seen.setdefault(event.job_id, []).append(event)
            if event.stage in FINAL:
                remaining.discard(event.job_id)
                if not remaining:
                    return

    await asyncio.wait_for(run(), timeout)
    return seen
