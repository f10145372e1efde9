"""``reelbot inspect FILE [--json]``: what a clip says about itself (tool, model, seed, job, creation time).

Reads the container tags written at the clip's one encode (``engine.media.provenance``) and the video's own
shape; no database, no torch, so it answers for a file that has left the bot's machine.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

import click

from reelbot.cli import cli

#: How each of reelbot's tags is labelled in the text output.
LABELS = {"tool": "tool", "model": "model", "seed": "seed", "job_id": "job", "variation": "variation",
          "clip_id": "clip", "creation_time": "created"}


@cli.command("inspect")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="One JSON object: the clip's tags and the video's shape.")
def inspect_command(file: Path, as_json: bool) -> None:
    """Print FILE's provenance: the tool, model, seed and job that made it, and when."""
    from engine.errors import MediaError
    from engine.media import probe
    from engine.media.provenance import TOOL, read_metadata

    try:
        tags = read_metadata(file)
        info = probe(file)
    except MediaError as exc:
        raise click.ClickException(f"{file}: {exc}") from None
    if as_json:
        click.echo(json.dumps({"file": str(file), "metadata": tags, "video": asdict(info)}, ensure_ascii=False))
        return
    if tags.get("tool") != TOOL:
        click.echo(f"{file}: no reelbot provenance in this file")
    width = max(len(label) for label in LABELS.values())
    for key, value in tags.items():
        click.echo(f"{LABELS.get(key, key):<{width}}  {value}")
    click.echo(f"{'video':<{width}}  {info.width}x{info.height}, {info.duration_s:.2f} s at {info.fps:g} fps, "
               f"{info.codec}, {info.size_bytes} bytes")
