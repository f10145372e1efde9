"""Discord adapter (discord.py): slash commands, mentions and DMs in; messages, clips and buttons out.

It translates only; every decision is the core's (``bot.service.BotService``). Entry point: :func:`serve`.
"""

from adapters.discord.app import build_bot, serve

__all__ = ["build_bot", "serve"]
