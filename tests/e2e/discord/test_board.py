"""The storyboard board on Discord: the real discord.py client, the fake Discord, the real BotService.

``/storyboard`` without cards draws the chat's draft as a components-v2 layout; its buttons and modals edit
the same draft rows the typed "add a card at 5s: ..." edits, and Render queues the job the typed "render" does.
"""

from __future__ import annotations

import io
import os
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from sqlmodel import select

from bot.models import Storyboard
from engine.queue.models import Job
from reelbot.config import Settings
from tests.e2e.discord.conftest import running
from tests.e2e.discord.fake_discord import (
    CALLBACK_DEFERRED_UPDATE,
    CALLBACK_MESSAGE,
    CALLBACK_MODAL,
    EPHEMERAL,
    FakeDiscord,
)

os.environ.setdefault("HF_HUB_OFFLINE", "1")

#: Discord's message flag for a components-v2 layout.
IS_COMPONENTS_V2 = 1 << 15
#: Component types as Discord numbers them.
ACTION_ROW, BUTTON, TEXT_INPUT, SECTION, TEXT_DISPLAY, THUMBNAIL, CONTAINER, LABEL, FILE_UPLOAD = (
    1, 2, 4, 9, 10, 11, 17, 18, 19)

pytestmark = pytest.mark.slow  # a real service on the tiny model starts in each test


@pytest.fixture
def real_settings(settings: Settings, tiny_model_dir: Path) -> Settings:
    return settings.model_copy(update={"model": str(tiny_model_dir), "device": "cpu"})


