"""A picture card added on the Mini App's timeline without words gets the words the core's captioner writes,
in the user's language, as a photo sent to the chat's draft does."""

from __future__ import annotations

from io import BytesIO

import pytest
from PIL import Image

from engine.captioner import load_captioner
from tests.e2e.miniapp.conftest import tma


@pytest.fixture
def bot_settings(bot_settings, tiny_captioner_dir):
    return bot_settings.model_copy(update={"captioner": str(tiny_captioner_dir)})


async def test_a_picture_card_without_words_gets_the_captioners_words_and_typed_words_are_kept(
        client, init_data, tiny_captioner_dir):
    from aiohttp import FormData

    image = Image.new("RGB", (64, 48), (30, 90, 200))
    buffer = BytesIO()
    image.save(buffer, format="PNG")
    written = load_captioner(str(tiny_captioner_dir), "cpu").caption(image, "zh").text
    headers = tma(init_data(7002, "zh"))

    async def add(at: str, prompt: str) -> dict:
        form = FormData()
        form.add_field("at", at)
        form.add_field("prompt", prompt)
        form.add_field("image", buffer.getvalue(), filename="sky.png", content_type="image/png")
        response = await client.post("/app/api/board/image-cards", headers=headers, data=form)
        assert response.status == 201, await response.text()
        return await response.json()

    await add("0", "")
    board = await add("2", "蓝天")
    assert [(card["at"], card["prompt"], card["image"]) for card in board["cards"]] == [
        (0.0, written, True), (2.0, "蓝天", True)]
    assert written
