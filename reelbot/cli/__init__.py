"""The ``reelbot`` command. Each sub-command lives in its own module and imports heavy parts lazily."""

from __future__ import annotations

import sys

import click

from reelbot.config import ConfigError


class _Group(click.Group):
    """Turns a ConfigError anywhere below into one clear line and exit status 2."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except ConfigError as exc:
            click.echo(f"reelbot: {exc}", err=True)
            sys.exit(2)


@click.group(cls=_Group)
@click.version_option(package_name="reelbot")
def cli() -> None:
    """reelbot: make and edit short videos by chatting."""


def _register() -> None:
    from reelbot.cli import commands  # noqa: F401  (each module adds its commands to ``cli``)


def main() -> None:
    _register()
    cli(prog_name="reelbot")
