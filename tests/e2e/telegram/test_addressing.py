"""Groups: the bot speaks only when mentioned, replied to, or addressed by command; private chats always."""

from __future__ import annotations

import pytest
from telegram import Update

from adapters.telegram.addressing import addressed_text
from tests.e2e.telegram.fake_bot_api import FakeBotApi

api = FakeBotApi()
BOT_ID, BOT_NAME = api.bot["id"], api.bot["username"]
GROUP = api.chat(-100777, group=True)


def message(text: str, **kwargs):
    return Update.de_json({"update_id": 1, **api.message(text, **kwargs)}, None).message


def test_every_private_message_is_for_the_bot():
    assert addressed_text(message("a cat on a sofa"), BOT_ID, BOT_NAME) == "a cat on a sofa"


@pytest.mark.parametrize("chatter", ["nice weather today", "@someone_else look at this", "/video@other_bot a cat"])
def test_group_chatter_and_other_bots_commands_are_ignored(chatter):
    assert addressed_text(message(chatter, chat=GROUP), BOT_ID, BOT_NAME) is None


def test_a_mention_is_answered_without_the_mention():
    text = f"hey @{BOT_NAME.upper()} 🎬 a cat on a sofa, vertical"
    assert addressed_text(message(text, chat=GROUP), BOT_ID, BOT_NAME) == "hey 🎬 a cat on a sofa, vertical"


@pytest.mark.parametrize("command", [f"/video@{BOT_NAME} a cat", "/video a cat"])
def test_a_command_to_this_bot_is_answered_as_a_plain_command(command):
    assert addressed_text(message(command, chat=GROUP), BOT_ID, BOT_NAME) == "/video a cat"


def test_a_reply_to_the_bot_is_answered():
    clip = {"message_id": 5, "date": 0, "chat": GROUP, "from": api.bot, "caption": "#12"}
    assert addressed_text(message("make it blue", chat=GROUP, reply_to=clip), BOT_ID, BOT_NAME) == "make it blue"


def test_a_photo_caption_mentioning_the_bot_is_answered():
    update = api.photo_message(b"\xff\xd8" + b"p" * 200, caption=f"@{BOT_NAME} animate this", chat=GROUP)
    photo = Update.de_json({"update_id": 2, **update}, None).message
    assert addressed_text(photo, BOT_ID, BOT_NAME) == "animate this"
