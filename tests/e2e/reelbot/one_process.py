"""``reelbot run`` as a real process against the fake Telegram and the fake Discord, for tests and the RSS bench.

Each platform's fake stays in the test's loop; the bot is a subprocess, so what is measured (model loads, RSS)
is the process an operator starts.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sys
from collections.abc import AsyncIterator, Awaitable
from pathlib import Path
from typing import TypeVar

from tests.e2e.discord.fake_discord import FakeDiscord
from tests.e2e.telegram.fake_bot_api import FakeBotApi

#: The console script installed beside this interpreter.
REELBOT = os.path.join(os.path.dirname(sys.executable), "reelbot")
#: Seconds one clip may take on a loaded 2-core machine.
CLIP_TIMEOUT_S = 180
#: What the engine logs once per pipeline load (``engine.worker.executor``).
LOADED = "engine loaded in"
DISCORD_TOKEN = "fake-token.for-tests"

T = TypeVar("T")


def environment(tmp_path: Path, model: str, *, telegram: FakeBotApi | None, discord: FakeDiscord | None,
                http_port: int = 0) -> dict[str, str]:
    """A plain ``sqlite:///`` database, the model on the CPU, and each given fake's token and addresses."""
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("TELEGRAM_", "DISCORD_", "REELBOT_"))}
    env.update({
        "REELBOT_DATABASE_URL": f"sqlite:///{tmp_path / 'reelbot.db'}",
        "REELBOT_MEDIA_DIR": str(tmp_path / "media"),
        "REELBOT_CONFIG": str(tmp_path / "absent.toml"),
        "REELBOT_MODEL": model,
        "REELBOT_DEVICE": "cpu",
        "REELBOT_HTTP_PORT": str(http_port),
        "REELBOT_LOG_LEVEL": "INFO",
        "HF_HUB_OFFLINE": "1",
    })
    if telegram is not None:
        env.update({"TELEGRAM_BOT_TOKEN": telegram.token, "TELEGRAM_API_BASE_URL": telegram.base_url,
                    "TELEGRAM_API_FILE_URL": telegram.file_url})
    if discord is not None:
        env.update({"DISCORD_BOT_TOKEN": DISCORD_TOKEN, "DISCORD_API_BASE_URL": discord.base,
                    "DISCORD_GUILD_IDS": discord.guild_id})
    return env


@contextlib.asynccontextmanager
async def reelbot_run(tmp_path: Path, env: dict[str, str], *args: str) -> AsyncIterator[asyncio.subprocess.Process]:
    """``reelbot run ARGS``; stopped with SIGINT afterwards (it must exit 0). Its log is ``tmp_path/run.log``."""
    log = (tmp_path / "run.log").open("wb")
    process = await asyncio.create_subprocess_exec(REELBOT, "run", *args, env=env, cwd=tmp_path,
                                                   stdout=log, stderr=asyncio.subprocess.STDOUT)
    try:
        yield process
    except (TimeoutError, AssertionError) as failed:
        raise AssertionError(f"{failed}\n--- reelbot run's log ---\n{log_of(tmp_path)[-4000:]}") from failed
    finally:
        if process.returncode is None:
            process.send_signal(signal.SIGINT)
        try:
            await asyncio.wait_for(process.wait(), 60)
        finally:
            if process.returncode is None:
                process.kill()
            log.close()
    assert process.returncode == 0, log_of(tmp_path)[-3000:]


async def while_running(process: asyncio.subprocess.Process, awaitable: Awaitable[T]) -> T:
    """``awaitable``'s result, or a failure at once if the process exits first (a crash is not a timeout)."""
    task, exited = asyncio.ensure_future(awaitable), asyncio.ensure_future(process.wait())
    try:
        await asyncio.wait({task, exited}, return_when=asyncio.FIRST_COMPLETED)
        if not task.done():
            raise AssertionError(f"reelbot run exited with status {process.returncode}")
        return task.result()
    finally:
        task.cancel()
        exited.cancel()


def log_of(tmp_path: Path) -> str:
    return (tmp_path / "run.log").read_text(errors="replace")


async def telegram_clip(fake_api: FakeBotApi, prompt: str, timeout: float = CLIP_TIMEOUT_S) -> dict:
    """Ada asks for a clip in her private chat; the video message Telegram got."""
    sent = len(fake_api.calls_of("sendVideo"))
    fake_api.push(fake_api.message(prompt))
    return fake_api.sent(await fake_api.wait_for("sendVideo", count=sent + 1, timeout=timeout))


async def discord_clip(fake: FakeDiscord, prompt: str, timeout: float = CLIP_TIMEOUT_S) -> dict:
    """Alice mentions the bot with ``prompt`` in the server's channel; the message carrying the MP4."""
    await fake.wait_ready(timeout=60)
    after = len(fake.history)
    await fake.dispatch("MESSAGE_CREATE", fake.user_message(prompt, user=fake.alice, mention_bot=True))
    return await fake.wait_for_message(
        lambda m: bool(m["attachments"]) and m["attachments"][0]["filename"].endswith(".mp4"),
        after=after, timeout=timeout)
