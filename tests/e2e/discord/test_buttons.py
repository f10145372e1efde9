"""Buttons pressed by someone they are not for: the real discord.py client, the fake Discord, the real core."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from reelbot.config import Settings
from tests.e2e.discord.conftest import running
from tests.e2e.discord.fake_discord import EPHEMERAL
from tests.e2e.discord.test_conversation import make_video

pytestmark = pytest.mark.slow


async def test_a_strangers_first_press_on_someone_elses_clip_gets_one_private_refusal_and_nothing_public(
    settings: Settings, tiny_model_dir: Path, fake
):
    settings = settings.model_copy(update={"model": str(tiny_model_dir), "device": "cpu"})
    async with running(settings, fake):
        # Given Alice's clip, and Bob, who has never talked to the bot
        _, clip = await make_video(fake, duration=5)
        clip_id = clip["embeds"][0]["title"][1:]
        public_before = len(fake.history)

        # When Bob presses its Remix button
        press = fake.button_press(clip, f"reelbot:remix:{clip_id}", user=fake.bob)
        await fake.dispatch("INTERACTION_CREATE", press)
        await fake.wait_until(lambda: fake.callbacks(press))

        # Then he alone is told, once; the channel sees nothing (no welcome, no refusal)
        await asyncio.sleep(1.5)  # anything else the bot would send has been sent by now
        callbacks = fake.callbacks(press)
        assert len(callbacks) == 1, callbacks
        assert callbacks[0]["data"]["flags"] & EPHEMERAL and "not your" in callbacks[0]["data"]["content"]
        public = [m for _, m in fake.history[public_before:] if not int(m.get("flags", 0)) & EPHEMERAL]
        assert public == []
