"""``reelbot config show``."""

from __future__ import annotations

import json

import click

from reelbot.cli import cli
from reelbot.config import load_settings


@cli.group()
def config() -> None:
    """Inspect the effective configuration."""


@config.command("show")
def show() -> None:
    """Print the effective configuration as JSON, secrets masked."""
    click.echo(json.dumps(load_settings().masked(), indent=2, ensure_ascii=False))
