"""Publish and subscribe per platform (bot.outbox)."""

from __future__ import annotations

import asyncio

from bot.messages import Outgoing
from bot.outbox import Outbox


async def test_each_platform_gets_its_own_messages_in_order_after_the_re_delivery_hook():
    outbox, seen, hooked = Outbox(), [], []

    async def redeliver(platform: str) -> None:
        hooked.append(platform)
        outbox.publish(platform, Outgoing(kind="text", chat_id="1", text="from before the restart"))

    outbox.publish("telegram", Outgoing(kind="text", chat_id="1", text="first"))
    outbox.publish("discord", Outgoing(kind="text", chat_id="2", text="not for telegram"))
    outbox.publish("telegram", Outgoing(kind="text", chat_id="1", text="second"))
    assert outbox.pending("telegram") == 2

    async def take() -> None:
        async for out in outbox.stream("telegram", before_first=redeliver):
            seen.append(out.text)
            if len(seen) == 3:
                return

    await asyncio.wait_for(take(), 5)
    assert hooked == ["telegram"] and seen == ["first", "second", "from before the restart"]
    assert outbox.pending("discord") == 1
