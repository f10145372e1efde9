"""``reelbot caption IMAGE [--lang en|zh] [--json] [--lines]``: the text a storyboard image card gets.

It loads ``REELBOT_CAPTIONER`` (default: the embedded captioner) once; ``--lines`` reads one image path per line
from standard input and answers each, so a batch pays the loading once. A file that cannot be used gets the
bot's own refusal in the chosen language, never a traceback.
"""

from __future__ import annotations

import json
import sys

import click

from reelbot.cli import cli
from reelbot.config import load_settings


def _emit(payload: dict, as_json: bool) -> None:
    if as_json:
        click.echo(json.dumps(payload, ensure_ascii=False, separators=(", ", ": ")))
    elif "caption" in payload:
        click.echo(payload["caption"])
    else:
        click.echo(f"{payload['image']}: {payload['message']}", err=True)


@cli.command("caption")
@click.argument("image", required=False)
@click.option("--lang", type=click.Choice(["en", "zh"]), default="en", show_default=True, help="Caption language.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON: image, caption, lang, seconds (or error, message).")
@click.option("--lines", is_flag=True, help="Read one image path per line from standard input.")
@click.option("--model", "model_name", help="Captioner directory or hub id (default: REELBOT_CAPTIONER).")
def caption_command(image: str | None, lang: str, as_json: bool, lines: bool, model_name: str | None) -> None:
    """Print the card text for IMAGE (a photo or a video frame saved as an image)."""
    if not lines and not image:
        raise click.UsageError("give an IMAGE, or --lines to read paths from standard input")
    from bot.i18n import reason
    from engine.captioner import CaptionRequest, load_captioner, run_caption
    from engine.errors import ModelLoadError

    settings = load_settings()
    model = model_name or settings.captioner
    try:
        captioner = load_captioner(model, settings.device)
    except ModelLoadError as exc:
        click.echo(f"reelbot: {exc}", err=True)
        sys.exit(2)
    paths = (line.strip() for line in sys.stdin if line.strip()) if lines else [image]
    failed = False
    for path in paths:
        result = run_caption(CaptionRequest(image_path=path, lang=lang), captioner, limits=settings.limits)
        if result.ok:
            _emit({"image": path, "caption": result.caption, "lang": result.lang,
                   "seconds": round(result.seconds, 4)}, as_json)
        else:
            failed = True
            _emit({"image": path, "error": result.error_code, "message": reason(result.error_code, lang)}, as_json)
    if failed:
        sys.exit(1)
