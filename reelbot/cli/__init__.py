"""The ``reelbot`` command. Each sub-command lives in its own module and imports heavy parts lazily."""

from __future__ import annotations

import sys

import click

from reelbot.config import ConfigError


class _Group(click.Group):
    """Turns a configuration mistake anywhere below into one clear line and exit status 2, never a traceback.

    A ConfigError says what is wrong itself; a database driver error that escapes a command means the
    database named by REELBOT_DATABASE_URL cannot be used as configured (wrong host, password, path...).
    """

    def invoke(self, ctx: click.Context):
        from sqlalchemy.exc import DBAPIError

        try:
            return super().invoke(ctx)
        except ConfigError as exc:
            click.echo(f"reelbot: {exc}", err=True)
            sys.exit(2)
        except DBAPIError as exc:
            from reelbot.config import load_settings
            from reelbot.migrate import unreachable

            click.echo(f"reelbot: {unreachable(load_settings().database_url, exc)}", err=True)
            sys.exit(2)


@click.group(cls=_Group)
@click.version_option(package_name="reelbot")
@click.pass_context
def cli(ctx: click.Context) -> None:
    """reelbot: make and edit short videos by chatting."""
    _configure_logging(service=ctx.invoked_subcommand in SERVICES)


#: Commands that run as services: they log at REELBOT_LOG_LEVEL; the others only warnings unless it is set.
SERVICES = ("run", "worker")


def _configure_logging(*, service: bool) -> None:
    """Every command logs the same way (REELBOT_LOG_FORMAT), secrets redacted; a bad setting is reported later."""
    import logging
    import os

    from reelbot.config import load_settings
    from reelbot.logs import configure_from_environment, configure_from_settings

    try:
        configure_from_settings(load_settings())
    except ConfigError:
        configure_from_environment()  # the command itself says what is wrong with the configuration
    if not service and "REELBOT_LOG_LEVEL" not in os.environ:
        logging.getLogger().setLevel(logging.WARNING)  # a chat or a one-off command keeps its output clean


def _register() -> None:
    from reelbot.cli import commands  # noqa: F401  (each module adds its commands to ``cli``)


def main() -> None:
    _register()
    cli(prog_name="reelbot")
