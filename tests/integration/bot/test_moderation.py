"""Moderation in a conversation: a block-listed word in English or Chinese is refused before any credits are
reserved, in the user's language, and counted."""

from __future__ import annotations

import pytest

from bot.credits import RESERVE
from bot.metrics import PROMPTS_REFUSED
from bot.moderation import ModerationOptions
from tests.integration.bot.test_conversation import texts_of


@pytest.fixture
def bot_settings(bot_settings):
    return bot_settings.model_copy(update={"moderation": ModerationOptions(block_words=["gore", "血腥"])})


async def ledger_kinds(service, user_key: str) -> list[str]:
    from bot.users import find_user

    async with service.sessions() as session:
        user = await find_user(session, user_key)
    return [entry.kind for entry in await service.ledger.entries(user.id)]


async def test_a_block_listed_word_in_english_or_chinese_is_refused_before_any_credits_are_reserved(service, listen):
    mia = listen("mia")
    refused_before = PROMPTS_REFUSED.labels("block_list")._value.get()

    english = texts_of(await mia.say("a zombie movie full of GORE, vertical, 5 s"))
    chinese = texts_of(await mia.say("一个很血腥的战斗场面，竖屏"))

    assert "content rules" in english and "Nothing was charged" in english
    assert "内容规则" in chinese and "未扣除" in chinese
    assert await ledger_kinds(service, "console:mia") == ["welcome"]  # no reservation, no refund: nothing moved
    assert RESERVE not in await ledger_kinds(service, "console:mia")
    assert "200 credits" in texts_of(await mia.say("balance"))
    assert PROMPTS_REFUSED.labels("block_list")._value.get() == refused_before + 2


async def test_an_edit_instruction_is_checked_too(service, listen):
    noa = listen("noa")
    await noa.say("hi")
    from bot.models import Clip
    from bot.users import find_user

    async with service.sessions() as session, session.begin():
        user = await find_user(session, "console:noa")
        clip = Clip(user_id=user.id, op="generate", prompt="a red ball", path="/nonexistent/clip.mp4")
        session.add(clip)
        await session.flush()

    answer = texts_of(await noa.say("make it full of gore", reply_to=clip.id))

    assert "content rules" in answer
    assert await ledger_kinds(service, "console:noa") == ["welcome"]
