"""``reelbot parse [--context clip] [--image] [--video] TEXT...``: print the Command the core understood.

Used by tests and by people debugging a misunderstanding. It imports only ``bot.intents`` (no torch, no
database), and ``--lines`` reads one message per line from standard input, so a batch pays start-up once.
"""

from __future__ import annotations

import json
import sys

import click

from reelbot.cli import cli


@cli.command("parse")
@click.argument("text", nargs=-1)
@click.option("--context", type=click.Choice(["none", "clip"]), default="none", show_default=True,
              help="'clip': the chat has a clip in focus (replied to, or the last delivered).")
@click.option("--image", is_flag=True, help="A photo is attached (the text is its caption).")
@click.option("--video", is_flag=True, help="A video is attached.")
@click.option("--lines", is_flag=True, help="Read one message per line from standard input; print one JSON each.")
def parse_command(text: tuple[str, ...], context: str, image: bool, video: bool, lines: bool) -> None:
    """Print the Command JSON for TEXT (words are joined with spaces)."""
    from bot.intents import parse

    flags = {"has_focus": context == "clip", "has_image": image, "has_video": video}
    messages = (line.rstrip("\n") for line in sys.stdin) if lines else [" ".join(text)]
    for message in messages:
        command = parse(message, **flags)
        click.echo(json.dumps(command.to_json_dict(), ensure_ascii=False, separators=(", ", ": ")))
