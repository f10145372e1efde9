"""``/healthz`` (the process answers) and ``/readyz`` (what it needs answers too), for load balancers and probes.

A readiness check is an async callable returning ``None`` when its dependency is fine, or the reason it is not.
Every check runs on every request, concurrently and each under a timeout, so one hung dependency shows up as
its own reason instead of hanging the probe.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from aiohttp import web

Check = Callable[[], Awaitable[str | None]]

#: Seconds one readiness check may take before it counts as not answering.
CHECK_TIMEOUT_S = 3.0
#: aiohttp key of the named readiness checks.
CHECKS = web.AppKey("reelbot.checks", dict[str, Check])


async def healthz(request: web.Request) -> web.Response:
    """The process is up and its event loop turns."""
    return web.json_response({"status": "ok"})


async def readyz(request: web.Request) -> web.Response:
    """200 when every check passes; 503 naming each failing check and why."""
    checks = request.app[CHECKS]
    reasons = await asyncio.gather(*(_run(check) for check in checks.values()))
    results = {name: reason or "ok" for name, reason in zip(checks, reasons)}
    ready = not any(reasons)
    return web.json_response({"status": "ready" if ready else "not ready", "checks": results},
                             status=200 if ready else 503)


async def _run(check: Check) -> str | None:
    try:
        return await asyncio.wait_for(check(), CHECK_TIMEOUT_S)
    except TimeoutError:
        return f"no answer within {CHECK_TIMEOUT_S:g} s"
    except Exception as exc:  # noqa: BLE001  (a check that breaks is a dependency that is not ready)
        return describe(exc)


def describe(exc: BaseException) -> str:
    """One short line about an error, for a probe's body (never a traceback)."""
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return f"{type(exc).__name__}: {text}"[:200] if text else type(exc).__name__
