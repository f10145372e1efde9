"""The bot process's one HTTP server: health, metrics, and whatever other parts mount (webhooks, the Mini App).

Offers :func:`build_app` (the ``aiohttp.web.Application`` with ``/healthz``, ``/readyz`` and ``/metrics``, to
which callers add routes or sub-applications before it starts), :class:`HttpServer` (start/stop inside the
running asyncio loop, beside the chat adapters), the readiness checks in :mod:`reelbot.http.checks`, and
:func:`start_http`, which the composition root calls with the settings and the running queue::

    server = await start_http(settings, queue=service.queue,
                              mount=[lambda app: app.add_subapp("/app/", build_miniapp(...))])
    ...
    await server.stop()
"""

from reelbot.http.server import HttpServer, build_app, start_http

__all__ = ["HttpServer", "build_app", "start_http"]
