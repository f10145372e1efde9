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
        self.progress_messages: dict[str, str] = {}

    async def remember_message(self, platform: str, chat_id: str, message_id: str, clip_id: int) -> None:
        self.messages.append((platform, chat_id, message_id, clip_id))

    async def remember_file_id(self, clip_id: int, platform: str, file_id: str) -> None:
        self.file_ids.append((clip_id, platform, file_id))

    async def remember_progress_message(self, platform, progress_key, chat_id, message_id) -> None:
        self.progress_messages[progress_key] = message_id

    async def progress_message(self, platform, progress_key):
        return self.progress_messages.get(progress_key)

    async def forget_progress_message(self, platform, progress_key) -> None:
        self.progress_messages.pop(progress_key, None)


@pytest.fixture
def memory() -> ClipMemory:
    return ClipMemory()


# -- the whole bot: adapter + real BotService + tiny engine ----------------------------------------------------

import contextlib  # noqa: E402
from collections.abc import AsyncIterator  # noqa: E402
from pathlib import Path  # noqa: E402

from reelbot.config import Settings  # noqa: E402


@pytest.fixture(scope="session")
def tiny_model(tiny_model_dir) -> Path:
    """The tiny random LTX pipeline (a real diffusers directory), shared with the whole session."""
    return tiny_model_dir


@pytest.fixture
def settings(fake_api, tiny_model, tmp_path, sqlite_url) -> Settings:
    """Everything local: the fake Bot API, SQLite in tmp, the tiny model on CPU, 480p by default."""
    return Settings(
        TELEGRAM_BOT_TOKEN=fake_api.token,
        TELEGRAM_API_BASE_URL=fake_api.base_url,
        TELEGRAM_API_FILE_URL=fake_api.file_url,
        database_url=sqlite_url,
        media_dir=tmp_path / "media",
        model=str(tiny_model),
        device="cpu",
    )


@contextlib.asynccontextmanager
async def running_bot(settings: Settings) -> AsyncIterator:
    """``reelbot run telegram`` inside the test's event loop: the real Application polling the fake server."""
    from adapters.telegram.app import build_application, serving
    from reelbot.app import running_service

    async with running_service(settings) as service:
        application = build_application(settings, service)
        async with serving(application, poll_timeout_s=1):
            yield application


class Refunders:
    """The part of ``BotService.payments`` the adapter uses: it registers its refunder; received payments."""

    def __init__(self) -> None:
        self.refunders: dict = {}
        self.received: list[tuple] = []

    def add_refunder(self, provider, refunder) -> None:
        self.refunders[provider] = refunder


class ScriptedCore:
    """The BotService surface the adapter uses, answering from a script: for tests of the translation alone."""

    def __init__(self, answer=None) -> None:
        import asyncio

        self.answer = answer or (lambda incoming: [])
        self.received: list = []
        self.clips_by_message: dict[tuple[str, str], int] = {}
        self.outbox: asyncio.Queue = asyncio.Queue()
        self.precheckouts: list[tuple] = []
        self.payments = Refunders()
        self.closed = False

    async def handle(self, incoming):
        self.received.append(incoming)
        result = self.answer(incoming)
        if hasattr(result, "__await__"):
            result = await result
        return list(result)

    async def subscribe(self, platform):
        while True:
            yield await self.outbox.get()

    async def clip_for_message(self, platform, chat_id, message_id):
        return self.clips_by_message.get((chat_id, message_id))

    async def remember_message(self, platform, chat_id, message_id, clip_id):
        self.clips_by_message[(chat_id, message_id)] = clip_id

    async def remember_file_id(self, clip_id, platform, file_id):
        pass

    async def remember_progress_message(self, platform, progress_key, chat_id, message_id):
        pass

    async def progress_message(self, platform, progress_key):
        return None

    async def forget_progress_message(self, platform, progress_key):
        pass

    async def precheckout(self, platform, user_id, pack_id, language=None):
        self.precheckouts.append((platform, user_id, pack_id, language))
        return None if pack_id == "small" else "That pack is no longer sold."

    async def payment_received(self, platform, chat_id, user_id, charge_id, pack_id, amount, currency):
        from bot.messages import Outgoing

        self.payments.received.append((chat_id, user_id, charge_id, pack_id, amount, currency))
        return [Outgoing(kind="text", chat_id=chat_id, text="Thanks! +500 credits.")]

    async def close(self) -> None:
        self.closed = True


@contextlib.asynccontextmanager
async def running_adapter(settings: Settings, core: ScriptedCore, **serving_options) -> AsyncIterator:
    """The real Application polling the fake server, with a scripted core."""
    from adapters.telegram.app import build_application, serving

    application = build_application(settings, core)
    async with serving(application, poll_timeout_s=1, **serving_options):
        yield application


@pytest.fixture
def adapter_settings(fake_api, tmp_path) -> Settings:
    return Settings(
        TELEGRAM_BOT_TOKEN=fake_api.token,
        TELEGRAM_API_BASE_URL=fake_api.base_url,
        TELEGRAM_API_FILE_URL=fake_api.file_url,
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'unused.db'}",
        media_dir=tmp_path / "media",
    )
