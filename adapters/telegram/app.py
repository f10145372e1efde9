"""Build and run the Telegram application: handlers, the core's service, and the stream of job results.

Flow: an update -> a callback in :mod:`adapters.telegram.handlers` -> ``BotService.handle`` -> rendered replies.
Results that come later (progress, finished clips, failures) arrive through ``service.subscribe("telegram")``,
which a task started in ``post_init`` renders until shutdown. Jobs are durable in the core, so a clip requested
before a restart is delivered by the next process. The service is made by the composition root
(``reelbot.app``) and may be shared with other platforms in the same process: :func:`serve` runs inside its loop.

``TELEGRAM_API_BASE_URL`` points the client at a self-hosted Bot API server (uploads up to 2000 MB, downloads
without the 20 MB cap). Without ``TELEGRAM_API_FILE_URL`` the server is taken to run in ``--local`` mode on this
machine (PTB's ``local_mode``: files are exchanged by path); with it, files travel over HTTP, which is also how
the tests' fake server serves them.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import secrets
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from telegram import Update
from telegram.constants import FileSizeLimit
from telegram.error import InvalidToken, NetworkError
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    MessageHandler,
    PreCheckoutQueryHandler,
    filters,
)

from adapters.errors import PlatformUnreachable, TokenRefused
from adapters.telegram import handlers
from adapters.telegram.handlers import STATE, AdapterState
from adapters.telegram.menu import publish_commands
from adapters.telegram.render import PLATFORM, Renderer
from adapters.telegram.updates import ChatOrderedUpdateProcessor

_LOG = logging.getLogger(__name__)

#: Flood-control retries PTB's rate limiter makes itself (it waits ``retry_after`` before each).
RATE_LIMIT_RETRIES = 1
#: Where the webhook server listens; a reverse proxy terminates TLS in front of it (Telegram allows 443/80/88/8443).
WEBHOOK_LISTEN, WEBHOOK_PORT = "0.0.0.0", 8443
#: Seconds one getUpdates long poll waits for news.
POLL_TIMEOUT_S = 10
#: What the bot receives: messages (incl. payments), button presses and pre-checkout queries.
ALLOWED_UPDATES = [Update.MESSAGE, Update.CALLBACK_QUERY, Update.PRE_CHECKOUT_QUERY]
#: Messages the core can do something with.
MESSAGES = (
    filters.TEXT | filters.PHOTO | filters.VIDEO | filters.ANIMATION | filters.VIDEO_NOTE | filters.Document.ALL
) & ~filters.StatusUpdate.ALL
_CONFIG, _SERVICE, _DELIVERY = "reelbot.config", "reelbot.service", "reelbot.delivery"
#: ``bot_data`` key of (upload, download) byte limits: the cloud Bot API's 50/20 MB, or a self-hosted server's.
LIMITS = "reelbot.limits"


def build_application(settings: Any, service: Any) -> Application:
    """The PTB application on a ready ``service`` (a ``BotService``); ``settings`` is reelbot's configuration.

    (``service`` is None only for :func:`check_token`, which never starts the application.)
    """
    self_hosted = bool(settings.telegram_api_base_url)
    builder = (
        ApplicationBuilder()
        .token(settings.telegram_bot_token.get_secret_value())
        .rate_limiter(AIORateLimiter(max_retries=RATE_LIMIT_RETRIES))
        .concurrent_updates(ChatOrderedUpdateProcessor())
        .post_init(_post_init)
        .post_stop(_post_stop)
        .post_shutdown(_post_shutdown)
    )
    if self_hosted:
        builder = builder.base_url(settings.telegram_api_base_url).local_mode(not settings.telegram_api_file_url)
    if settings.telegram_api_file_url:
        builder = builder.base_file_url(settings.telegram_api_file_url)
    application = builder.build()
    application.bot_data[_CONFIG] = settings
    application.bot_data[LIMITS] = (
        (FileSizeLimit.FILESIZE_UPLOAD_LOCAL_MODE, FileSizeLimit.FILESIZE_DOWNLOAD_LOCAL_MODE) if self_hosted
        else (FileSizeLimit.FILESIZE_UPLOAD, FileSizeLimit.FILESIZE_DOWNLOAD)
    )
    application.bot_data[_SERVICE] = service

    application.add_handler(PreCheckoutQueryHandler(handlers.on_pre_checkout))
    application.add_handler(MessageHandler(filters.SUCCESSFUL_PAYMENT, handlers.on_successful_payment))
    application.add_handler(CallbackQueryHandler(handlers.on_button))
    application.add_handler(MessageHandler(MESSAGES, handlers.on_message))
    application.add_error_handler(handlers.on_error)
    return application


async def _post_init(application: Application) -> None:
    """Publish the command menu and start delivering job results."""
    settings = application.bot_data[_CONFIG]
    service = application.bot_data[_SERVICE]
    upload_limit, download_limit = application.bot_data[LIMITS]
    renderer = Renderer(application.bot, service, upload_limit_bytes=upload_limit)
    application.bot_data[STATE] = AdapterState(
        service=service, renderer=renderer, media_dir=Path(settings.media_dir), download_limit_bytes=download_limit
    )
    service.payments.add_refunder(PLATFORM, functools.partial(handlers.refund_stars, application.bot))
    await publish_commands(application.bot)
    application.bot_data[_DELIVERY] = asyncio.create_task(_deliver(service, renderer), name="telegram-delivery")


async def _deliver(service: Any, renderer: Renderer) -> None:
    """Render what jobs report for Telegram; one failed message never stops the stream."""
    async for out in service.subscribe(PLATFORM):
        try:
            await renderer.render(out)
        except Exception:  # noqa: BLE001
            _LOG.exception("could not deliver %s to chat %s", out.kind, out.chat_id)


async def _post_stop(application: Application) -> None:
    """Stop delivering while the bot can still finish its last request."""
    task: asyncio.Task | None = application.bot_data.pop(_DELIVERY, None)
    if task is not None:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
    state: AdapterState | None = application.bot_data.get(STATE)
    if state is not None:
        await state.renderer.close()


async def _post_shutdown(application: Application) -> None:
    """Stop delivering (the service is the composition root's to close)."""
    await _post_stop(application)
    application.bot_data.pop(STATE, None)


@contextlib.asynccontextmanager
async def serving(application: Application, *, poll_timeout_s: float = POLL_TIMEOUT_S,
                  webhook: dict[str, Any] | None = None) -> AsyncIterator[Application]:
    """Run ``application`` inside an existing event loop (tests, embedding), in the order ``run_polling`` uses.

    ``webhook`` holds ``Updater.start_webhook`` arguments; without it the bot polls.
    """
    await application.initialize()
    try:
        await application.post_init(application)
        if webhook is None:
            await application.updater.start_polling(timeout=poll_timeout_s, allowed_updates=ALLOWED_UPDATES)
        else:
            await application.updater.start_webhook(allowed_updates=ALLOWED_UPDATES, **webhook)
        await application.start()
        try:
            yield application
        finally:
            if application.updater.running:
                await application.updater.stop()
            await application.stop()
            await application.post_stop(application)
    finally:
        await application.shutdown()
        await application.post_shutdown(application)


def webhook_options(settings: Any) -> dict[str, Any]:
    """``run_webhook`` arguments: the path comes from the public URL; every request must carry the secret."""
    assert settings.webhook_url
    secret = settings.webhook_secret.get_secret_value() if settings.webhook_secret else secrets.token_urlsafe(32)
    return {
        "listen": WEBHOOK_LISTEN,
        "port": WEBHOOK_PORT,
        "url_path": urlsplit(settings.webhook_url).path.lstrip("/"),
        "webhook_url": settings.webhook_url,
        "secret_token": secret,
    }


async def serve(settings: Any, service: Any) -> None:
    """``reelbot run telegram``: poll, or serve a webhook when ``REELBOT_WEBHOOK_URL`` is set; until cancelled."""
    logging.getLogger("httpx").setLevel(logging.WARNING)  # its INFO lines carry the bot token in URLs
    application = build_application(settings, service)
    webhook = webhook_options(settings) if settings.webhook_url else None
    async with serving(application, webhook=webhook):
        await asyncio.Event().wait()


async def check_token(settings: Any) -> None:
    """Ask Telegram who we are once, before anything starts, so a wrong token is one clear line rather than PTB's
    retry-loop traceback."""
    try:
        async with build_application(settings, None).bot:
            pass
    except InvalidToken:
        raise TokenRefused("TELEGRAM_BOT_TOKEN was rejected by Telegram (check it with @BotFather)") from None
    except NetworkError as error:
        where = settings.telegram_api_base_url or "api.telegram.org"
        raise PlatformUnreachable(f"could not reach the Telegram Bot API at {where}: {error.message}") from None
