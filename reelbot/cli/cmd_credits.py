"""``reelbot credits show USER`` and ``reelbot credits grant USER AMOUNT``: the operator's view of the ledger."""

from __future__ import annotations

import asyncio
import contextlib
import sys
import uuid
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING

import click

from reelbot.cli import cli
from reelbot.config import load_settings

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

#: Ledger lines ``credits show`` prints unless told otherwise.
DEFAULT_SHOWN_LINES = 20


@cli.group()
def credits() -> None:
    """Look at and grant users' credits (USER as telegram:123, discord:456 or console:name)."""


@credits.command("show")
@click.argument("user")
@click.option("--lines", default=DEFAULT_SHOWN_LINES, show_default=True, type=click.IntRange(min=0),
              help="How many recent ledger lines to print.")
def show(user: str, lines: int) -> None:
    """Print USER's balance and recent ledger lines."""
    _check_key(user)
    if not asyncio.run(_show(user, lines)):
        click.echo(f"reelbot: no user {user} (they have not written to the bot yet)", err=True)
        sys.exit(1)


@credits.command("grant")
@click.argument("user")
@click.argument("amount", type=click.IntRange(min=1))
@click.option("--reason", default="operator grant", show_default=True, help="Why; kept in the ledger.")
@click.option("--key", default=None, help="Idempotency key, so a repeated command grants once (default: a new one).")
def grant(user: str, amount: int, reason: str, key: str | None) -> None:
    """Give USER AMOUNT credits (the user is created if they never wrote to the bot)."""
    _check_key(user)
    asyncio.run(_grant(user, amount, reason, key or f"admin:{uuid.uuid4().hex}"))


def _check_key(user: str) -> None:
    from bot.users import BadUserKey, parse_user_key

    try:
        parse_user_key(user)
    except BadUserKey as exc:
        raise click.BadParameter(str(exc), param_hint="USER") from None


async def _show(user_key: str, lines: int) -> bool:
    from bot.credits import Ledger
    from bot.users import find_user

    async with _database() as sessions:
        async with sessions() as session:
            user = await find_user(session, user_key)
        if user is None:
            return False
        ledger = Ledger(sessions)
        balance = await ledger.balance(user.id)
        click.echo(f"{user_key} (user {user.id}{', ' + user.display_name if user.display_name else ''}): "
                   f"balance {balance} credits")
        for entry in await ledger.entries(user.id, limit=lines):
            when = entry.created_at.strftime("%Y-%m-%d %H:%M UTC")
            job = f" job {entry.job_id}" if entry.job_id is not None else ""
            click.echo(f"  {when}  {entry.amount:+8d}  {entry.kind:<8} {entry.reason}{job}".rstrip())
    return True


async def _grant(user_key: str, amount: int, reason: str, key: str) -> None:
    from bot.credits import ADMIN, Ledger
    from bot.users import get_or_create_user, parse_user_key

    platform, external_id = parse_user_key(user_key)
    async with _database() as sessions:
        async with sessions() as session:
            user = await get_or_create_user(session, platform, external_id)
            await session.commit()
        balance = await Ledger(sessions).grant(user.id, amount, key=key, kind=ADMIN, reason=reason)
    click.echo(f"granted {amount} credits to {user_key} (user {user.id}): balance {balance}")


@contextlib.asynccontextmanager
async def _database() -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    """Sessions on REELBOT_DATABASE_URL, migrated first (SQLite) or checked to be current (PostgreSQL)."""
    from engine.db import make_engine, make_sessionmaker
    from reelbot.migrate import ensure_database

    settings = load_settings()
    ensure_database(settings)
    engine = make_engine(settings.database_url)
    try:
        yield make_sessionmaker(engine)
    finally:
        await engine.dispose()
