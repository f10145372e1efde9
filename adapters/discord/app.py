"""``reelbot run discord``: build the discord.py bot, point it at Discord (or a proxy), run it on a ready service.

Start-up order (``setup_hook``, after login, before the gateway): the cog, the button handler for every ``reelbot:*`` custom_id (so buttons on clips sent before a restart work), the gateway URL,
the slash-command sync, and the task that shows what jobs report later.
"""

from __future__ import annotations

import asyncio
import logging
import re
from typing import Any

import aiohttp
import discord
import yarl
from discord.ext import commands
from discord.gateway import DiscordWebSocket

from adapters.discord.cog import ReelCog
from adapters.discord.render import Renderer
from adapters.discord.views import PayloadButton
from adapters.errors import PlatformUnreachable, TokenRefused

log = logging.getLogger(__name__)

#: The REST API version discord.py speaks; appended to a proxy URL given without one.
API_PATH = "/api/v10"


class ReelBot(commands.Bot):
    """discord.py's Bot with reelbot's core attached; slash commands only (no text prefix commands)."""

    def __init__(self, settings: Any, service: Any, **options: Any) -> None:
        intents = discord.Intents.default()
        intents.message_content = True  # plain sentences in DMs and mentions
        super().__init__(command_prefix=commands.when_mentioned, intents=intents, help_command=None, **options)
        self.settings = settings
        self.service = service
        self.renderer: Renderer | None = None
        self.cog: ReelCog | None = None
        self._pump: asyncio.Task | None = None

    async def setup_hook(self) -> None:
        self.renderer = Renderer(self, self.service)
        self.cog = ReelCog(self, self.service, self.renderer)
        await self.add_cog(self.cog)
        self.add_dynamic_items(PayloadButton)
        await self._choose_gateway()
        await self._sync_commands()
        self._pump = asyncio.create_task(self._show_job_reports(), name="reelbot-discord-deliveries")

    async def press_button(self, interaction: discord.Interaction, payload: str) -> None:
        """Called by :class:`PayloadButton`; the cog translates the press for the core."""
        if self.cog is not None:
            await self.cog.press(interaction, payload)

    async def on_message(self, message: discord.Message) -> None:
        """No prefix commands: the cog's listener decides which messages are for the bot."""

    async def _choose_gateway(self) -> None:
        """DISCORD_GATEWAY_URL, else (behind a REST proxy) the URL the REST API names, else Discord's default.

        A non-sharded discord.py client connects to ``DiscordWebSocket.DEFAULT_GATEWAY``; it is a class
        attribute because discord.py has no per-client setting for it (the process runs one bot).
        """
        url = self.settings.discord_gateway_url
        if not url and self.settings.discord_api_base_url:
            _, url, _ = await self.http.get_bot_gateway()
        if url:
            DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(url)
            log.info("gateway: %s", url)

    async def _sync_commands(self) -> None:
        """Globally (takes up to an hour to reach clients), or to DISCORD_GUILD_IDS (instant, for development)."""
        if self.settings.discord_guild_ids:
            for guild_id in self.settings.discord_guild_ids:
                guild = discord.Object(id=guild_id)
                self.tree.copy_global_to(guild=guild)
                synced = await self.tree.sync(guild=guild)
                log.info("synced %s slash commands to guild %s", len(synced), guild_id)
        else:
            synced = await self.tree.sync()
            log.info("synced %s slash commands globally", len(synced))

    async def _show_job_reports(self) -> None:
        """Progress, clips and failures from jobs, for as long as the bot runs."""
        assert self.renderer is not None
        async for out in self.service.subscribe("discord"):
            try:
                await self.renderer.deliver_later(out)
            except Exception:  # noqa: BLE001  (one bad message must not stop the rest)
                log.exception("showing a job report in chat %s failed", out.chat_id)

    async def close(self) -> None:
        if self._pump is not None:
            self._pump.cancel()
            await asyncio.gather(self._pump, return_exceptions=True)
        await super().close()  # the service is the composition root's to close


def api_base(url: str) -> str:
    """A proxy URL with the API version path discord.py expects (``http://nirn:8080`` -> ``.../api/v10``)."""
    url = url.rstrip("/")
    return url if re.search(r"/api/v\d+$", url) else url + API_PATH


def build_bot(settings: Any, service: Any, **options: Any) -> ReelBot:
    """The bot, with REST pointed at DISCORD_API_BASE_URL when set (``Route.BASE`` is discord.py's one knob).

    ``service`` is a ready BotService; ``options`` go to ``discord.Client``.
    """
    if settings.discord_api_base_url:
        discord.http.Route.BASE = api_base(settings.discord_api_base_url)
    return ReelBot(settings, service, **options)


async def check_token(settings: Any) -> None:
    """Log in once before anything starts, so a wrong token is one clear line."""
    bot = build_bot(settings, None)
    try:
        await bot.login(settings.discord_bot_token.get_secret_value())
    except discord.LoginFailure:
        raise TokenRefused("DISCORD_BOT_TOKEN was rejected by Discord (check it in the developer portal)") from None
    except (aiohttp.ClientError, OSError) as error:
        where = settings.discord_api_base_url or "discord.com"
        raise PlatformUnreachable(f"could not reach the Discord API at {where}: {error}") from None
    finally:
        await bot.close()


async def serve(settings: Any, service: Any) -> None:
    """``reelbot run discord``: log in, connect, and serve until cancelled; DISCORD_BOT_TOKEN is required."""
    bot = build_bot(settings, service)
    async with bot:
        try:
            await bot.start(settings.discord_bot_token.get_secret_value())
        except discord.LoginFailure:
            raise TokenRefused("DISCORD_BOT_TOKEN was rejected by Discord (check it in the developer portal)") from None
