"""Picture cards in the chat: a photo sent to an open storyboard draft becomes a card whose words the captioner
writes, the user replaces them, and the render pins the photo at the card's time.

Real BotService on SQLite, the in-process queue with the tiny video pipeline, and a tiny captioner of the
embedded architecture running on the caption thread beside the local worker.
"""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image
from sqlmodel import select

from bot.models import Storyboard
from engine.captioner import load_captioner
from engine.media import load_video
from tests.integration.bot.conftest import image_attachment


@pytest.fixture
async def service(bot_settings, tiny_captioner_dir):
    from reelbot.app import build_service

    service = await build_service(bot_settings.model_copy(update={"captioner": str(tiny_captioner_dir)}))
    try:
        yield service
    finally:
        await service.close()


def gradient(path, size=(96, 64)):
    """Slow colour gradients: a picture the tiny model reproduces when it is pinned at a frame."""
    width, height = size
    y, x = np.mgrid[0:height, 0:width].astype(np.float32)
    frame = np.stack([127 + 100 * np.sin(x / width * 3), 127 + 100 * np.cos(y / height * 3),
                      np.full_like(x, 150)], axis=-1)
    Image.fromarray(np.clip(frame, 0, 255).astype(np.uint8)).save(path)
    return path


def diff(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.abs(a.astype(np.float32) - b.astype(np.float32)).mean())


async def cards_of(service):
    async with service.sessions() as session:
        return (await session.execute(select(Storyboard))).scalars().one().cards


@pytest.mark.slow
async def test_a_photo_becomes_a_card_with_written_words_that_can_be_replaced_and_pins_its_frame(
        service, listen, tmp_path, tiny_captioner_dir):
    dana = listen("dana")
    photo = gradient(tmp_path / "beach.png")
    written = load_captioner(str(tiny_captioner_dir), "cpu").caption(Image.open(photo), "en").text
    assert written  # the tiny captioner always writes something

    await dana.say("add a card at 0s: a quiet beach at dawn")
    [reply] = await dana.say("at 3s", attachments=[image_attachment(photo)])
    assert f"Picture card 2 at 3 s: \u201c{written}\u201d" in reply.text and "card 2: \u2026" in reply.text
    assert [(card["at"], card["prompt"], card.get("image")) for card in await cards_of(service)] == [
        (0.0, "a quiet beach at dawn", None), (3.0, written, str(photo))]

    [changed] = await dana.say("card 2: a red kite over the beach")
    assert changed.text == "Card 2 at 3 s now reads: \u201ca red kite over the beach\u201d."
    assert (await cards_of(service))[1]["prompt"] == "a red kite over the beach"

    await dana.say("render")
    [clip] = [out for out in await dana.outcome() if out.kind == "clip"]
    video = load_video(clip.clip_path)
    fps = round(video.fps)
    pinned = np.asarray(Image.open(photo).convert("RGB").resize((video.frames.shape[2], video.frames.shape[1])))
    at_card, before = diff(video.frames[3 * fps], pinned), diff(video.frames[fps], pinned)
    print(f"mean abs diff to the photo: frame at 3 s {at_card:.1f}, frame at 1 s {before:.1f}")
    assert at_card < 15 and 2 * at_card < before


async def test_words_typed_with_the_photo_are_its_text_and_a_bad_image_is_refused_in_chinese(service, listen, tmp_path):
    eve = listen("eve")
    photo = gradient(tmp_path / "kite.png")
    await eve.say("在第0秒加一个镜头：海边的清晨")
    [reply] = await eve.say("第2秒：一只红色风筝", attachments=[image_attachment(photo)])
    assert reply.text.startswith("第 2 张卡片（第 2 秒，图片）：“一只红色风筝”")

    broken = tmp_path / "broken.jpg"
    broken.write_bytes(b"not a picture at all")
    [refused] = await eve.say("第4秒", attachments=[image_attachment(broken)])
    assert refused.text.startswith("无法使用这个文件")
    [again] = await eve.say("卡片5：不存在")
    assert again.text == "没有第 5 张卡片：分镜共有 2 张。"


async def test_without_a_caption_or_time_a_photo_goes_after_the_last_card_and_a_failed_caption_is_explained(
        bot_settings, tmp_path):
    from bot.messages import Incoming
    from reelbot.app import build_service

    broken_captioner = bot_settings.model_copy(update={"captioner": str(tmp_path / "no-such-captioner")})
    service = await build_service(broken_captioner)
    try:
        def say(text, attachments=()):
            return service.handle(Incoming(platform="console", chat_id="c-frank", user_id="frank", user_name="frank",
                                           text=text, attachments=tuple(attachments)))

        await say("add a card at 1s: a lighthouse")
        [reply] = await say("", attachments=[image_attachment(gradient(tmp_path / "sea.png"))])
    finally:
        await service.close()
    assert reply.text.startswith("Picture card 2 added at 4 s, but I couldn't write its text this time.")
