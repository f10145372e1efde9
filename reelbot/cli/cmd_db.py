"""``reelbot db upgrade``: apply the migrations to REELBOT_DATABASE_URL."""

from __future__ import annotations

import sys

import click

from reelbot.cli import cli
from reelbot.config import load_settings


@cli.group()
def db() -> None:
    """Manage the database schema."""


@db.command("upgrade")
@click.option("--revision", default="head", show_default=True, help="Alembic revision to upgrade to.")
def upgrade(revision: str) -> None:
    """Apply migrations (SQLite or PostgreSQL, from REELBOT_DATABASE_URL)."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import DBAPIError

    from reelbot.migrate import current_revision, unreachable, upgrade_database

    url = load_settings().database_url
    try:
        upgrade_database(url, revision)
    except DBAPIError as exc:
        click.echo(f"reelbot: {unreachable(url, exc)}", err=True)
        sys.exit(1)
    where = make_url(url).render_as_string(hide_password=True)
    click.echo(f"database {where} is at revision {current_revision(url)}")
