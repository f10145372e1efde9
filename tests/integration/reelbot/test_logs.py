"""Logs from real components: the CLI's JSON lines, and a Telegram token in httpx's request lines never printed."""

from __future__ import annotations

import io
import json
import logging
import os
import subprocess
import sys

import httpx
from aiohttp import web
from aiohttp.test_utils import TestServer

from reelbot.logs import configure_logging

TOKEN = "123456789:AAFakeTelegramTokenForTests_abcdefghijk"


async def test_httpx_request_lines_with_a_bot_token_in_the_url_parse_as_json_and_never_show_the_token(monkeypatch):
    # Given a Bot-API-like server and httpx logging its requests at INFO, as python-telegram-bot's client does
    async def get_me(request: web.Request) -> web.Response:
        return web.json_response({"ok": True})

    app = web.Application()
    app.router.add_get(f"/bot{TOKEN}/getMe", get_me)
    server = TestServer(app)
    await server.start_server()
    monkeypatch.setenv("HF_HUB_DISABLE_PROGRESS_BARS", "unset")  # recorded, so the teardown restores its absence
    monkeypatch.delenv("HF_HUB_DISABLE_PROGRESS_BARS")
    stream = io.StringIO()
    root = logging.getLogger()
    level = root.level
    handler = configure_logging(log_format="json", level="INFO", secrets=[TOKEN], stream=stream)
    logging.getLogger("httpx").setLevel(logging.INFO)
    try:
        async with httpx.AsyncClient() as client:
            response = await client.get(str(server.make_url(f"/bot{TOKEN}/getMe")))
        assert response.status_code == 200
    finally:
        root.removeHandler(handler)
        root.setLevel(level)
        logging.captureWarnings(False)
        logging.getLogger("httpx").setLevel(logging.NOTSET)
        await server.close()
    # Then the request line was logged, every line is JSON, and the token is nowhere
    lines = stream.getvalue().splitlines()
    records = [json.loads(line) for line in lines]
    assert any(record["logger"] == "httpx" and "/getMe" in record["message"] for record in records)
    assert TOKEN not in stream.getvalue() and "AAFakeTelegramToken" not in stream.getvalue()


def test_the_command_line_writes_json_lines_when_asked_and_never_the_token(tmp_path):
    env = dict(os.environ, REELBOT_LOG_FORMAT="json", REELBOT_LOG_LEVEL="INFO", TELEGRAM_BOT_TOKEN=TOKEN,
               REELBOT_DATABASE_URL=f"sqlite:///{tmp_path / 'reelbot.db'}")
    env.pop("REELBOT_CONFIG", None)
    done = subprocess.run([sys.executable, "-c", "from reelbot.cli import main; main()", "db", "upgrade"],
                          env=env, cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    lines = done.stderr.splitlines()
    records = [json.loads(line) for line in lines]  # every line on stderr is one JSON object
    assert any(record["logger"].startswith("alembic") for record in records)
    assert TOKEN not in done.stderr + done.stdout
