"""Storyboard drafts in the chat: the Mini App's "Open timeline" button, one way from a draft to a job, and the
draft as a board (what Discord draws), edited card by card."""

from __future__ import annotations

from dataclasses import replace

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


# -- the board: the draft as platforms draw it, edited card by card ------------------------------------------------


async def board_turn(service, user: str = "alice", *, language: str | None = None):
    """The turn a board press makes: no words, the platform's language hint."""
    return await service.turn(replace(say("", user=user, platform="discord"), language=language))


async def test_the_board_shows_the_typed_draft_with_times_texts_price_and_buttons_in_the_users_language(service):
    from bot.credits import quote

    await service.handle(say("add a card at 0s: a seed in the soil", platform="discord"))
    await service.handle(say("add a card at 5s: a tree grows tall", platform="discord"))
    turn = await board_turn(service)

    board = await service.storyboards.board(turn)

    owner = turn.user.id
    assert [(card.at, card.prompt, card.image) for card in board.cards] == [
        (0, "a seed in the soil", None), (5, "a tree grows tall", None)]
    assert [b.payload for b in board.cards[1].buttons] == [f"sbedit:{owner}_5", f"sbdel:{owner}_5"]
    assert [(b.label, b.payload) for b in board.buttons] == [("Add card", f"sbadd:{owner}"),
                                                             ("Render", f"sbrender:{owner}")]
    async with service.sessions() as session:
        draft = (await session.execute(select(Storyboard))).scalars().one()
        expected = quote(board_order(turn.user, draft.cards, draft.settings).spec, service.config.pricing)
    assert board.price == expected and f"{expected} credits" in board.summary
    assert board.summary.startswith(f"2 card(s) \u00b7 16:9 \u00b7 480p \u00b7 {board.duration_s} s")

    chinese = await service.storyboards.board(await board_turn(service, "bo", language="zh-CN"))
    assert chinese.cards == () and chinese.price is None
    assert [b.label for b in chinese.buttons] == ["添加卡片"] and chinese.title == "分镜"


async def test_cards_added_moved_and_removed_on_the_board_are_the_draft_the_chat_renders(service, tmp_path):
    from PIL import Image

    from bot.errors import UserError
    from bot.messages import Attachment

    picture = tmp_path / "cat.png"
    Image.new("RGB", (64, 48), "orange").save(picture)
    turn = await board_turn(service)
    boards = service.storyboards

    await boards.add_card(turn, 0.0, "a quiet street")
    await boards.add_card(turn, 2.0, "", Attachment(kind="image", path=str(picture), size_bytes=picture.stat().st_size))
    board = await boards.change_card(turn, 0.0, to=1.0, prompt="a quiet street at dawn")
    written = await boards.describe(str(picture), turn.lang)  # a picture without words gets the captioner's (#19)
    assert [(card.at, card.prompt, card.image) for card in board.cards] == [
        (1.0, "a quiet street at dawn", None), (2.0, written, str(picture))]

    for refused, code in [(boards.change_card(turn, 1.0, to=2.0), "board_time_taken"),
                          (boards.remove_card(turn, 7.0), "board_no_card"),
                          (boards.add_card(turn, 3.0, "   "), "need_prompt"),
                          (boards.change_card(turn, 1.0, prompt=""), "need_prompt")]:
        with pytest.raises(UserError) as error:
            await refused
        assert error.value.code == code
    assert [card.at for card in (await boards.board(turn)).cards] == [1.0, 2.0]  # nothing written

    await boards.add_card(turn, 4.0, "the street fills with people")
    await boards.remove_card(turn, 4.0)
    progress = (await service.handle(say("render", platform="discord")))[-1]
    job = await service.queue.get(int(progress.progress_key.removeprefix("job:")))
    assert [(c["at_s"], c["prompt"], c["image"]) for c in job.spec["cards"]] == [
        (1.0, "a quiet street at dawn", None), (2.0, written, str(picture))]


async def test_only_the_owner_may_press_a_boards_buttons_and_a_switched_off_chat_has_no_board(service):
    from bot import dialogue
    from bot.database import transaction
    from bot.errors import UserError
    from bot.models import Chat
    from bot.storyboards import board_press

    alice, bob = await board_turn(service), await board_turn(service, "bob")
    press = board_press(f"sbdel:{alice.user.id}_0")
    service.storyboards.check_press(alice, press)
    with pytest.raises(UserError) as error:
        service.storyboards.check_press(bob, press)
    assert error.value.code == "board_not_yours"

    async with transaction(service.sessions) as session:
        dialogue.set_disabled(await session.get(Chat, alice.chat.id), True)
    with pytest.raises(UserError) as error:
        await service.storyboards.board(await board_turn(service))
    assert error.value.code == "board_chat_disabled"
