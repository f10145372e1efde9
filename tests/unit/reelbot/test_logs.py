"""Logs: JSON lines that parse, the job/user/chat on every line about them, and no secret in either format."""

from __future__ import annotations

import io
import json
import logging

import pytest
from pydantic import SecretStr

from engine.logcontext import log_context
from reelbot.config import load_settings
from reelbot.logs import REDACTED, configure_from_settings, configure_logging, secret_values

TOKEN = "123456789:AAFakeTelegramTokenForTests_abcdefghijk"
DISCORD = "MTAxFakeDiscordToken.Gx7yZ.abcdefghijklmnopqrstuvwx"


@pytest.fixture
def capture(monkeypatch):
    """Configure reelbot's logging into a string; restore the root logger (and what json mode sets) afterwards."""
    monkeypatch.setenv("HF_HUB_DISABLE_PROGRESS_BARS", "unset")  # recorded, so the teardown restores its absence
    monkeypatch.delenv("HF_HUB_DISABLE_PROGRESS_BARS")
    root = logging.getLogger()
    level = root.level
    stream = io.StringIO()
    yield stream
    for handler in list(root.handlers):
        if getattr(handler, "_reelbot", False):
            root.removeHandler(handler)
    root.setLevel(level)
    logging.captureWarnings(False)


def _emit_everything(log: logging.Logger) -> None:
    log.info("polling https://api.telegram.org/bot%s/getUpdates", TOKEN)
    with log_context(job_id=42, user=7, chat="telegram:-100123"):
        log.info("job started with token %s and discord %s", TOKEN, DISCORD)
        try:
            raise ConnectionError(f"POST https://api.telegram.org/bot{TOKEN}/sendVideo failed")
        except ConnectionError:
            log.exception("could not deliver")
    log.warning("database postgresql://reelbot:hunter2secret@db:5432/reelbot is slow")


def test_json_logs_parse_line_by_line_and_name_the_job_user_and_chat_on_lines_about_them(capture):
    configure_logging(log_format="json", secrets=[TOKEN, DISCORD], stream=capture)
    _emit_everything(logging.getLogger("reelbot.test"))
    lines = capture.getvalue().splitlines()
    records = [json.loads(line) for line in lines]  # every line is one JSON object
    assert len(records) == 4
    assert all({"time", "level", "logger", "message"} <= set(record) for record in records)
    about = [record for record in records if "job_id" in record]
    assert len(about) == 2 and all(
        (r["job_id"], r["user"], r["chat"]) == ("42", "7", "telegram:-100123") for r in about)
    assert "job_id" not in records[0] and "job_id" not in records[3]  # the context ended with its block
    assert "Traceback" in records[2]["exception"] and "ConnectionError" in records[2]["exception"]


def test_warnings_become_log_lines_and_json_mode_turns_progress_bars_off(capture):
    import os
    import warnings

    configure_logging(log_format="json", secrets=[TOKEN], stream=capture)
    warnings.warn(f"deprecated call with {TOKEN}", UserWarning, stacklevel=1)
    record = json.loads(capture.getvalue())
    assert record["logger"] == "py.warnings" and TOKEN not in record["message"] and REDACTED in record["message"]
    assert os.environ["HF_HUB_DISABLE_PROGRESS_BARS"] == "1"


@pytest.mark.parametrize("log_format", ["json", "text"])
def test_no_token_key_or_password_appears_in_any_line_in_either_format(capture, log_format):
    configure_logging(log_format=log_format, secrets=[TOKEN, DISCORD], stream=capture)
    _emit_everything(logging.getLogger("reelbot.test"))
    output = capture.getvalue()
    for secret in (TOKEN, DISCORD, "AAFakeTelegramTokenForTests", "hunter2secret"):
        assert secret not in output
    assert output.count(REDACTED) == 5  # polling URL, both tokens, traceback, password


def test_a_telegram_token_in_a_url_is_redacted_even_when_it_was_never_configured(capture):
    configure_logging(log_format="text", stream=capture)
    logging.getLogger("httpx").warning("HTTP Request: POST https://api.telegram.org/bot987654:AAOtherBotsTokenXXXXXXXXXXXX/getMe")
    assert "AAOtherBotsToken" not in capture.getvalue()
    assert f"/bot987654:{REDACTED}/getMe" in capture.getvalue()


def test_text_lines_carry_the_context_in_brackets(capture):
    configure_logging(log_format="text", stream=capture)
    with log_context(job_id=5, user="3"):
        logging.getLogger("engine.worker").info("rendering")
    assert capture.getvalue().rstrip().endswith("engine.worker: rendering [job_id=5 user=3]")


def test_every_secret_in_the_settings_is_redacted(capture, monkeypatch):
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TOKEN)
    monkeypatch.setenv("DISCORD_BOT_TOKEN", DISCORD)
    monkeypatch.setenv("REELBOT_WEBHOOK_SECRET", "webhook-secret-value")
    monkeypatch.setenv("REELBOT_LOG_FORMAT", "json")
    settings = load_settings()
    assert {TOKEN, DISCORD, "webhook-secret-value"} <= set(secret_values(settings))
    configure_from_settings(settings, stream=capture)
    logging.getLogger("x").error("%s %s %s", TOKEN, DISCORD, "webhook-secret-value")
    record = json.loads(capture.getvalue())
    assert record["message"] == f"{REDACTED} {REDACTED} {REDACTED}"


def test_secret_values_finds_nested_secrets():
    from pydantic import BaseModel

    class Inner(BaseModel):
        key: SecretStr

    class Outer(BaseModel):
        inner: Inner
        many: list[Inner]

    outer = Outer(inner=Inner(key=SecretStr("alpha-secret")), many=[Inner(key=SecretStr("beta-secret"))])
    assert secret_values(outer) == ["alpha-secret", "beta-secret"]
