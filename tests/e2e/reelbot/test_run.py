"""``reelbot run`` with both tokens set: Telegram and Discord from one process, one service, one warm model."""

from __future__ import annotations

import aiohttp
import pytest

from tests.e2e.discord.fake_discord import FakeDiscord
from tests.e2e.reelbot.one_process import (
    LOADED,
    discord_clip,
    environment,
    log_of,
    reelbot_run,
    telegram_clip,
    while_running,
)
from tests.e2e.telegram.fake_bot_api import FakeBotApi

pytestmark = pytest.mark.slow


@pytest.fixture
async def fake_api():
    async with FakeBotApi() as api:
        yield api


@pytest.fixture
async def fake_discord():
    server = FakeDiscord()
    await server.start()
    try:
        yield server
    finally:
        await server.stop()


async def test_reelbot_run_without_arguments_serves_telegram_and_discord_from_one_process_on_one_model_load(
    fake_api, fake_discord, tmp_path, tiny_model_dir, unused_tcp_port
):
    # Given both tokens set, a plain sqlite:/// URL and the bot's HTTP port
    env = environment(tmp_path, str(tiny_model_dir), telegram=fake_api, discord=fake_discord,
                      http_port=unused_tcp_port)

    # When `reelbot run` (no argument) runs and a user on each platform asks for a clip
    async with reelbot_run(tmp_path, env) as process:
        telegram = await while_running(process, telegram_clip(fake_api, "a red ball bouncing, 2 s"))
        discord = await while_running(process, discord_clip(fake_discord, "a blue cube sliding, 2 s"))
        async with aiohttp.ClientSession() as http:
            async with http.get(f"http://127.0.0.1:{unused_tcp_port}/healthz") as health:
                assert health.status == 200
            async with http.get(f"http://127.0.0.1:{unused_tcp_port}/app/") as miniapp:
                assert miniapp.status == 200  # Telegram runs, so the Mini App is mounted

    # Then each got its clip back, and the pipeline was loaded once for both
    assert telegram["video"]["file_id"]
    assert discord["attachments"][0]["size"] > 0
    log = log_of(tmp_path)
    assert log.count(LOADED) == 1, log[-3000:]
    assert "Traceback" not in log
