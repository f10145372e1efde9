"""``/metrics``: prometheus_client's default registry in Prometheus text format.

Gauges that describe shared state (the queue's depth) are refreshed by async hooks just before each scrape; a
hook that fails is logged and the scrape still answers with everything else.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, generate_latest

log = logging.getLogger(__name__)

Refresh = Callable[[], Awaitable[None]]

#: aiohttp key of the hooks run before each scrape.
BEFORE_SCRAPE = web.AppKey("reelbot.before_scrape", list[Refresh])


async def metrics(request: web.Request) -> web.Response:
    for refresh in request.app[BEFORE_SCRAPE]:
        try:
            await refresh()
        except Exception:  # noqa: BLE001  (stale gauges beat no metrics at all)
            log.warning("metrics refresh %s failed", getattr(refresh, "__name__", refresh), exc_info=True)
    body = generate_latest(REGISTRY)
    return web.Response(body=body, headers={"Content-Type": CONTENT_TYPE_LATEST})
