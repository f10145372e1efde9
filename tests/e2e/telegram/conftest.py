"""Fixtures: the fake Bot API server and a real PTB bot pointed at it."""

from __future__ import annotations

import pytest
from telegram.ext import AIORateLimiter, ExtBot

from tests.e2e.telegram.fake_bot_api import FakeBotApi


@pytest.fixture
async def fake_api():
    async with FakeBotApi() as api:
        yield api


@pytest.fixture
async def bot(fake_api):
    """The real client, over HTTP, with the same flood control the application uses."""
    bot = ExtBot(fake_api.token, base_url=fake_api.base_url, base_file_url=fake_api.file_url,
                 rate_limiter=AIORateLimiter(max_retries=1))
    async with bot:
        yield bot


class ClipMemory:
    """Records what the renderer tells the core (the part of BotService rendering uses)."""

    def __init__(self) -> None:
        self.messages: list[tuple[str, str, str, int]] = []
        self.file_ids: list[tuple[int, str, str]] = []

    async def remember_message(self, platform: str, chat_id: str, message_id: str, clip_id: int) -> None:
        self.messages.append((platform, chat_id, message_id, clip_id))

    async def remember_file_id(self, clip_id: int, platform: str, file_id: str) -> None:
        self.file_ids.append((clip_id, platform, file_id))


@pytest.fixture
def memory() -> ClipMemory:
    return ClipMemory()
