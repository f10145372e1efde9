"""The composition root: build the one BotService of a process (database migrated, queue, engine) and run the
platform adapters on it, all inside one asyncio loop.

The conversation core (``bot``) receives a ready database, queue and configuration and knows nothing of how
they were made; adapters receive a ready service. Several adapters may share one service: each platform's
``serve(config, service)`` coroutine runs until cancelled, so running more platforms is gathering more of them.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
from collections.abc import AsyncIterator, Callable, Iterable
from pathlib import Path
from typing import Any, TextIO

from reelbot.config import ConfigError, Settings

#: Each platform's token variable, which must be set to run it.
TOKENS = {"telegram": ("telegram_bot_token", "TELEGRAM_BOT_TOKEN is not set (ask @BotFather for a token)"),
          "discord": ("discord_bot_token", "set DISCORD_BOT_TOKEN to run the Discord bot")}


async def build_service(config: Settings, *, queue: Any = None) -> Any:
    """Migrate the database, start the job queue (in-process, or Dramatiq when ``redis_url`` is set), start
    the service on it. The caller closes it (or uses :func:`running_service`)."""
    from sqlalchemy.ext.asyncio import async_sessionmaker

    from bot.service import BotService
    from engine.db import make_engine
    from engine.modes import make_queue
    from reelbot.migrate import ensure_database

    await asyncio.to_thread(ensure_database, config)
    sessions = async_sessionmaker(make_engine(config.database_url), expire_on_commit=False)
    if queue is None:
        queue = make_queue(
            database_url=config.database_url,
            redis_url=config.redis_url,
            engine_factory=None if config.redis_url else engine_factory(config),
            captioner_factory=captioner_factory(config),
            options=config.engine,
            limits=config.limits,
            tiers=config.tiers,
        )
    service = BotService(config, sessions, queue)
    await service.start()
    return service


@contextlib.asynccontextmanager
async def running_service(config: Settings, *, queue: Any = None) -> AsyncIterator[Any]:
    """The process's BotService for the length of the block."""
    service = await build_service(config, queue=queue)
    try:
        yield service
    finally:
        await service.close()


def engine_factory(config: Settings) -> Callable[[], Any]:
    """Loads the pipeline on the worker thread when the first job arrives (local mode only)."""

    def load() -> Any:
        from engine.runner import Engine

        return Engine.load(config.model, device=config.device, options=config.engine, media_dir=config.media_dir,
                           limits=config.limits, media=config.media)

    return load


def captioner_factory(config: Settings) -> Callable[[], Any]:
    """Loads ``REELBOT_CAPTIONER`` where the video model runs, at the first storyboard image card."""

    def load() -> Any:
        from engine.captioner import default_captioner

        return default_captioner(config.captioner, config.device)

    return load


def has_token(config: Settings, platform: str) -> bool:
    """Whether ``platform``'s token is set (to something other than blanks)."""
    token = getattr(config, TOKENS[platform][0])
    return token is not None and bool(token.get_secret_value().strip())


def check_tokens(config: Settings, platforms: Iterable[str]) -> None:
    """One clear line for a platform asked for without its token (before anything starts)."""
    for platform in platforms:
        if not has_token(config, platform):
            raise ConfigError(TOKENS[platform][1])


def adapter(platform: str) -> Any:
    """The platform's adapter module (``check_token(config)``, ``serve(config, service)``), imported only when
    that platform runs."""
    if platform == "telegram":
        from adapters.telegram import app
    elif platform == "discord":
        from adapters.discord import app
    else:
        raise ConfigError(f"unknown platform {platform!r} (telegram or discord)")
    return app


async def run_platforms(config: Settings, platforms: list[str]) -> None:
    """Serve ``platforms`` from one process: one service, one queue, one warm model; until interrupted."""
    from adapters.errors import StartupRefused
    from reelbot.http import start_http

    check_tokens(config, platforms)
    adapters = [adapter(platform) for platform in platforms]
    with contextlib.suppress(NotImplementedError):  # SIGTERM stops as cleanly as Ctrl-C (not on Windows)
        asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, asyncio.current_task().cancel)
    try:
        for each in adapters:  # a refused token stops start-up before the database or the model is touched
            await each.check_token(config)
        async with running_service(config) as service:
            server = await start_http(config, queue=service.queue, mount=http_mounts(config, service, platforms))
            try:
                await asyncio.gather(*(each.serve(config, service) for each in adapters))
            finally:
                await server.stop()
    except StartupRefused as refused:
        raise ConfigError(str(refused)) from None


def http_mounts(config: Settings, service: Any, platforms: Iterable[str]) -> list[Any]:
    """What the bot's HTTP server carries beside health and metrics: the Mini App when Telegram runs."""
    if "telegram" not in platforms:
        return []
    from adapters.miniapp import miniapp_mount

    return [miniapp_mount(service, config)]


async def chat_console(config: Settings, *, user: str, out_dir: Path, stdin: TextIO | None = None) -> None:
    """``reelbot chat``: the console adapter on this process's service."""
    from adapters.console.app import run_console

    async with running_service(config) as service:
        await run_console(service, user=user, out_dir=out_dir, stdin=stdin)


def run(config: Settings, platforms: list[str]) -> None:
    """``reelbot run ...``: Ctrl-C (SIGINT) or SIGTERM stops every platform and closes the service."""
    with contextlib.suppress(KeyboardInterrupt, asyncio.CancelledError):
        asyncio.run(run_platforms(config, platforms))
