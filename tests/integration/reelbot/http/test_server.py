"""The bot's HTTP server started as the composition root starts it, on real databases, a real queue and Redis."""

from __future__ import annotations

import asyncio
import re
import time

import aiohttp
import pytest
import redis

from engine.media.provenance import read_metadata
from engine.modes import make_queue
from engine.queue import presence
from engine.specs import Generate, Settings
from reelbot.config import load_settings
from reelbot.http import start_http
from tests.integration.queue.conftest import collect_until_final, fast_settings


def _sample(text: str, name: str, **labels: str) -> float:
    """One sample's value from Prometheus text (0 when the series does not exist yet)."""
    wanted = ",".join(f'{key}="{value}"' for key, value in labels.items())
    pattern = re.escape(f"{name}{{{wanted}}}" if labels else name) + r" (\S+)"
    match = re.search(r"^" + pattern + r"$", text, re.MULTILINE)
    return float(match.group(1)) if match else 0.0


async def _get(session: aiohttp.ClientSession, url: str) -> tuple[int, str]:
    async with session.get(url) as response:
        return response.status, await response.text()


@pytest.mark.slow
async def test_after_one_clip_metrics_count_the_job_and_its_render_time_readyz_is_200_and_the_clip_names_its_job(
    sqlite_db, tiny_engine_factory, tmp_path
):
    # Given the bot's server on a free port beside a local queue with the tiny pipeline
    settings = load_settings(database_url=sqlite_db, http_port=0, redis_url=None)
    queue = make_queue(database_url=sqlite_db, engine_factory=tiny_engine_factory(), settings=fast_settings())
    await queue.start()
    server = await start_http(settings, queue=queue)
    try:
        async with aiohttp.ClientSession() as http:
            _, before = await _get(http, f"{server.url}/metrics")
            # When one clip is made
            events = queue.events()
            job = await queue.submit(Generate(prompt="a red ball", settings=Settings(duration_s=1, seed=7)),
                                     owner="ann")
            seen = await collect_until_final(events, {job.id}, timeout=120)
            # Then /metrics counts one more finished generate job and one more render time, and /readyz is 200
            status, after = await _get(http, f"{server.url}/metrics")
            assert status == 200
            jobs = ("reelbot_jobs_total", {"operation": "generate", "outcome": "succeeded"})
            renders = ("reelbot_render_seconds_count", {"operation": "generate"})
            waits = ("reelbot_queue_wait_seconds_count", {"operation": "generate"})
            for name, labels in (jobs, renders, waits):
                assert _sample(after, name, **labels) == _sample(before, name, **labels) + 1, name
            assert _sample(after, "reelbot_render_seconds_sum", operation="generate") > _sample(
                before, "reelbot_render_seconds_sum", operation="generate")
            assert _sample(after, "reelbot_queue_depth", tier="fast") == 0
            assert _sample(after, "reelbot_steps_per_second", operation="generate") > 0
            status, body = await _get(http, f"{server.url}/readyz")
            assert status == 200, body
        # And the clip says what made it
        clip = next(event for event in seen[job.id] if event.stage == "done").clips[0]
        tags = read_metadata(clip.path)
        assert tags["tool"] == "reelbot" and tags["job_id"] == str(job.id) and tags["seed"] == "7"
        assert tags["model"] and tags["creation_time"].endswith("Z")
    finally:
        await server.stop()
        await queue.close()


async def test_the_queue_depth_per_tier_is_read_from_the_job_table_at_each_scrape(sqlite_db, tmp_path):
    from tests.integration.queue.renderer import QuickRenderer

    settings = load_settings(database_url=sqlite_db, http_port=0, redis_url=None)
    queue = make_queue(database_url=sqlite_db, engine_factory=lambda: QuickRenderer(tmp_path / "media"),
                       settings=fast_settings(tiers={"fast": 0, "relax": 1}))
    # Rows only: the queue is not started, so nothing runs them; the depth comes from the table.
    from engine.queue.store import JobStore

    queue.store = JobStore(sqlite_db)
    for owner, tier in (("ann", "relax"), ("bob", "relax"), ("cid", "fast")):
        await queue.store.insert(owner=owner, tier=tier, priority=0, op="generate", spec={}, meta={},
                                 max_attempts=1, max_queued=5)
    server = await start_http(settings, queue=queue)
    try:
        async with aiohttp.ClientSession() as http:
            _, text = await _get(http, f"{server.url}/metrics")
        assert _sample(text, "reelbot_queue_depth", tier="relax") == 2
        assert _sample(text, "reelbot_queue_depth", tier="fast") == 1
    finally:
        await server.stop()
        await queue.store.close()


