"""Logging for every reelbot process: text for people or JSON lines for collectors, and never a secret.

Configured once, from the command line's entry point (``REELBOT_LOG_FORMAT``, ``REELBOT_LOG_LEVEL``). One
handler on the root logger carries two filters, so every library's lines get them too:

- :class:`ContextFilter` names the job, user and chat a line is about (``engine.logcontext``, set where a job
  or a message is handled);
- :class:`RedactingFilter` replaces every configured secret (bot tokens, API keys, webhook secrets), any
  ``bot<digits>:<secret>`` Telegram token in a URL, and the password in any ``scheme://user:password@`` URL,
  in the message, its arguments and its traceback, before either format sees the record.
"""

from __future__ import annotations

import json
import logging
import os
import re
import sys
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import IO, Any

from pydantic import BaseModel, SecretStr

from engine.logcontext import FIELDS, current

#: What a secret is replaced by.
REDACTED = "[REDACTED]"
#: A Telegram bot token, as it appears in Bot API URLs (``/bot123456:AA.../getMe``) and anywhere else.
TELEGRAM_TOKEN = re.compile(r"bot(\d+):[A-Za-z0-9_-]{20,}")
#: The password part of ``scheme://user:password@host``.
URL_PASSWORD = re.compile(r"(://[^:/@\s]*:)[^@/\s]+@")
#: Secrets shorter than this are not searched for (replacing "ab" everywhere would garble every line).
MIN_SECRET_CHARS = 6
#: Environment variables holding secrets, for when the settings themselves cannot be read.
SECRET_ENV = ("TELEGRAM_BOT_TOKEN", "DISCORD_BOT_TOKEN", "REELBOT_LLM_API_KEY", "REELBOT_WEBHOOK_SECRET")
#: The text format; the context (job, user, chat) is appended in brackets when set.
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


class Redactor:
    """Replaces known secrets and secret-shaped strings in text."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        # Longest first, so a secret containing another is replaced whole.
        self.secrets = sorted({s for s in secrets if s and len(s) >= MIN_SECRET_CHARS}, key=len, reverse=True)

    def __call__(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, REDACTED)
        text = TELEGRAM_TOKEN.sub(rf"bot\1:{REDACTED}", text)
        return URL_PASSWORD.sub(rf"\1{REDACTED}@", text)


class RedactingFilter(logging.Filter):
    """Rewrites each record's message and traceback with the secrets taken out (never drops a record)."""

    def __init__(self, redactor: Redactor) -> None:
        super().__init__()
        self.redact = redactor

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001  (a bad format string: let the handler report it as logging does)
            return True
        record.msg, record.args = self.redact(message), None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        if record.stack_info:
            record.stack_info = self.redact(record.stack_info)
        return True


class ContextFilter(logging.Filter):
    """Adds ``job_id``, ``user`` and ``chat`` from the context to each record (an ``extra=`` value wins)."""

    def filter(self, record: logging.LogRecord) -> bool:
        for name, value in current().items():
            if getattr(record, name, None) is None:
                setattr(record, name, value)
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, the context fields, and the traceback if any."""

    def format(self, record: logging.LogRecord) -> str:
        data: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for name in FIELDS:
            value = getattr(record, name, None)
            if value is not None:
                data[name] = str(value)
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            data["exception"] = record.exc_text
        if record.stack_info:
            data["stack"] = record.stack_info
        return json.dumps(data, ensure_ascii=False)


class TextFormatter(logging.Formatter):
    """The classic line, with ``[job_id=.. user=.. chat=..]`` appended when the record is about someone."""

    def __init__(self) -> None:
        super().__init__(TEXT_FORMAT)

    def formatMessage(self, record: logging.LogRecord) -> str:  # noqa: N802  (logging's name)
        line = super().formatMessage(record)
        about = " ".join(f"{name}={getattr(record, name)}" for name in FIELDS if getattr(record, name, None))
        return f"{line} [{about}]" if about else line


def configure_logging(
    *,
    log_format: str = "text",
    level: str | int = "INFO",
    secrets: Iterable[str] = (),
    stream: IO[str] | None = None,
) -> logging.Handler:
    """Install reelbot's one handler on the root logger (replacing one installed before) and return it."""
    root = logging.getLogger()
    for handler in list(root.handlers):
        if getattr(handler, "_reelbot", False):
            root.removeHandler(handler)
            handler.close()
    handler = logging.StreamHandler(stream) if stream is not None else _StderrHandler()
    handler._reelbot = True  # type: ignore[attr-defined]
    handler.setFormatter(JsonFormatter() if log_format == "json" else TextFormatter())
    handler.addFilter(ContextFilter())
    handler.addFilter(RedactingFilter(Redactor(secrets)))
    root.addHandler(handler)
    root.setLevel(level)
    logging.captureWarnings(True)  # warnings.warn() becomes a record: redacted, and one JSON line in json mode
    if log_format == "json":
        # Progress bars are not log lines; Hugging Face libraries read this before drawing one.
        os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    return handler


def quiet_model_loading() -> None:
    """No diffusers progress bars (they ignore ``HF_HUB_DISABLE_PROGRESS_BARS``); call where diffusers loads."""
    from diffusers.utils import logging as diffusers_logging

    diffusers_logging.disable_progress_bar()


def configure_from_settings(settings: Any, *, stream: IO[str] | None = None) -> logging.Handler:
    """:func:`configure_logging` with the format, level and every secret of the effective configuration."""
    return configure_logging(log_format=settings.log_format, level=settings.log_level,
                             secrets=[*secret_values(settings), *_env_secrets()], stream=stream)


def configure_from_environment(*, stream: IO[str] | None = None) -> logging.Handler:
    """For when the configuration cannot be read: format, level and secrets straight from the environment."""
    log_format = "json" if os.environ.get("REELBOT_LOG_FORMAT", "").lower() == "json" else "text"
    level = os.environ.get("REELBOT_LOG_LEVEL", "INFO").upper()
    if level not in ("DEBUG", "INFO", "WARNING", "ERROR"):
        level = "INFO"
    return configure_logging(log_format=log_format, level=level, secrets=_env_secrets(), stream=stream)


def secret_values(model: Any) -> list[str]:
    """Every :class:`SecretStr` value inside a settings model, however deeply nested."""
    found: list[str] = []
    if isinstance(model, SecretStr):
        found.append(model.get_secret_value())
    elif isinstance(model, BaseModel):
        for name in type(model).model_fields:
            found.extend(secret_values(getattr(model, name)))
    elif isinstance(model, dict):
        for value in model.values():
            found.extend(secret_values(value))
    elif isinstance(model, list | tuple):
        for value in model:
            found.extend(secret_values(value))
    return found


class _StderrHandler(logging.StreamHandler):
    """Writes to whatever ``sys.stderr`` is at the time (test runners and ``click`` swap it)."""

    def __init__(self) -> None:
        super().__init__()

    @property
    def stream(self) -> IO[str]:  # type: ignore[override]
        return sys.stderr

    @stream.setter
    def stream(self, _value: IO[str]) -> None:
        pass


def _env_secrets() -> list[str]:
    return [value for name in SECRET_ENV if (value := os.environ.get(name))]
