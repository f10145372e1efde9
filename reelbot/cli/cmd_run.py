"""``reelbot run telegram|discord``: run a platform adapter with tokens from the environment."""

from __future__ import annotations

from reelbot.cli import cli
from reelbot.config import load_settings


@cli.group()
def run() -> None:
    """Run the bot on a chat platform."""


@run.command("telegram")
def run_telegram() -> None:
    """Telegram (TELEGRAM_BOT_TOKEN; polling, or a webhook when REELBOT_WEBHOOK_URL is set)."""
    from reelbot.app import run as run_platforms

    run_platforms(load_settings(), ["telegram"])


@run.command("discord")
def run_discord() -> None:
    """Discord (DISCORD_BOT_TOKEN)."""
    from reelbot.app import run as run_platforms

    run_platforms(load_settings(), ["discord"])
