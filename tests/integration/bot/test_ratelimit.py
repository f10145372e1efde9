"""Message rate limits in a conversation: over the limit, one "please wait", then silence; others unaffected."""

from __future__ import annotations

import pytest

from tests.integration.bot.test_conversation import texts_of


@pytest.fixture
def bot_settings(bot_settings):
    return bot_settings.model_copy(update={"limits": bot_settings.limits.model_copy(update={"messages_per_minute": 3})})


async def test_a_user_over_the_message_limit_is_asked_once_to_slow_down_and_then_ignored(service, listen):
    rita, sam = listen("rita"), listen("sam")
    for _ in range(3):
        assert "credits" in texts_of(await rita.say("balance"))

    told = texts_of(await rita.say("balance"))
    ignored = await rita.say("balance")

    assert "too fast" in told and "please wait" in told
    assert ignored == []
    assert "credits" in texts_of(await sam.say("balance"))
