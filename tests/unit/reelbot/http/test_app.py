"""The bot's HTTP application on aiohttp's test server: health, readiness reasons, metrics, routes added by others."""

from __future__ import annotations

import asyncio

from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from prometheus_client import Counter

from reelbot.http import build_app, health

PROBE = Counter("reelbot_test_probe", "A counter only the tests increment.")


async def _client(app: web.Application) -> TestClient:
    client = TestClient(TestServer(app))
    await client.start_server()
    return client


async def test_healthz_answers_while_a_dependency_is_down():
    async def broken() -> str | None:
        raise ConnectionRefusedError("connection refused")

    client = await _client(build_app(checks={"database": broken}))
    try:
        response = await client.get("/healthz")
        assert response.status == 200 and (await response.json())["status"] == "ok"
    finally:
        await client.close()


async def test_readyz_gives_503_naming_each_failing_check_and_why():
    async def fine() -> str | None:
        return None

    async def refused() -> str | None:
        raise ConnectionRefusedError("connection refused")

    async def no_worker() -> str | None:
        return "no worker has reported"

    client = await _client(build_app(checks={"database": refused, "queue": fine, "workers": no_worker}))
    try:
        response = await client.get("/readyz")
        body = await response.json()
        assert response.status == 503 and body["status"] == "not ready"
        assert body["checks"] == {"database": "ConnectionRefusedError: connection refused", "queue": "ok",
                                  "workers": "no worker has reported"}
    finally:
        await client.close()


async def test_readyz_gives_200_when_every_check_passes():
    async def fine() -> str | None:
        return None

    client = await _client(build_app(checks={"database": fine, "queue": fine}))
    try:
        response = await client.get("/readyz")
        assert response.status == 200 and (await response.json())["checks"] == {"database": "ok", "queue": "ok"}
    finally:
        await client.close()


async def test_a_check_that_hangs_is_reported_as_not_answering_in_time(monkeypatch):
    monkeypatch.setattr(health, "CHECK_TIMEOUT_S", 0.05)

    async def hangs() -> str | None:
        await asyncio.sleep(10)
        return None

    client = await _client(build_app(checks={"database": hangs}))
    try:
        response = await client.get("/readyz")
        assert response.status == 503
        assert (await response.json())["checks"]["database"] == "no answer within 0.05 s"
    finally:
        await client.close()


async def test_metrics_is_prometheus_text_with_hooks_run_before_the_scrape():
    async def bump() -> None:
        PROBE.inc()

    async def broken() -> None:
        raise RuntimeError("the database is away")

    client = await _client(build_app(before_scrape=[bump, broken]))
    try:
        before = PROBE._value.get()
        response = await client.get("/metrics")
        text = await response.text()
        assert response.status == 200 and response.content_type == "text/plain"
        assert f"reelbot_test_probe_total {before + 1}" in text
        assert "# TYPE reelbot_jobs_total counter" in text  # the engine's metrics are registered
    finally:
        await client.close()


async def test_other_parts_mount_their_routes_and_sub_applications_on_the_same_server():
    app = build_app()

    async def hello(request: web.Request) -> web.Response:
        return web.Response(text="mini app")

    sub = web.Application()
    sub.router.add_get("/", hello)
    app.add_subapp("/app/", sub)
    client = await _client(app)
    try:
        assert await (await client.get("/app/")).text() == "mini app"
        assert (await client.get("/healthz")).status == 200
    finally:
        await client.close()
