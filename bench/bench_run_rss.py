"""Memory of ``reelbot run`` on the CPU with the embedded model: Telegram alone, Discord alone, both in one process.

Each run is the real console script against the fake Telegram and fake Discord servers of the e2e tests, on a
plain ``sqlite:///`` database; the resident set size (psutil) is read after every platform served one clip.
Both platforms in one process should cost about one platform's memory: one service, one warm model.
"""

from __future__ import annotations

import asyncio
import tempfile
from pathlib import Path

import psutil

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

#: The model measured: the one a fresh install runs.
MODEL = "embedded"
MIB = 1024 * 1024
#: Seconds one clip of the embedded model may take on a loaded CPU.
CLIP_TIMEOUT_S = 900


async def _measure(platforms: tuple[str, ...]) -> dict[str, float | int]:
    with tempfile.TemporaryDirectory(prefix="reelbot-rss-") as folder:
        tmp_path = Path(folder)
        fake_discord = FakeDiscord()
        await fake_discord.start()
        try:
            async with FakeBotApi() as fake_api:
                env = environment(tmp_path, MODEL, telegram=fake_api if "telegram" in platforms else None,
                                  discord=fake_discord if "discord" in platforms else None)
                async with reelbot_run(tmp_path, env) as process:
                    if "telegram" in platforms:
                        await while_running(process, telegram_clip(fake_api, "a red ball bouncing, 2 s",
                                                                              CLIP_TIMEOUT_S))
                    if "discord" in platforms:
                        await while_running(process, discord_clip(fake_discord, "a blue cube sliding, 2 s",
                                                                             CLIP_TIMEOUT_S))
                    memory = psutil.Process(process.pid).memory_info()
                loads = log_of(tmp_path).count(LOADED)
        finally:
            await fake_discord.stop()
    return {"rss_mib": round(memory.rss / MIB, 1), "pipeline_loads": loads}


def run() -> dict[str, object]:
    results = {"+".join(each): asyncio.run(_measure(each))
               for each in (("telegram",), ("discord",), ("telegram", "discord"))}
    return {"model": MODEL, "device": "cpu", "after": "one clip per platform", "runs": results}


if __name__ == "__main__":
    import json

    print(json.dumps(run(), indent=2))
