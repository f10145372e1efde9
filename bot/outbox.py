"""Publish and subscribe: what the core says later (progress, clips, failures), one queue per platform.

Jobs finish long after the message that asked for them was answered; their messages wait here until the
platform's adapter takes them. Nothing is lost to a slow adapter: the queues are unbounded and in order.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import AsyncIterator, Awaitable, Callable

from bot.messages import Outgoing


class Outbox:
    """Per-platform queues of Outgoing; ``before_first`` runs when a subscriber starts (re-delivery)."""

    def __init__(self) -> None:
        self._queues: dict[str, asyncio.Queue[Outgoing]] = defaultdict(asyncio.Queue)

    def publish(self, platform: str, out: Outgoing) -> None:
        self._queues[platform].put_nowait(out)

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
        if before_first is not None:
            await before_first(platform)
        while True:
            yield await self.next(platform)
