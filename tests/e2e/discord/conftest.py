"""Fixtures: the fake Discord, settings pointing the real discord.py client at it, and a running bot."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from discord.gateway import DiscordWebSocket
from discord.http import Route

from adapters.discord.app import ReelBot, build_bot
from bot.messages import Incoming, Outgoing
from reelbot.config import Settings
from tests.e2e.discord.fake_discord import FakeDiscord

TOKEN = "fake-token.for-tests"


@pytest.fixture(autouse=True)
def _restore_discord_globals():
    """build_bot points discord.py's process-wide REST base and gateway at the fake; put them back after."""
    base, gateway = Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY
    yield
    Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY = base, gateway


@pytest.fixture
async def fake() -> AsyncIterator[FakeDiscord]:
    server = FakeDiscord()
    await server.start()
    try:
        yield server
    finally:
        await server.stop()


@pytest.fixture
def settings(fake: FakeDiscord, tmp_path: Path, sqlite_url: str) -> Settings:
    """Only the REST base is given (without /api/v10): the gateway URL comes from GET /gateway/bot."""
    return Settings(
        DISCORD_BOT_TOKEN=TOKEN,
        DISCORD_API_BASE_URL=fake.base,
        DISCORD_GUILD_IDS=fake.guild_id,
        database_url=sqlite_url,
        media_dir=tmp_path / "media",
    )


@contextlib.asynccontextmanager
async def running(settings: Settings, fake: FakeDiscord, service: Any = None) -> AsyncIterator[ReelBot]:
    """The real bot, logged in and connected to the fake, on ``service`` or else a real one; closed afterwards."""
    if service is None:
        from reelbot.app import running_service

        async with running_service(settings) as real, running(settings, fake, real) as bot:
            yield bot
        return
    bot = build_bot(settings, service, guild_ready_timeout=0.1)  # the fake sends its one guild at once
    task = asyncio.create_task(bot.start(TOKEN))
    try:
        ready = asyncio.create_task(bot.wait_until_ready())
        done, _ = await asyncio.wait({ready, task}, timeout=20, return_when=asyncio.FIRST_COMPLETED)
        if task in done:
            task.result()  # start() failed: show why
        assert ready in done, "the bot never became ready"
        yield bot
    finally:
        await bot.close()
        with contextlib.suppress(Exception):
            await asyncio.wait_for(task, 10)


class ScriptedCore:
    """The part of BotService the adapter uses, answering from a script: for tests of the adapter alone."""

    def __init__(self, answer: Callable[[Incoming], list[Outgoing]] | None = None) -> None:
        self.answer = answer or (lambda incoming: [])
        self.received: list[Incoming] = []
        self.remembered: list[tuple[str, str, str, int]] = []
        #: Progress boards' messages by (platform, progress key), as BotService keeps them across restarts.
        self.boards: dict[tuple[str, str], str] = {}
        self.outbox: asyncio.Queue[Outgoing] = asyncio.Queue()

    async def handle(self, incoming: Incoming) -> list[Outgoing]:
        self.received.append(incoming)
        return self.answer(incoming)

    async def subscribe(self, platform: str) -> AsyncIterator[Outgoing]:
        while True:
            yield await self.outbox.get()

    def publish(self, out: Outgoing) -> None:
        """As the core publishes a board's update: naming the message it edits, forgetting it when final."""
        if out.kind == "progress" and out.progress_key:
            board = ("discord", out.progress_key)
            out = replace(out, edit_message_id=self.boards.get(board))
            if out.done:
                self.boards.pop(board, None)
        self.outbox.put_nowait(out)

    async def remember_message(self, platform: str, chat_id: str, message_id: str, clip_id: int) -> None:
        self.remembered.append((platform, chat_id, message_id, clip_id))

    async def clip_for_message(self, platform: str, chat_id: str, message_id: str) -> int | None:
        return next((c for p, ch, m, c in self.remembered if (p, ch, m) == (platform, chat_id, message_id)), None)

    async def remember_progress_message(self, platform: str, progress_key: str, chat_id: str, message_id: str) -> None:
        self.boards[platform, progress_key] = message_id

    async def progress_message(self, platform: str, progress_key: str) -> str | None:
        return self.boards.get((platform, progress_key))

    async def forget_progress_message(self, platform: str, progress_key: str) -> None:
        self.boards.pop((platform, progress_key), None)

    async def close(self) -> None:
        pass


@pytest.fixture
def noisy_clip(tmp_path: Path) -> Path:
    """A real H.264 MP4 of noise (noise barely compresses, so the file is big for its length)."""
    from engine.media import encode_mp4

    rng = np.random.default_rng(0)
    frames = rng.integers(0, 256, size=(24, 128, 128, 3), dtype=np.uint8)
    return encode_mp4(frames, tmp_path / "noise.mp4", 24, crf=0)
