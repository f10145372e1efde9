"""``reelbot model tiny DIR [--family ltx|ltx2|wan]``: write a tiny random pipeline anyone can try the engine with."""

from __future__ import annotations

import click

from reelbot.cli import cli


@cli.group()
def model() -> None:
    """Model files for the engine."""


@model.command("tiny")
@click.argument("directory", type=click.Path(file_okay=False))
@click.option("--seed", default=0, show_default=True, help="Seed of the random weights.")
@click.option("--family", type=click.Choice(["ltx", "ltx2", "wan"]), default="ltx", show_default=True,
              help="Which model family's pipeline to write (ltx2: LTX-2, video with sound).")
@click.option("--wan-kind", type=click.Choice(["ti2v", "t2v", "i2v", "vace"]), default="ti2v", show_default=True,
              help="Wan only: the kind of checkpoint (TI2V-5B, T2V-A14B, I2V-A14B, VACE).")
def tiny(directory: str, seed: int, family: str, wan_kind: str) -> None:
    """Write the tiny test pipeline (random weights, loads with from_pretrained) into DIRECTORY."""
    if family == "wan":
        from engine.pipelines.wan_tiny import write_tiny_wan_pipeline

        path = write_tiny_wan_pipeline(directory, wan_kind, seed=seed)
        click.echo(f"wrote the tiny Wan ({wan_kind}) pipeline to {path} (random weights: its videos are noise)")
        return
    from engine.tiny import write_tiny_pipeline

    path = write_tiny_pipeline(directory, seed=seed, family=family)
    name = "LTX-2" if family == "ltx2" else "LTX"
    click.echo(f"wrote the tiny {name} pipeline to {path} (random weights: its videos are noise)")
