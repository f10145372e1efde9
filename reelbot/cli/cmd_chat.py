"""``reelbot chat``: the local console chat on the embedded model and SQLite."""

from __future__ import annotations

import asyncio
import getpass
import logging
import os
from pathlib import Path

import click

from reelbot.cli import cli
from reelbot.config import load_settings

_QUIET = {
    "TQDM_DISABLE": "1",
    "HF_HUB_DISABLE_PROGRESS_BARS": "1",
    "DIFFUSERS_VERBOSITY": "error",
    "TRANSFORMERS_VERBOSITY": "error",
    "HF_HUB_OFFLINE": "1",
}


@cli.command()
@click.option("--user", default=None, help="Who you are in the chat (default: your login name).")
@click.option("--out", "out_dir", default="out", type=click.Path(file_okay=False, path_type=Path), help="Where clips are written.")
def chat(user: str | None, out_dir: Path) -> None:
    """Chat with reelbot in this terminal; clips land in ./out/."""
    for name, value in _QUIET.items():  # a chat shows its own progress bar, not the libraries'
        os.environ.setdefault(name, value)
    from reelbot.app import chat_console

    settings = load_settings()
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    asyncio.run(chat_console(settings, user=user or _login(), out_dir=out_dir))


def _login() -> str:
    try:
        return getpass.getuser() or "you"
    except Exception:  # noqa: BLE001  (no login name in some containers)
        return "you"
