"""``reelbot forget USER [--yes]``: answer a deletion request for someone who cannot (or did not) use /forget."""

from __future__ import annotations

import asyncio
import sys

import click

from reelbot.cli import cli
from reelbot.config import load_settings


@cli.command()
@click.argument("user")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def forget(user: str, yes: bool) -> None:
    """Delete USER's clips, files, prompts, drafts, chats and identities (telegram:123, discord:456, console:name).

    The ledger keeps its lines, anonymised, so every sum stays consistent.
    """
    from bot.users import BadUserKey, parse_user_key

    try:
        parse_user_key(user)
    except BadUserKey as exc:
        raise click.BadParameter(str(exc), param_hint="USER") from None
    if not yes and not click.confirm(f"Delete everything {user} left with the bot? This cannot be undone"):
        click.echo("nothing deleted")
        sys.exit(1)
    sys.exit(asyncio.run(_forget(user)))


async def _forget(user_key: str) -> int:
    from bot.errors import UserError
    from bot.forget import forget_user
    from reelbot.cli.cmd_credits import _database

    settings = load_settings()
    async with _database() as sessions:
        try:
            done = await forget_user(sessions, user_key, media_dir=settings.media_dir)
        except UserError as busy:
            click.echo(f"reelbot: {user_key} has {busy.params['jobs']} job(s) queued or rendering; cancel them or "
                       "wait until they finish, then run this again", err=True)
            return 1
    if done is None:
        click.echo(f"reelbot: no user {user_key} (they have not written to the bot, or were already forgotten)",
                   err=True)
        return 1
    click.echo(f"forgot {user_key}: {done.clips} clip(s), {done.jobs} job(s), {done.chats} chat(s), "
               f"{done.files} file(s) deleted; {done.ledger_lines} ledger line(s) kept anonymised "
               f"(balance {done.balance})")
    return 0
