"""The Mini App over real HTTP: a real BotService (SQLite, in-process queue, tiny pipeline) behind the
sub-application mounted at ``/app/`` on an aiohttp server on 127.0.0.1, and init data signed like Telegram's."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from adapters.miniapp import miniapp_mount
from adapters.miniapp.initdata import sign

os.environ.setdefault("HF_HUB_OFFLINE", "1")

TOKEN = "424242:MINIAPP-test-token"
#: The freshness the tests' server insists on.
MAX_AGE_S = 3600


@pytest.fixture
def bot_settings(tmp_path, tiny_model_dir):
    from reelbot.config import load_settings

    return load_settings(
        TELEGRAM_BOT_TOKEN=TOKEN,
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}",
        model=str(tiny_model_dir),
        device="cpu",
        media_dir=tmp_path / "media",
        credits={"daily_free": 0},
        miniapp={"max_age_s": MAX_AGE_S},
    )


@pytest.fixture
async def service(bot_settings):
    from reelbot.app import build_service

    service = await build_service(bot_settings)
    try:
        yield service
    finally:
        await service.close()


@pytest.fixture
def root(service, bot_settings) -> web.Application:
    """The bot's HTTP server as the operator runs it: the Mini App mounted at /app/."""
    app = web.Application()
    miniapp_mount(service, bot_settings)(app)
    return app


@pytest.fixture
async def client(root):
    async with TestClient(TestServer(root, host="127.0.0.1")) as client:
        yield client


@pytest.fixture
def init_data() -> Callable[..., str]:
    """Init data as Telegram hands it to the page, signed with the test bot's token."""

    def make(user_id: int = 7001, language: str = "en", *, age_s: float = 5, token: str = TOKEN) -> str:
        user = {"id": user_id, "first_name": f"user{user_id}", "language_code": language}
        fields = {
            "query_id": f"Q{user_id}",
            "user": json.dumps(user, separators=(",", ":")),
            "auth_date": str(int(time.time() - age_s)),
        }
        return sign(fields, token)

    return make


def tma(raw: str) -> dict[str, str]:
    return {"Authorization": f"tma {raw}"}
