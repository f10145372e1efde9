"""Message rate limits in a conversation: over the limit, one "please wait", then silence; others unaffected;
the console (the operator's own terminal, and scripts) is not limited."""

from __future__ import annotations

import pytest

from tests.integration.bot.conftest import Chat as Talk
from tests.integration.bot.test_conversation import texts_of


@pytest.fixture
def bot_settings(bot_settings):
    return bot_settings.model_copy(update={"limits": bot_settings.limits.model_copy(update={"messages_per_minute": 3})})


async def test_a_user_over_the_message_limit_is_asked_once_to_slow_down_and_then_ignored(service):
    rita, sam = Talk(service, "11", "11", "telegram"), Talk(service, "12", "12", "telegram")
    for _ in range(3):
        assert "credits" in texts_of(await rita.say("balance"))

    told = texts_of(await rita.say("balance"))
    ignored = await rita.say("balance")

    assert "too fast" in told and "please wait" in told
    assert ignored == []
    assert "credits" in texts_of(await sam.say("balance"))


async def test_the_console_is_not_rate_limited(service, listen):
    wes = listen("wes")
    answers = [texts_of(await wes.say("balance")) for _ in range(5)]
    assert all("credits" in answer for answer in answers)
