"""``reelbot run telegram`` as a real process: it polls the fake server, answers, and stops cleanly on SIGINT."""

from __future__ import annotations

import asyncio
import os
import signal
import sys

#: The console script installed beside this interpreter.
REELBOT = os.path.join(os.path.dirname(sys.executable), "reelbot")


async def run_telegram(fake_api, tmp_path, token: str) -> asyncio.subprocess.Process:
    env = {
        **os.environ,
        "TELEGRAM_BOT_TOKEN": token,
        "TELEGRAM_API_BASE_URL": fake_api.base_url,
        "TELEGRAM_API_FILE_URL": fake_api.file_url,
        "REELBOT_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'reelbot.db'}",
        "REELBOT_MEDIA_DIR": str(tmp_path / "media"),
        "REELBOT_CONFIG": str(tmp_path / "absent.toml"),
        "REELBOT_HTTP_PORT": "0",
    }
    env.pop("REELBOT_WEBHOOK_URL", None)
    return await asyncio.create_subprocess_exec(
        REELBOT, "run", "telegram", env=env, cwd=tmp_path,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )


async def test_reelbot_run_telegram_polls_answers_and_stops_on_sigint(fake_api, tmp_path):
    process = await run_telegram(fake_api, tmp_path, fake_api.token)
    try:
        fake_api.push(fake_api.message("/start"))
        answered = asyncio.create_task(fake_api.wait_for("sendMessage", timeout=60))
        await asyncio.wait({answered, asyncio.create_task(process.wait())}, return_when=asyncio.FIRST_COMPLETED)
        assert process.returncode is None, (await process.stderr.read()).decode()[-2000:]
        greeting = await answered
        assert "Ada" in fake_api.sent(greeting)["text"]
    finally:
        if process.returncode is None:
            process.send_signal(signal.SIGINT)
        try:
            _, stderr = await asyncio.wait_for(process.communicate(), 30)
        except TimeoutError:
            process.kill()  # a bot that ignores Ctrl-C must not outlive the test (it held the next run's resources)
            await process.wait()
            raise
    assert process.returncode == 0, stderr.decode()[-2000:]
    assert fake_api.token not in stderr.decode()  # logs never print the token


async def test_a_token_telegram_rejects_is_one_clear_line(fake_api, tmp_path):
    process = await run_telegram(fake_api, tmp_path, "999:WRONG")
    _, stderr = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode == 2
    assert stderr.decode().strip().splitlines()[-1] == (
        "reelbot: TELEGRAM_BOT_TOKEN was rejected by Telegram (check it with @BotFather)")
    assert "Traceback" not in stderr.decode()


async def test_a_bot_api_server_that_cannot_be_reached_is_one_clear_line(fake_api, tmp_path, unused_tcp_port):
    env = {**os.environ, "TELEGRAM_BOT_TOKEN": fake_api.token,
           "TELEGRAM_API_BASE_URL": f"http://127.0.0.1:{unused_tcp_port}/bot",
           "REELBOT_DATABASE_URL": f"sqlite:///{tmp_path / 'reelbot.db'}", "REELBOT_CONFIG": str(tmp_path / "absent"),
           "REELBOT_HTTP_PORT": "0"}
    process = await asyncio.create_subprocess_exec(REELBOT, "run", "telegram", env=env, cwd=tmp_path,
                                                   stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    _, stderr = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode == 2
    assert stderr.decode().strip().splitlines()[-1].startswith("reelbot: could not reach the Telegram Bot API at http")
    assert "Traceback" not in stderr.decode() and not (tmp_path / "reelbot.db").exists()  # nothing started
