"""``reelbot run [telegram] [discord]``: serve chat platforms from one process (tokens from the environment)."""

from __future__ import annotations

import click

from reelbot.cli import cli
from reelbot.config import ConfigError, load_settings

#: The platforms ``reelbot run`` can serve, in the order they start.
PLATFORMS = ("telegram", "discord")


@cli.command()
@click.argument("platforms", nargs=-1, type=click.Choice(PLATFORMS, case_sensitive=False))
def run(platforms: tuple[str, ...]) -> None:
    """Run the bot on PLATFORMS (telegram, discord) in one process: one service, one queue, one warm model.

    Without arguments every platform whose token is set runs. Telegram polls, or serves a webhook when
    REELBOT_WEBHOOK_URL is set; the bot's HTTP server (health, metrics, Mini App) listens beside them.
    """
    from reelbot.app import TOKENS, has_token
    from reelbot.app import run as run_platforms

    settings = load_settings()
    chosen = [platform for platform in PLATFORMS if platform in {p.lower() for p in platforms}]
    if not chosen:
        chosen = [platform for platform in PLATFORMS if has_token(settings, platform)]
        if not chosen:
            raise ConfigError("no platform token is set: set TELEGRAM_BOT_TOKEN and/or DISCORD_BOT_TOKEN "
                              f"(or name one: reelbot run {'|'.join(TOKENS)})")
    run_platforms(settings, chosen)