@pytest.mark.postgres
async def test_readyz_gives_503_naming_the_database_when_postgresql_is_unreachable_or_its_database_is_gone(
    postgres_url,
):
    import psycopg

    from tests.conftest import _pg_admin

    # Given a server whose database answers
    server = await start_http(load_settings(database_url=postgres_url, http_port=0, redis_url=None))
    closed = await start_http(load_settings(database_url="postgresql+asyncpg://postgres@127.0.0.1:1/test",
                                            http_port=0, redis_url=None))
    try:
        async with aiohttp.ClientSession() as http:
            status, body = await _get(http, f"{server.url}/readyz")
            assert status == 200, body
            # When the database is dropped under it
            name = postgres_url.rsplit("/", 1)[1]
            with _pg_admin() as admin:
                admin.execute(psycopg.sql.SQL("DROP DATABASE {} WITH (FORCE)").format(psycopg.sql.Identifier(name)))
            # Then /readyz says so with 503, and so does a server pointed at a port where nothing listens
            for url in (server.url, closed.url):
                async with http.get(f"{url}/readyz") as response:
                    body = await response.json()
                assert response.status == 503, body
                assert body["status"] == "not ready" and body["checks"]["database"] != "ok"
            # While the process itself is still healthy
            assert (await _get(http, f"{server.url}/healthz"))[0] == 200
    finally:
        await server.stop()
        await closed.stop()


@pytest.mark.redis
async def test_in_distributed_mode_readyz_needs_a_worker_that_beat_recently(sqlite_db, redis_url):
    settings = load_settings(database_url=sqlite_db, http_port=0, redis_url=redis_url)
    client = redis.Redis.from_url(redis_url)
    server = await start_http(settings)
    try:
        async with aiohttp.ClientSession() as http:
            # Given no worker ever reported: 503 naming the workers
            async with http.get(f"{server.url}/readyz") as response:
                body = await response.json()
            assert response.status == 503 and "no worker" in body["checks"]["workers"]
            # When a worker's last beat is stale: still 503
            presence.beat(client, "reelbot", "gpu-1", now=time.time() - presence.FRESH_FOR_S - 5)
            assert (await _get(http, f"{server.url}/readyz"))[0] == 503
            # When it beats now: 200
            presence.beat(client, "reelbot", "gpu-1")
            status, body = await _get(http, f"{server.url}/readyz")
            assert status == 200, body
            # And a worker that stops leaves at once
            presence.leave(client, "reelbot", "gpu-1")
            assert (await _get(http, f"{server.url}/readyz"))[0] == 503
    finally:
        await server.stop()
        client.close()


async def test_a_port_already_taken_stops_start_up_with_one_line_naming_the_setting(sqlite_db):
    from reelbot.config import ConfigError

    first = await start_http(load_settings(database_url=sqlite_db, http_port=0, redis_url=None))
    try:
        with pytest.raises(ConfigError, match="REELBOT_HTTP_PORT"):
            await start_http(load_settings(database_url=sqlite_db, http_port=first.port, redis_url=None))
    finally:
        await first.stop()


async def test_readyz_gives_503_when_the_local_worker_thread_is_not_running(sqlite_db, tmp_path):
    from tests.integration.queue.renderer import QuickRenderer

    settings = load_settings(database_url=sqlite_db, http_port=0, redis_url=None)
    queue = make_queue(database_url=sqlite_db, engine_factory=lambda: QuickRenderer(tmp_path / "media"),
                       settings=fast_settings())
    await queue.start()
    server = await start_http(settings, queue=queue)
    try:
        async with aiohttp.ClientSession() as http:
            assert (await _get(http, f"{server.url}/readyz"))[0] == 200
            await asyncio.to_thread(queue.worker.stop)
            async with http.get(f"{server.url}/readyz") as response:
                body = await response.json()
            assert response.status == 503 and body["checks"]["queue"] == "the local worker thread is not running"
    finally:
        await server.stop()
        await queue.close()