def walk(components: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Every component of a layout, depth first, as Discord receives them."""
    found = []
    for component in components:
        found.append(component)
        found += walk(component.get("components", []))
        for key in ("accessory", "component"):
            if key in component:
                found += walk([component[key]])
    return found


def texts(message: dict[str, Any]) -> list[str]:
    return [c["content"] for c in walk(message["components"]) if c["type"] == TEXT_DISPLAY]


def buttons(message: dict[str, Any]) -> list[str]:
    return [c["custom_id"] for c in walk(message["components"]) if c["type"] == BUTTON]


def png(colour: str) -> bytes:
    data = io.BytesIO()
    Image.new("RGB", (96, 64), colour).save(data, format="PNG")
    return data.getvalue()


async def add_card_typed(fake: FakeDiscord, text: str) -> None:
    """Alice types a card to the bot in the channel, and the bot has confirmed it (after a first welcome)."""
    after = len(fake.history)
    await fake.dispatch("MESSAGE_CREATE", fake.user_message(text, user=fake.alice, mention_bot=True))
    await fake.wait_for_message(lambda m: m["content"].startswith("Card added"), after=after)


async def show_board(fake: FakeDiscord) -> dict[str, Any]:
    command = fake.slash_command("storyboard", user=fake.alice)
    await fake.dispatch("INTERACTION_CREATE", command)
    await fake.wait_until(lambda: fake.interactions[command["id"]].original_message_id)
    assert fake.callbacks(command)[0]["type"] == CALLBACK_MESSAGE
    return fake.messages[fake.interactions[command["id"]].original_message_id]


async def answered(fake: FakeDiscord, payload: dict[str, Any], board: dict[str, Any]) -> dict[str, Any]:
    """Send an interaction on the board; the bot's first answer, and once it deferred, its edit of the board."""
    edits = len(fake.versions(board["id"]))
    await fake.dispatch("INTERACTION_CREATE", payload)
    await fake.wait_until(lambda: fake.callbacks(payload))
    answer = fake.callbacks(payload)[0]
    if answer["type"] == CALLBACK_DEFERRED_UPDATE:
        await fake.wait_until(lambda: len(fake.versions(board["id"])) > edits)
    return answer


async def press(fake: FakeDiscord, message: dict[str, Any], custom_id: str, *, user: dict | None = None
                ) -> dict[str, Any]:
    """Press a board button; the bot's first answer to the press (a modal, a refusal, or a deferred edit)."""
    return await answered(fake, fake.button_press(message, custom_id, user=user or fake.alice), message)


async def submit(fake: FakeDiscord, modal: dict[str, Any], message: dict[str, Any], at: str, words: str,
                 picture: bytes | None = None) -> dict[str, Any]:
    """Fill in the card modal (time, words, optionally a picture) and submit it; the bot's answer."""
    inputs = [row["component"] for row in modal["components"]]
    time_input, words_input, upload = inputs
    uploads = {upload["custom_id"]: ("cat.png", picture, "image/png")} if picture is not None else None
    payload = fake.modal_submit(modal, {time_input["custom_id"]: at, words_input["custom_id"]: words},
                                user=fake.alice, uploads=uploads, message=message)
    return await answered(fake, payload, message)


async def draft_cards(bot: Any) -> list[dict[str, Any]]:
    async with bot.service.sessions() as session:
        drafts = (await session.execute(select(Storyboard).where(Storyboard.status == "draft"))).scalars().all()
        return [card for draft in drafts for card in draft.cards]


async def test_the_board_is_a_components_v2_layout_of_the_draft_and_follows_cards_typed_in_the_channel(
    real_settings, fake
):
    async with running(real_settings, fake) as bot:
        await add_card_typed(fake, "add a card at 0s: a seed in the soil")
        await add_card_typed(fake, "add a card at 5s: a tree grows tall")

        board = await show_board(fake)

        assert board["flags"] & IS_COMPONENTS_V2 and not board["content"] and not board["embeds"]
        [container] = board["components"]
        assert container["type"] == CONTAINER
        header, *cards = texts(board)
        assert header.startswith("## Storyboard\n2 card(s) \u00b7 16:9 \u00b7 480p") and "credits" in header
        assert cards == ["**0 s** \u00b7 a seed in the soil", "**5 s** \u00b7 a tree grows tall"]
        async with bot.service.sessions() as session:
            owner = (await session.execute(select(Storyboard))).scalars().one().user_id
        assert buttons(board) == [f"reelbot:sbedit:{owner}_0", f"reelbot:sbdel:{owner}_0",
                                  f"reelbot:sbedit:{owner}_5", f"reelbot:sbdel:{owner}_5",
                                  f"reelbot:sbadd:{owner}", f"reelbot:sbrender:{owner}"]

        await add_card_typed(fake, "add a card at 8s: the tree blossoms")
        answer = await press(fake, board, f"reelbot:sbdel:{owner}_0")

        assert answer["type"] == CALLBACK_DEFERRED_UPDATE
        edited = fake.messages[board["id"]]
        assert edited["flags"] & IS_COMPONENTS_V2
        assert texts(edited)[1:] == ["**5 s** \u00b7 a tree grows tall", "**8 s** \u00b7 the tree blossoms"]
        assert [card["at"] for card in await draft_cards(bot)] == [5, 8]


async def test_cards_are_added_with_a_picture_and_edited_in_modals_strangers_are_refused_and_render_queues_the_job(
    real_settings, fake
):
    async with running(real_settings, fake) as bot:
        board = await show_board(fake)
        assert texts(board)[0].startswith("## Storyboard\nThe storyboard is empty.")
        [add] = buttons(board)
        assert add.startswith("reelbot:sbadd:")

        modal = await press(fake, board, add)
        assert modal["type"] == CALLBACK_MODAL
        assert [row["type"] for row in modal["data"]["components"]] == [LABEL, LABEL, LABEL]
        assert [row["component"]["type"] for row in modal["data"]["components"]] == [TEXT_INPUT, TEXT_INPUT,
                                                                                     FILE_UPLOAD]
        answer = await submit(fake, modal["data"], board, "2.5 s", "a cat on a wall", png("orange"))

        assert answer["type"] == CALLBACK_DEFERRED_UPDATE
        board = fake.messages[board["id"]]
        [section] = [c for c in walk(board["components"]) if c["type"] == SECTION]
        assert section["components"][0]["content"] == "**2.5 s** \u00b7 a cat on a wall"
        assert section["accessory"]["type"] == THUMBNAIL
        assert section["accessory"]["media"]["url"] == "attachment://card-0.png"
        assert [a["filename"] for a in board["attachments"]] == ["card-0.png"]
        [card] = await draft_cards(bot)
        assert (card["at"], card["prompt"]) == (2.5, "a cat on a wall") and Path(card["image"]).is_file()
        picture = card["image"]

        edit = next(b for b in buttons(board) if ":sbedit:" in b)
        modal = await press(fake, board, edit)
        time_input, words_input, _ = [row["component"] for row in modal["data"]["components"]]
        assert (time_input["value"], words_input["value"]) == ("2.5", "a cat on a wall")
        await submit(fake, modal["data"], board, "3", "a cat jumps off the wall")
        board = fake.messages[board["id"]]
        assert "**3 s** \u00b7 a cat jumps off the wall" in texts(board)
        assert await draft_cards(bot) == [{"at": 3.0, "prompt": "a cat jumps off the wall", "image": picture}]

        refusal = await press(fake, board, next(b for b in buttons(board) if ":sbdel:" in b), user=fake.bob)
        assert refusal["type"] == CALLBACK_MESSAGE and refusal["data"]["flags"] & EPHEMERAL
        assert "someone else's" in refusal["data"]["content"]
        assert len(await draft_cards(bot)) == 1

        render = next(b for b in buttons(board) if ":sbrender:" in b)
        after = len(fake.history)
        assert (await press(fake, board, render))["type"] == CALLBACK_DEFERRED_UPDATE
        emptied = fake.messages[board["id"]]
        assert texts(emptied)[0].startswith("## Storyboard\nThe storyboard is empty.")
        assert buttons(emptied) == [add]
        progress = await fake.wait_for_message(lambda m: m["id"] != board["id"] and "#" in m["content"], after=after)
        async with bot.service.sessions() as session:
            [job] = (await session.execute(select(Job))).scalars().all()
            rendered = (await session.execute(select(Storyboard))).scalars().one()
        assert f"#{job.id}" in progress["content"] and job.op == "storyboard"
        assert [(c["at_s"], c["prompt"], c["image"]) for c in job.spec["cards"]] == [
            (3.0, "a cat jumps off the wall", picture)]
        assert rendered.status == "rendered"
