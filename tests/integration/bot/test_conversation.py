"""Conversations end to end through BotService: real SQLite, the in-process queue, the tiny pipeline."""

from __future__ import annotations

import os

import pytest

from engine.media import probe
from tests.integration.bot.conftest import image_attachment


def clips_of(outs):
    return [out for out in outs if out.kind == "clip"]


def texts_of(outs):
    return "\n".join(out.text for out in outs if out.kind in ("text", "toast", "progress"))


async def test_generate_remix_by_reply_recut_loop_history_and_balance(service, listen):
    alice = listen("alice")

    queued = await alice.say("a grey cat on a sofa, vertical, 5 s")
    assert [out.kind for out in queued][-1] == "progress"
    first = clips_of(await alice.outcome())
    assert len(first) == 1
    info = probe(first[0].clip_path)
    assert info.width < info.height and round(info.duration_s) == 5

    await alice.say("make it blue", reply_to=first[0].clip_id)
    remix = clips_of(await alice.outcome())[0]
    assert "remix" in remix.text and f"#{first[0].clip_id}" in remix.text

    await alice.say("keep the first 2 seconds and make him jump")
    recut = clips_of(await alice.outcome())[0]
    assert "re-cut" in recut.text and f"#{remix.clip_id}" in recut.text

    await alice.say("loop it")
    loop = clips_of(await alice.outcome())[0]
    assert "loop" in loop.text and f"#{recut.clip_id}" in loop.text

    history = texts_of(await alice.say("history"))
    assert f"#{loop.clip_id}" in history and f"loop of #{recut.clip_id}" in history
    assert "a blue cat on a sofa" in history  # the remix was made from the source's description, changed

    user = await _user_id(service, "alice")
    ledger_balance = await service.ledger.balance(user)
    assert await service.ledger.ledger_sum(user) == ledger_balance
    # welcome 200 - generate 25 - remix 25 - recut (3 s generated) 15 - loop 25
    assert ledger_balance == 200 - 25 - 25 - 15 - 25
    assert f"{ledger_balance} credits" in texts_of(await alice.say("balance"))


async def test_storyboard_built_over_several_messages_renders(service, listen):
    bob = listen("bob")
    assert "1 card" in texts_of(await bob.say("add a card at 0s: a seed in the soil"))
    assert "2 card" in texts_of(await bob.say("add a card at 3s: a tree grows tall"))
    shown = texts_of(await bob.say("show the storyboard"))
    assert "0s: a seed in the soil" in shown and "3s: a tree grows tall" in shown
    await bob.say("render")
    (clip,) = clips_of(await bob.outcome())
    assert "storyboard" in clip.text
    assert round(probe(clip.clip_path).duration_s) == 8  # last card at 3 s + 5 s


async def test_an_expensive_job_asks_first_and_a_short_balance_is_explained(service, listen):
    carol = listen("carol")
    asked = await carol.say("a castle at dawn, 1080p, 20 seconds, 4 versions")
    confirm = [out for out in asked if out.buttons and out.buttons[0].payload.startswith("yes:")]
    assert confirm, texts_of(asked)
    assert "3200 credits" in confirm[0].text
    refused = texts_of(await carol.press(confirm[0].buttons[0].payload))
    assert "3200" in refused and "200" in refused and "/buy" in refused
    assert await service.ledger.balance(await _user_id(service, "carol")) == 200

    cheaper = [b.payload for b in confirm[0].buttons if b.payload.startswith("cheaper:")]
    assert cheaper
    # The token was used up by "yes": pressing again is a friendly expiry, not an error.
    assert "expired" in texts_of(await carol.press(cheaper[0]))


async def test_another_users_clip_is_refused_until_it_is_shared(service, listen):
    alice, mallory = listen("alice"), listen("mallory")
    await alice.say("a lighthouse in a storm")
    (clip,) = clips_of(await alice.outcome())

    refused = texts_of(await mallory.say(f"remix #{clip.clip_id}: at night"))
    assert "isn't yours" in refused
    toast = await mallory.press(f"remix:{clip.clip_id}")
    assert toast[0].kind == "toast" and "not your clip" in toast[0].text

    assert "public" in texts_of(await alice.say(f"share #{clip.clip_id}"))
    await mallory.say(f"remix #{clip.clip_id}: at night")
    (remix,) = clips_of(await mallory.outcome())
    assert f"remix of #{clip.clip_id} by alice" in remix.text


async def test_a_failed_job_is_refunded_and_explained(service, listen):
    dave = listen("dave")
    await dave.say("a red kite over a field")
    (clip,) = clips_of(await dave.outcome())
    user = await _user_id(service, "dave")
    before = await service.ledger.balance(user)

    os.remove(clip.clip_path)  # the source vanishes before the remix runs: the worker fails for real
    await dave.say("make it green", reply_to=clip.clip_id)
    said = texts_of(await dave.outcome())
    assert "failed" in said and "refunded" in said
    assert await service.ledger.balance(user) == before
    assert await service.ledger.ledger_sum(user) == before


async def test_chinese_messages_get_chinese_answers(service, listen):
    li = listen("li")
    queued = await li.say("一只柯基在日落时冲浪，竖屏，5秒")
    assert "排队" in texts_of(queued)
    (clip,) = clips_of(await li.outcome())
    assert "积分" in clip.text and "竖" not in clip.text  # caption in Chinese; settings words left the prompt
    assert "余额" in texts_of(await li.say("余额"))


async def test_bad_input_gets_a_friendly_answer_and_costs_nothing(service, listen, tmp_path):
    erin = listen("erin")
    await erin.say("hello")
    user = await _user_id(service, "erin")

    too_long = texts_of(await erin.say("a very long scene " * 600))
    assert "characters" in too_long

    fake = tmp_path / "photo.jpg"
    fake.write_text("this is not a picture")
    refused = texts_of(await erin.say("animate this", attachments=[image_attachment(fake)]))
    assert "couldn't use that file" in refused

    assert "Which clip" in texts_of(await erin.say("loop it"))
    assert await service.ledger.balance(user) == 200


async def test_a_photo_with_a_caption_is_animated(service, listen, tmp_path):
    from PIL import Image

    photo = tmp_path / "dog.png"
    Image.new("RGB", (320, 200), (200, 120, 40)).save(photo)
    frank = listen("frank")
    await frank.say("the dog wags its tail", attachments=[image_attachment(photo)])
    (clip,) = clips_of(await frank.outcome())
    assert "animation" in clip.text


async def _user_id(service, name: str) -> int:
    from bot.users import find_user

    async with service.sessions() as session:
        return (await find_user(session, f"console:{name}")).id


pytestmark = pytest.mark.timeout(600)



async def test_a_clip_is_encoded_to_fit_the_platforms_upload_limit(service, listen):
    roomy, tight = listen("roomy"), listen("tight")
    await roomy.say("waves on a beach, 720p, 5 s")
    natural = os.path.getsize(clips_of(await roomy.outcome())[0].clip_path)
    tight.upload_limit = natural // 2  # a chat whose platform accepts half of what the clip weighs unasked
    await tight.say("waves on a beach, 720p, 5 s")
    fitted = clips_of(await tight.outcome())[0]
    assert os.path.getsize(fitted.clip_path) <= natural // 2
    assert round(probe(fitted.clip_path).duration_s) == 5
