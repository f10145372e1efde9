"""Storyboard drafts in the chat: the Mini App's "Open timeline" button, and one way from a draft to a job."""

from __future__ import annotations

import pytest
from sqlmodel import select

from bot.messages import Incoming
from bot.models import Storyboard, User
from bot.storyboards import board_order


def say(text: str, *, user: str = "alice", platform: str = "telegram", group: bool = False) -> Incoming:
    chat = "-100200" if group else user
    return Incoming(platform=platform, chat_id=chat, user_id=user, user_name=user, text=text, is_group=group)


@pytest.fixture
async def public_service(bot_settings):
    from reelbot.app import build_service

    service = await build_service(bot_settings.model_copy(update={"public_url": "https://bot.example.org"}))
    try:
        yield service
    finally:
        await service.close()


async def test_with_a_public_url_draft_replies_offer_the_timeline_and_without_one_they_do_not(service, public_service):
    for text in ("add a card at 0s: a seed in the soil", "show the storyboard"):
        reply = (await public_service.handle(say(text)))[-1]  # after the newcomer's welcome
        [button] = reply.buttons
        assert (button.label, button.web_app_url) == ("Open timeline", "https://bot.example.org/app/")
    reply = (await public_service.handle(say("在2秒处添加卡片：一棵树", user="bo")))[-1]
    assert reply.buttons[-1].label == "打开时间线"

    reply = (await service.handle(say("add a card at 0s: a seed in the soil")))[-1]
    assert "Card added" in reply.text and reply.buttons == ()


async def test_a_draft_rendered_in_the_chat_keeps_the_shape_and_pictures_the_app_gave_it(service, tmp_path):
    from PIL import Image

    picture = tmp_path / "cat.png"
    Image.new("RGB", (64, 48), "orange").save(picture)
    await service.handle(say("add a card at 0s: a quiet street"))
    async with service.sessions() as session, session.begin():
        board = (await session.execute(select(Storyboard))).scalars().one()
        board.cards = [*board.cards, {"at": 2.0, "prompt": "", "image": str(picture)}]
        board.settings = {"aspect": "9:16", "resolution": "720p", "duration_s": 4}
        user = await session.get(User, board.user_id)
        expected = board_order(user, board.cards, board.settings).spec

    progress = (await service.handle(say("render")))[-1]
    job = await service.queue.get(int(progress.progress_key.removeprefix("job:")))
    assert job.spec == expected.model_dump(mode="json")
    settings = job.spec["settings"]
    assert (settings["aspect"], settings["resolution"], settings["duration_s"]) == ("9:16", "720p", 4)
    assert [card["image"] for card in job.spec["cards"]] == [None, str(picture)]
