"""Score a captioner the way the engine runs it: held-out toy frames, a Pillow drawing, and the time per caption.

    python -m toyworld.captioner.evaluate --model engine/models/captioner

The frames come from their own seeds (``EVAL_SEED`` on), never drawn in training. A card is right about a fact
when ``read_card`` finds that fact's word in its place ("a red circle on a blue background": colour red, shape
circle, background blue). ``--video-clips N`` also captions frames of N clips the embedded video model makes
(slow on a CPU: a minute or more a clip) against the prompt they were made from. Results go to ``eval.json``.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

from toyworld.captioner.frames import held_out_frame
from toyworld.captioner.text import read_card

#: First seed of the held-out frames (training draws from ``default_rng([seed, step])`` streams instead).
EVAL_SEED = 5_000_000
FACTS = ("color", "shape", "background")
LANGS = ("en", "zh")
#: The bars the embedded captioner must clear, per language (fractions of frames).
TARGETS = {"color": 0.95, "background": 0.95, "shape": 0.80}


def red_disc_on_blue(size: int = 256) -> Image.Image:
    """A plain red disc on blue, drawn with Pillow outside the toy world."""
    image = Image.new("RGB", (size, size), (0, 0, 255))
    ImageDraw.Draw(image).ellipse([size * 0.25, size * 0.25, size * 0.75, size * 0.75], fill=(255, 0, 0))
    return image


def score_frames(captioner, frames, langs=LANGS) -> dict:
    """Share of frames whose card names each fact right, per language, plus the misses for reading."""
    result: dict = {}
    for lang in langs:
        right = dict.fromkeys(FACTS, 0)
        misses = []
        for frame in frames:
            text = captioner.caption(frame.image, lang).text
            facts = read_card(text, lang)
            ok = {name: getattr(facts, name) == getattr(frame, name) for name in FACTS}
            for name in FACTS:
                right[name] += ok[name]
            if not all(ok.values()):
                misses.append({"truth": [frame.color, frame.shape, frame.background], "caption": text})
        result[lang] = {name: right[name] / len(frames) for name in FACTS} | {"misses": misses}
    return result


def time_captions(captioner, image, repeats: int = 20) -> dict:
    """Seconds per caption after loading (wall clock around ``caption``), median and worst of ``repeats``."""
    captioner.caption(image, "en")  # first call pays one-off start-up costs
    seconds = []
    for i in range(repeats):
        started = time.perf_counter()
        captioner.caption(image, LANGS[i % 2])
        seconds.append(time.perf_counter() - started)
    return {"median_s": statistics.median(seconds), "max_s": max(seconds), "repeats": repeats}


def video_frames(count: int, seed: int, media_dir: str = "data/captioner-eval") -> list:
    """Middle frames of ``count`` clips the embedded video model makes from toy prompts (1 s, 1:1, 480p MP4s)."""
    from engine.media.decode import load_video
    from engine.runner import Engine
    from engine.specs import parse_spec
    from toyworld.captioner.frames import Frame
    from toyworld.captioner.text import card_text
    from toyworld.scene import sample_scene

    engine = Engine.load("embedded", device="cpu", media_dir=media_dir)
    frames = []
    for i in range(count):
        scene = sample_scene(np.random.default_rng(seed + i), aspect="1:1", motion="stay")
        prompt = card_text(scene.color, scene.shape, scene.background, "en")
        spec = parse_spec({"op": "generate", "prompt": prompt,
                           "settings": {"aspect": "1:1", "duration_s": 1, "seed": seed + i}})
        clip = engine.run([spec])[0][0]
        video = load_video(clip.path).frames
        frames.append(Frame(video[len(video) // 2], scene.color, scene.shape, scene.background))
    return frames


def evaluate(model: str, count: int = 100, video_clips: int = 0) -> dict:
    from engine.captioner import load_captioner

    started = time.perf_counter()
    captioner = load_captioner(model, "cpu")
    load_s = time.perf_counter() - started
    frames = [held_out_frame(EVAL_SEED + i) for i in range(count)]
    report: dict = {"model": model, "frames": count, "eval_seed": EVAL_SEED, "load_s": round(load_s, 3)}
    report["toy"] = score_frames(captioner, frames)
    disc = red_disc_on_blue()
    report["red_disc_on_blue"] = {lang: captioner.caption(disc, lang).text for lang in LANGS}
    report["latency_cpu"] = time_captions(captioner, disc)
    if video_clips:
        report["video_model"] = score_frames(captioner, video_frames(video_clips, EVAL_SEED + 10_000)) | {
            "clips": video_clips}
    report["passed"] = all(report["toy"][lang][name] >= bar for lang in LANGS for name, bar in TARGETS.items())
    return report


def summary(report: dict) -> str:
    lines = [f"captioner {report['model']}: {report['frames']} held-out toy frames (seeds {report['eval_seed']}+)"]
    for lang in LANGS:
        scores = report["toy"][lang]
        lines.append(f"  {lang}: " + ", ".join(f"{name} {scores[name]:.0%} (bar {TARGETS[name]:.0%})" for name in FACTS))
    if "video_model" in report:
        for lang in LANGS:
            scores = report["video_model"][lang]
            lines.append(f"  video-model frames ({report['video_model']['clips']}) {lang}: "
                         + ", ".join(f"{name} {scores[name]:.0%}" for name in FACTS))
    lines.append(f"  red disc on blue (Pillow): {report['red_disc_on_blue']['en']!r} / {report['red_disc_on_blue']['zh']!r}")
    latency = report["latency_cpu"]
    lines.append(f"  CPU: load {report['load_s']:.2f} s, caption median {latency['median_s'] * 1000:.1f} ms, "
                 f"worst {latency['max_s'] * 1000:.1f} ms")
    lines.append("  all bars met" if report["passed"] else "  BARS NOT MET")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", default="engine/models/captioner", help="captioner directory (or 'embedded')")
    parser.add_argument("--frames", type=int, default=100)
    parser.add_argument("--video-clips", type=int, default=0, help="also caption frames of N video-model clips")
    parser.add_argument("--out", help="where eval.json goes (default: inside --model when it is a directory)")
    args = parser.parse_args(argv)
    report = evaluate(args.model, args.frames, args.video_clips)
    print(summary(report))
    out = Path(args.out) if args.out else Path(args.model) / "eval.json" if Path(args.model).is_dir() else None
    if out is not None:
        out.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    raise SystemExit(0 if report["passed"] else 1)


if __name__ == "__main__":
    main()
