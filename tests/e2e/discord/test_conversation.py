"""Whole conversations: the real discord.py client, the fake Discord, the real BotService and the tiny engine."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from engine.media import probe
from reelbot.config import Settings
from tests.e2e.discord.conftest import running
from tests.e2e.discord.fake_discord import CALLBACK_DEFERRED, CALLBACK_MODAL, EPHEMERAL, FakeDiscord

os.environ.setdefault("HF_HUB_OFFLINE", "1")

#: Seconds to wait for one job on the tiny model (the machine is shared and slow).
JOB_TIMEOUT_S = 180
#: What the interaction says this channel accepts; deliberately not one of Discord's usual numbers.
UPLOAD_LIMIT = 3 * 1024 * 1024 + 12345
CLIP_ACTIONS = ["remix", "recut", "extend", "loop", "var", "share"]

pytestmark = pytest.mark.slow


@pytest.fixture
def real_settings(settings: Settings, tiny_model_dir: Path) -> Settings:
    return settings.model_copy(update={"model": str(tiny_model_dir), "device": "cpu"})


def custom_ids(message: dict) -> list[str]:
    return [c["custom_id"] for row in message["components"] for c in row["components"]]


def is_clip(message: dict) -> bool:
    return bool(message["attachments"]) and message["attachments"][0]["filename"].endswith(".mp4")


async def make_video(fake: FakeDiscord, **options) -> tuple[dict, dict]:
    """``/video`` as Alice; returns the interaction payload and the delivered clip message."""
    after = len(fake.history)
    command = fake.slash_command("video", {"prompt": "a red ball bouncing", **options}, user=fake.alice,
                                 size_limit=UPLOAD_LIMIT)
    await fake.dispatch("INTERACTION_CREATE", command)
    clip = await fake.wait_for_message(is_clip, after=after, timeout=JOB_TIMEOUT_S)
    return command, clip


async def test_video_is_deferred_shows_progress_and_delivers_a_clip_within_the_limit_with_buttons(
    real_settings, fake
):
    async with running(real_settings, fake):
        command, clip = await make_video(fake, aspect="9:16", duration=5)

        assert fake.callbacks(command)[0]["type"] == CALLBACK_DEFERRED
        original = fake.interactions[command["id"]].original_message_id
        progress = [m["content"] for m in fake.versions(original)]
        assert len(progress) >= 3, progress  # deferred, queued, ... done
        assert all(a != b for a, b in zip(progress[1:], progress[2:])), "an edit repeated the text"
        attachment = clip["attachments"][0]
        assert 0 < attachment["size"] <= UPLOAD_LIMIT
        data = fake.files[attachment["id"]]
        assert data[4:8] == b"ftyp"  # an MP4
        assert custom_ids(clip) == [f"reelbot:{action}:{clip['embeds'][0]['title'][1:]}" for action in CLIP_ACTIONS]
        path = Path(real_settings.media_dir) / "check.mp4"
        path.write_bytes(data)
        info = probe(path)
        assert info.width < info.height and round(info.duration_s) == 5


async def test_remix_by_the_owner_asks_in_a_modal_and_delivers_a_remix_while_others_are_refused(
    real_settings, fake
):
    async with running(real_settings, fake):
        _, clip = await make_video(fake, duration=3)
        clip_id = clip["embeds"][0]["title"][1:]

        hello = fake.slash_command("balance", user=fake.bob)  # Bob has met the bot (a first contact is a welcome)
        await fake.dispatch("INTERACTION_CREATE", hello)
        await fake.wait_for_message(lambda m: "200" in m["content"] and m["interaction_metadata"]["user"] == fake.bob
                                    if "interaction_metadata" in m else False)
        stranger = fake.button_press(clip, f"reelbot:remix:{clip_id}", user=fake.bob)
        await fake.dispatch("INTERACTION_CREATE", stranger)
        await fake.wait_until(lambda: fake.callbacks(stranger))
        refusal = fake.callbacks(stranger)[0]
        assert refusal["data"]["flags"] & EPHEMERAL and "not your" in refusal["data"]["content"]

        press = fake.button_press(clip, f"reelbot:remix:{clip_id}", user=fake.alice)
        await fake.dispatch("INTERACTION_CREATE", press)
        await fake.wait_until(lambda: fake.callbacks(press))
        modal = fake.callbacks(press)[0]
        assert modal["type"] == CALLBACK_MODAL
        field = modal["data"]["components"][0]["components"][0]
        after = len(fake.history)
        await fake.dispatch("INTERACTION_CREATE", fake.modal_submit(modal["data"], {field["custom_id"]: "make it blue"},
                                                                    user=fake.alice, size_limit=UPLOAD_LIMIT))
        remix = await fake.wait_for_message(is_clip, after=after, timeout=JOB_TIMEOUT_S)
        assert remix["embeds"][0]["title"] != clip["embeds"][0]["title"]
        assert f"#{clip_id}" in remix["embeds"][0]["description"]  # "remix of #N"


async def test_a_mention_with_a_sentence_makes_a_clip_and_chatter_without_a_mention_gets_nothing(real_settings, fake):
    async with running(real_settings, fake):
        await fake.dispatch("MESSAGE_CREATE", fake.user_message("a red ball bouncing, 2 s", user=fake.bob))
        after = len(fake.history)
        await fake.dispatch("MESSAGE_CREATE", fake.user_message("a red ball bouncing, 2 s", user=fake.alice,
                                                                mention_bot=True))
        clip = await fake.wait_for_message(is_clip, after=after, timeout=JOB_TIMEOUT_S)
        assert clip["channel_id"] == fake.channel_id
        assert not any(m["content"] for _, m in fake.history[:after]), "the bot answered chatter"


async def test_buttons_on_a_clip_sent_before_a_restart_still_work(real_settings, fake):
    async with running(real_settings, fake):
        _, clip = await make_video(fake, duration=3)
    clip_id = clip["embeds"][0]["title"][1:]

    async with running(real_settings, fake):
        assert fake.identifies == 2
        after = len(fake.history)
        press = fake.button_press(clip, f"reelbot:loop:{clip_id}", user=fake.alice, size_limit=UPLOAD_LIMIT)
        await fake.dispatch("INTERACTION_CREATE", press)
        looped = await fake.wait_for_message(is_clip, after=after, timeout=JOB_TIMEOUT_S)
        assert f"#{clip_id}" in looped["embeds"][0]["description"]


async def test_a_clip_asked_for_before_a_restart_arrives_after_it_under_the_same_progress_board(real_settings, fake):
    async with running(real_settings, fake):
        await fake.dispatch("MESSAGE_CREATE", fake.user_message("a dog running on the beach, 2 s", user=fake.alice,
                                                                mention_bot=True))
        board = await fake.wait_for_message(lambda m: "#" in m["content"])  # queued, with the job's number
    assert not any(is_clip(m) for _, m in fake.history)

    async with running(real_settings, fake):
        after = len(fake.history)
        await fake.wait_for_message(is_clip, after=after, timeout=JOB_TIMEOUT_S)
        await fake.wait_until(lambda: fake.messages[board["id"]]["components"] == [])  # final: no Cancel
        posted = [m for mid, m in fake.history[after:] if mid != board["id"] and not is_clip(m)]
        assert not posted, "the progress was posted again instead of edited"
        assert len(fake.versions(board["id"])) > 1


async def test_a_gateway_disconnect_mid_job_resumes_and_the_clip_is_still_delivered(real_settings, fake):
    async with running(real_settings, fake):
        after = len(fake.history)
        command = fake.slash_command("video", {"prompt": "a red ball bouncing"}, user=fake.alice,
                                     size_limit=UPLOAD_LIMIT)
        await fake.dispatch("INTERACTION_CREATE", command)
        await fake.wait_until(lambda: len(fake.versions(fake.interactions[command["id"]].original_message_id
                                                       or "")) >= 2)
        await fake.drop_connection()
        # Sent while the bot is away: RESUME must replay it.
        await fake.dispatch("MESSAGE_CREATE", fake.user_message("/balance", user=fake.alice, dm=True))

        clip = await fake.wait_for_message(is_clip, after=after, timeout=JOB_TIMEOUT_S)
        await fake.wait_for_message(lambda m: "balance" in m["content"].lower(), after=after)
        assert fake.resumes == 1 and fake.identifies == 1
        assert clip["attachments"][0]["size"] <= UPLOAD_LIMIT
