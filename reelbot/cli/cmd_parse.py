"""``reelbot parse [--context clip] [--image] [--video] TEXT...``: print the Command the core understood.

Used by tests and by people debugging a misunderstanding. It imports only ``bot.intents`` (no torch, no
database), and ``--lines`` reads one message per line from standard input, so a batch pays start-up once.
With ``REELBOT_LLM_URL`` set, a message the rules are unsure about goes to that language model, as in the bot
(within its timeout; the rules answer otherwise).
"""

from __future__ import annotations

import asyncio
import json
import os
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
    flags = {"has_focus": context == "clip", "has_image": image, "has_video": video}
    messages = (line.rstrip("\n") for line in sys.stdin) if lines else [" ".join(text)]
    if os.environ.get("REELBOT_LLM_URL"):
        asyncio.run(_with_language_model(messages, flags))
        return
    from bot.intents import parse

    for message in messages:
        _echo(parse(message, **flags))


def _echo(command: object) -> None:
    click.echo(json.dumps(command.to_json_dict(), ensure_ascii=False, separators=(", ", ": ")))  # type: ignore[attr-defined]


async def _with_language_model(messages: object, flags: dict[str, bool]) -> None:
    from bot.intents import LanguageModel
    from reelbot.config import load_settings

    model = LanguageModel(load_settings().llm_options)
    try:
        for message in messages:  # type: ignore[attr-defined]
            _echo(await model.understand(message, **flags))
    finally:
        await model.aclose()
