"""Discord adapter (discord.py): slash commands, mentions and DMs in; messages, clips and buttons out.

It translates only; every decision is the core's (``bot.service.BotService``). Entry point: :func:`main`.
"""

from adapters.discord.app import build_bot, main

__all__ = ["build_bot", "main"]
