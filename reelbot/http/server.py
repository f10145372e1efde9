"""The aiohttp application and its life cycle inside the bot's running event loop.

``AppRunner`` + ``TCPSite`` rather than ``web.run_app``: the server shares the loop with the chat adapters and
the job queue, starts after them and stops before them, and never owns the process.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from functools import partial
from typing import Any

from aiohttp import web

from engine.metrics import observe_queue
from reelbot.http.checks import DatabaseCheck, QueueCheck, WorkersCheck
from reelbot.http.health import CHECKS, Check, healthz, readyz
from reelbot.http.metrics import BEFORE_SCRAPE, Refresh, metrics

log = logging.getLogger(__name__)

Mount = Callable[[web.Application], None]


def build_app(*, checks: dict[str, Check] | None = None, before_scrape: Iterable[Refresh] = ()) -> web.Application:
    """The root application with ``/healthz``, ``/readyz`` and ``/metrics``; add routes before it starts.

    A check or hook with an async ``close()`` is closed when the application shuts down.
    """
    app = web.Application()
    app[CHECKS] = dict(checks or {})
    app[BEFORE_SCRAPE] = list(before_scrape)
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/readyz", readyz)
    app.router.add_get("/metrics", metrics)

    async def close_checks(app: web.Application) -> None:
        for check in app[CHECKS].values():
            close = getattr(check, "close", None)
            if close is not None:
                await close()

    app.on_cleanup.append(close_checks)
    return app


def bot_checks(settings: Any, queue: Any = None, *, queue_name: str = "reelbot") -> dict[str, Check]:
    """The checks ``/readyz`` runs in the bot: database, queue (when given), workers (distributed mode)."""
    checks: dict[str, Check] = {"database": DatabaseCheck(settings.database_url)}
    if queue is not None:
        checks["queue"] = QueueCheck(queue)
    if settings.redis_url:
        checks["workers"] = WorkersCheck(settings.redis_url, getattr(queue, "queue_name", queue_name))
    return checks


class HttpServer:
    """Runs an application on ``host:port`` until :meth:`stop`; ``port`` 0 picks a free one (see :attr:`port`)."""

    def __init__(self, app: web.Application, host: str, port: int) -> None:
        self.app = app
        self.host = host
        self._requested_port = port
        self._runner: web.AppRunner | None = None
        self._site: web.TCPSite | None = None

    @property
    def port(self) -> int:
        """The port actually listened on."""
        if self._runner is None or not self._runner.addresses:
            return self._requested_port
        return self._runner.addresses[0][1]

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    async def start(self) -> None:
        self._runner = web.AppRunner(self.app, access_log=None)
        await self._runner.setup()
        self._site = web.TCPSite(self._runner, self.host, self._requested_port)
        try:
            await self._site.start()
        except OSError:
            await self._runner.cleanup()
            self._runner = None
            raise
        log.info("HTTP server on %s (/healthz, /readyz, /metrics)", self.url)

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = self._site = None


async def start_http(settings: Any, *, queue: Any = None, mount: Iterable[Mount] = ()) -> HttpServer:
    """Build the bot's server (checks for ``settings``/``queue``), let ``mount`` add routes, and start it.

    Raises :class:`reelbot.config.ConfigError` when the port cannot be opened, so start-up stops with one line.
    """
    from reelbot.config import ConfigError

    before_scrape = [partial(observe_queue, queue)] if queue is not None else []
    app = build_app(checks=bot_checks(settings, queue), before_scrape=before_scrape)
    for add in mount:
        add(app)
    server = HttpServer(app, settings.http_host, settings.http_port)
    try:
        await server.start()
    except OSError as exc:
        raise ConfigError(f"REELBOT_HTTP_HOST/REELBOT_HTTP_PORT: cannot listen on "
                          f"{settings.http_host}:{settings.http_port} ({exc.strerror or exc})") from None
    return server
