"""``reelbot render OP -o OUT.mp4``: run one engine operation without a chat."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from pydantic import ValidationError

from reelbot.cli import cli
from reelbot.config import load_settings

OPERATIONS = ("generate", "animate", "remix", "recut", "extend", "blend", "loop", "storyboard")


def _cards(values: tuple[str, ...]) -> list[dict]:
    cards = []
    for value in values:
        at, sep, text = value.partition(":")
        try:
            at_s = float(at)
        except ValueError:
            at_s, sep = -1.0, ""
        if not sep or at_s < 0:
            raise click.BadParameter(f"{value!r} is not SECONDS:TEXT (e.g. \"0:a cat wakes up\")", param_hint="--card")
        image = text if Path(text).suffix.lower() in {".png", ".jpg", ".jpeg", ".webp"} and Path(text).is_file() else None
        cards.append({"at_s": at_s, "prompt": "" if image else text, "image": image})
    return cards


@cli.command()
@click.argument("op", type=click.Choice(OPERATIONS))
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False), help="Where to write the MP4.")
@click.option("--prompt", default="", help="The scene, or the edit instruction.")
@click.option("--source", type=click.Path(exists=True, dir_okay=False), help="Source clip (remix, recut, extend, blend, loop).")
@click.option("--source-b", type=click.Path(exists=True, dir_okay=False), help="Second clip (blend).")
@click.option("--image", type=click.Path(exists=True, dir_okay=False), help="Image to animate.")
@click.option("--keep-seconds", type=float, help="Seconds of the source a recut keeps.")
@click.option("--strength", type=float, default=0.6, show_default=True, help="How much a remix changes (0-1).")
@click.option("--aspect", type=click.Choice(["16:9", "9:16", "1:1"]), default="16:9", show_default=True)
@click.option("--resolution", type=click.Choice(["480p", "720p", "1080p"]), default="480p", show_default=True)
@click.option("--duration", type=int, default=5, show_default=True, help="Seconds (1-20).")
@click.option("--fps", type=int, default=24, show_default=True)
@click.option("--variations", type=click.Choice(["1", "2", "4"]), default="1", show_default=True)
@click.option("--seed", type=int, help="Seed; the same seed gives the same clip.")
@click.option("--card", "cards", multiple=True, help='Storyboard card "SECONDS:TEXT" (or SECONDS:IMAGE.png); repeatable.')
@click.option("--model", "model_name", help="Diffusers model directory or hub id (default: REELBOT_MODEL).")
@click.option("--max-mb", type=float, help="Keep each file under this many megabytes.")
@click.option("--audio/--no-audio", default=None, help="Sound with the clip (default: where the model makes it).")
@click.option("--keep-audio", is_flag=True, help="Remix: keep the source's sound instead of making new sound.")
def render(op: str, output: str, prompt: str, source, source_b, image, keep_seconds, strength, aspect, resolution,
           duration, fps, variations, seed, cards, model_name, max_mb, audio, keep_audio) -> None:
    """Run one operation OP and write OUTPUT (variations: OUT-1.mp4, OUT-2.mp4, ...)."""
    from engine.errors import EngineError
    from engine.specs import parse_spec

    settings = load_settings()
    data = {
        "op": op,
        "settings": {"aspect": aspect, "resolution": resolution, "duration_s": duration, "fps": fps,
                     "variations": int(variations), "seed": seed},
        "prompt": prompt,
        "audio": audio,
    }
    extra = {"source": source, "source_b": source_b, "image": image, "keep_seconds": keep_seconds}
    data.update({key: value for key, value in extra.items() if value is not None})
    if op == "remix":
        data["strength"] = strength
        data["keep_audio"] = keep_audio
    if op == "storyboard":
        data["cards"] = _cards(cards)
        data.pop("prompt")
    try:
        spec = parse_spec(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"][1:]) or op
        _fail(f"{where}: {first['msg'].removeprefix('Value error, ')}")
    try:
        from engine.runner import Engine

        engine = Engine.load(model_name or settings.model, device=settings.device, options=settings.engine,
                             media_dir=settings.media_dir, limits=settings.limits, media=settings.media)
        with click.progressbar(length=engine.total_steps(spec), label=f"{op}", file=sys.stderr) as bar:
            (clips,) = engine.run([spec], on_step=lambda step, total: bar.update(step - bar.pos),
                                  max_bytes=int(max_mb * 1e6) if max_mb else None)
    except EngineError as exc:
        _fail(str(exc))
    out = Path(output)
    for index, clip in enumerate(clips, start=1):
        target = out if len(clips) == 1 else out.with_name(f"{out.stem}-{index}{out.suffix or '.mp4'}")
        target.parent.mkdir(parents=True, exist_ok=True)
        Path(clip.path).replace(target)
        click.echo(f"{target}  {clip.width}x{clip.height}  {clip.num_frames} frames @ {clip.fps} fps  "
                   f"{'with sound' if clip.has_audio else 'silent'}  {clip.size_bytes / 1e6:.2f} MB  seed {clip.seed}")


def _fail(message: str) -> None:
    click.echo(f"reelbot render: {message}", err=True)
    sys.exit(1)
