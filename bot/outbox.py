"""Publish and subscribe: what the core says later (progress, clips, failures), one queue per platform.

Jobs finish long after the message that asked for them was answered; their messages wait here until the
platform's adapter takes them. Nothing is lost to a slow adapter: the queues are unbounded and in order.
A subscriber also rescans the job rows, when it starts and every few seconds after: jobs that finished
while no process listened (a restart) or in another local process reach their chat from the rows.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import defaultdict
from collections.abc import AsyncIterator, Awaitable, Callable

from bot.messages import Outgoing

log = logging.getLogger(__name__)

#: Seconds between rescans of the job rows while a platform is subscribed (one indexed query each).
RESCAN_EVERY_S = 2.0


class Outbox:
    """Per-platform queues of Outgoing; ``before_first`` runs when a subscriber starts and then every
    ``rescan_every_s`` while it stays subscribed (re-delivery from the rows)."""

    def __init__(self, rescan_every_s: float = RESCAN_EVERY_S) -> None:
        self._queues: dict[str, asyncio.Queue[Outgoing]] = defaultdict(asyncio.Queue)
        self._subscribers: dict[str, int] = defaultdict(int)
        self.rescan_every_s = rescan_every_s

    def publish(self, platform: str, out: Outgoing) -> None:
        self._queues[platform].put_nowait(out)

    def subscribed(self, platform: str) -> bool:
        """Whether an adapter in this process takes ``platform``'s messages (else another process must)."""
        return self._subscribers[platform] > 0

    def pending(self, platform: str) -> int:
        """Messages published for ``platform`` and not yet taken by its subscriber."""
        return self._queues[platform].qsize()

    async def next(self, platform: str) -> Outgoing:
        """The oldest message waiting for ``platform`` (waits for one)."""
        return await self._queues[platform].get()

    async def stream(
        self, platform: str, before_first: Callable[[str], Awaitable[None]] | None = None
    ) -> AsyncIterator[Outgoing]:
        """Every message for ``platform``, forever."""
        self._subscribers[platform] += 1
        try:
            if before_first is None:
                while True:
                    yield await self.next(platform)
            await before_first(platform)
            rescans = asyncio.create_task(self._rescan(platform, before_first), name=f"reelbot-rescan-{platform}")
            try:
                while True:
                    yield await self.next(platform)
            finally:
                rescans.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await rescans
        finally:
            self._subscribers[platform] -= 1

    async def _rescan(self, platform: str, scan: Callable[[str], Awaitable[None]]) -> None:
        while True:
            await asyncio.sleep(self.rescan_every_s)
            try:
                await scan(platform)
            except Exception:  # noqa: BLE001  (a database hiccup must not end the subscription)
                log.exception("rescanning undelivered jobs for %s failed", platform)
