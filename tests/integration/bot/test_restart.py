"""A bot restarted between a request and its result still delivers the clip, and charges it exactly once."""

from __future__ import annotations

import asyncio

from reelbot.app import build_service
from tests.integration.bot.conftest import Chat
from tests.integration.bot.test_conversation import clips_of


async def test_a_clip_finished_while_the_bot_was_down_is_delivered_after_restart(bot_settings):
    first = await build_service(bot_settings)
    try:
        await Chat(service=first, user="olga").say("a windmill turning, 2 s")
    finally:
        await first.close()  # the local worker finishes the job in hand; nobody delivered it

    second = await build_service(bot_settings)
    chat = Chat(service=second, user="olga", chat="chat-1")
    try:
        async def collect() -> None:
            async for out in second.subscribe("console"):
                chat.later.append(out)
                if out.kind == "clip":
                    await second.remember_message("console", out.chat_id, "m1", out.clip_id)

        listener = asyncio.create_task(collect())
        (clip,) = clips_of(await chat.outcome())
        assert "windmill" in clip.text
        user_id = await _olga(second)
        assert await second.ledger.balance(user_id) == 200 - 10  # 2 s x 5 credits, charged once
        assert await second.ledger.ledger_sum(user_id) == 190
        await asyncio.sleep(0.2)
        assert await second.queue.undelivered() == []
        listener.cancel()
    finally:
        await second.close()


async def _olga(service) -> int:
    from bot.users import find_user

    async with service.sessions() as session:
        return (await find_user(session, "console:olga")).id
