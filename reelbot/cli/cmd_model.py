"""``reelbot model tiny DIR``: write the tiny random LTX pipeline anyone can try the engine with."""

from __future__ import annotations

import click

from reelbot.cli import cli


@cli.group()
def model() -> None:
    """Model files for the engine."""


@model.command("tiny")
@click.argument("directory", type=click.Path(file_okay=False))
@click.option("--seed", default=0, show_default=True, help="Seed of the random weights.")
def tiny(directory: str, seed: int) -> None:
    """Write the tiny test pipeline (random weights, loads with from_pretrained) into DIRECTORY."""
    from engine.tiny import write_tiny_pipeline

    path = write_tiny_pipeline(directory, seed=seed)
    click.echo(f"wrote the tiny LTX pipeline to {path} (random weights: its videos are noise)")
