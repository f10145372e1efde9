"""The model card (``README.md`` beside the weights): data, command, time, metrics and limits, from a run's summary."""

from __future__ import annotations

import json
from dataclasses import MISSING, fields
from pathlib import Path

from toyworld.options import FLAG_NAMES, TrainOptions
from toyworld.world import BACKGROUNDS, COLORS, FPS, MOTIONS, NUM_FRAMES, SHAPES, SIZES

METRICS_FILE = "eval.json"
#: Hand-written history of the weights (runs, fine-tunes, what is not met), kept beside them and appended to
#: the card, so regenerating the card after a run or an evaluation keeps it.
STATUS_FILE = "STATUS.md"


def _metrics_table(metrics: dict | None) -> str:
    if not metrics:
        return "Not evaluated yet: run `make eval-toy`.\n"
    lines = ["| language | prompts | colour | motion direction | motion (all 9) | shape (all 6) "
             "| shape (circle, square, triangle) | background |",
             "|---|---|---|---|---|---|---|---|"]
    for lang, m in metrics["by_language"].items():
        core = f"{m['core_shape']:.0%}" if "core_shape" in m else "-"  # not measured before run 6's evaluation
        lines.append(
            f"| {lang} | {m['prompts']} | {m['color']:.0%} | {m['direction']:.0%} | {m['motion']:.0%} "
            f"| {m['shape']:.0%} | {core} | {m['background']:.0%} |"
        )
    pairs = metrics.get("pairs") or {}
    if pairs.get("pairs"):
        d = pairs["direction"]
        lines += ["", f"Same scenes, same seeds, both languages ({pairs['direction_pairs']} moves): direction right in "
                  f"English only {d['only_en']} times, in Chinese only {d['only_zh']} times."]
    slices = metrics.get("colour_slices") or {}
    if slices:
        parts = [f"{where} {name} {m['color']:.0%} of {m['prompts']}"
                 for where, by_kind in slices.items() for name, m in by_kind.items() if m["prompts"]]
        lines += ["", "Colour on the pairs a caption can confuse (`CONFUSABLE_PAIRS`) and on the rest: "
                  + ", ".join(parts) + "."]
    lines += _long_clip_lines(metrics)
    edits = metrics.get("edits") or {}
    if edits:
        lines += ["", "Edit checks: " + ", ".join(f"{k} {v:.0%}" for k, v in edits.items() if isinstance(v, float))]
    return "\n".join(lines) + "\n"


def _long_clip_lines(metrics: dict) -> list[str]:
    """Prompts without a background, jumps in long moves, loops and recut seams: what a newcomer sees first."""
    lines = []
    for mode, by_language in (metrics.get("newcomer") or {}).items():
        lines += ["", f"Prompts without a background, prompt completion {mode}: " + ", ".join(
            f"{lang} colour {m['color']:.0%}, object visible {m['visible']:.0%} of {m['prompts']}"
            for lang, m in by_language.items()) + "."]
    jumps = metrics.get("jumps") or {}
    if jumps:
        lines += ["", "Long moves, made as the engine makes them: " + "; ".join(
            f"{seconds} s: largest jump {m['largest_jump']:.1f} frames' worth of motion, {m['no_jump']:.0%} of "
            f"{m['prompts']} without a jump over 2" + (f", {m['monotone']:.0%} monotone" if "monotone" in m else "")
            for seconds, m in jumps.items()) + "."]
    remixes = metrics.get("remixes") or {}
    if remixes:
        lines += ["", f"5 s moves remixed to green as the engine makes them ({remixes['sources']} sources): "
                      + ", ".join(f"{key.replace('_', ' ')} {value:.0%}" for key, value in remixes.items()
                                  if key != "sources") + "."]
    extends = metrics.get("extends") or {}
    if extends:
        lines += ["", f"\"Continue it\" on a 5 s move, 5 s more as the engine makes them ({extends['clips']} clips): "
                      f"monotone {extends['monotone']:.0%} (farthest back {extends['largest_back_px']:.0f} px), "
                      f"in frame {extends['in_frame']:.0%}, without a jump at the seam {extends['no_jump']:.0%}."]
    for name, title in (("loops", "5 s loops of bounce and spin close"), ("recuts", "Recuts continue without a jump")):
        if metrics.get(name):
            lines += ["", f"{title}: " + ", ".join(f"{lang} {m['no_jump']:.0%} of {m['clips']}"
                                                   for lang, m in metrics[name].items()) + "."]
    return lines


#: Options a run's command line leaves out: where it writes and how it uses the machine, not what it learns.
_MACHINE = {"out", "checkpoint_dir", "checkpoint_minutes", "threads", "render_workers", "seed", "model"}


def _command(opts: dict) -> str:
    """Every recipe option that differs from ``TrainOptions``' default, so the card's command repeats the run
    (a hand-kept list of options fell behind the trainer: run t1's card lacked ``--triplet-clips``)."""
    parts = ["python -m toyworld.train"]
    for option in fields(TrainOptions):
        if option.name in _MACHINE or option.default is MISSING:
            continue
        value = opts.get(option.name, option.default)
        if value != option.default:
            parts.append(f"{FLAG_NAMES.get(option.name, '--' + option.name.replace('_', '-'))} {value}")
    return " ".join(parts)


def _provenance(opts: dict) -> list[str]:
    """Where a run that did not start from scratch started: its VAE and its weights."""
    lines = []
    if opts.get("vae_from"):
        lines.append(f"The VAE (stage 1) was taken from `{opts['vae_from']}`, an earlier run's stage 1.")
    if opts.get("init_from"):
        lines.append(f"The transformer and text encoder started from `{opts['init_from']}` (see the status note).")
    return ["", *lines] if lines else []


def _training(summary: dict) -> str:
    stages = summary.get("stages")
    if not stages:
        return "Not trained yet: `make train-toy` trains it and rewrites this card.\n"
    params = summary.get("parameters", {})
    opts = summary.get("options", {})
    lines = [
        "Recipe: `make train-toy` (`python -m toyworld.train --out engine/models/toy --minutes 90`). "
        f"This run: `{_command(opts)}` on {summary.get('device', 'cpu')}, seed {opts.get('seed', 0)}.",
        *_provenance(opts),
        "",
        "| stage | steps | minutes | s/step | final loss |",
        "|---|---|---|---|---|",
    ]
    for name, label in (("vae", "1: VAE (L1 reconstruction)"), ("transformer", "2: transformer + T5 (flow matching)")):
        st = stages.get(name, {})
        sps = st.get("seconds_per_step")
        loss = st.get("loss")
        lines.append(
            f"| {label} | {st.get('step', 0)} | {(st.get('elapsed_s') or 0) / 60:.1f} | "
            f"{f'{sps:.2f}' if sps else '-'} | {f'{loss:.4f}' if loss is not None else '-'} |"
        )
    if summary.get("vae_check"):
        lines += ["", "VAE round trips read back as their scenes (the ceiling for stage 2): "
                  + ", ".join(f"{k} {v:.0%}" for k, v in summary["vae_check"].items()) + "."]
    lines += [
        "",
        f"Parameters: VAE {params.get('vae', 0):,}, transformer {params.get('transformer', 0):,}, "
        f"text encoder {params.get('text_encoder', 0):,}.",
    ]
    return "\n".join(lines) + "\n"


def _moves(opts: dict) -> str:
    """How far the run's training world moved an object in one pass."""
    if opts.get("long_moves"):
        return ("A move crosses the frame at about a quarter of its width per pass and slows to rest at the far "
                "edge, so a long clip shows one move that stays in frame.")
    return "A move crosses half the frame in one pass."


def write_model_card(directory: Path | str, summary: dict, metrics: dict | None = None, note: str = "") -> Path:
    """Write ``README.md``; ``metrics`` defaults to the ``eval.json`` beside it, if any; ``note`` goes on top."""
    directory = Path(directory)
    if metrics is None and (directory / METRICS_FILE).exists():
        metrics = json.loads((directory / METRICS_FILE).read_text())
    sizes = ", ".join(f"{a} {w}x{h}" for a, (w, h) in SIZES.items())
    text = f"""# reelbot toy model
{note}
The embedded default model of reelbot: a genuine text-to-video diffusion model in the production classes
(`LTXConditionPipeline`: `AutoencoderKLLTXVideo`, `LTXVideoTransformer3DModel`, `T5EncoderModel`,
`FlowMatchEulerDiscreteScheduler`), trained by the repository's own script on a procedural toy world. Nothing
is downloaded, ever. Load it like any diffusers model: `LTXConditionPipeline.from_pretrained(this_directory)`.

## What it knows
{len(SHAPES)} shapes ({", ".join(SHAPES)}) in {len(COLORS)} colours ({", ".join(COLORS)}) on {len(BACKGROUNDS)}
backgrounds ({", ".join(BACKGROUNDS)}), with {len(MOTIONS)} motions ({", ".join(MOTIONS)}), prompted in English
or Chinese ("a red circle bouncing on a blue background", "蓝色背景上一个弹跳的红色圆形"). Other words are
unknown to its word-level tokenizer and read as `<unk>`.

## Native size, and what the engine does with it
Native sizes: {sizes}; {NUM_FRAMES} frames a pass (2 s at the 8 fps it is made at, interpolated to {FPS} fps).
{_moves(summary.get("options", {}))} The engine
upscales the native size to the requested resolution (480p/720p/1080p). A clip made from nothing (text, an
image, a loop) is one pass of up to 41 frames (`stretch_frames`) whose move fills the whole duration: the model
is told a frame rate as many times its own as the pass is longer than its 17 frames, so it sees one of its own
clips, slowed down; a 10 s or 20 s clip is made at 4 or 2 fps and interpolated up. A clip that continues others
(extend, recut, blend, storyboard cards) chains passes (conditioned on the previous pass's last 9 frames, in fewer
steps: `continuation_steps`). A clip that starts from text alone is made keyframe first
(`keyframe_index` in `reelbot.json`): a short text-only pass draws the object, its frame {NUM_FRAMES // 2} becomes the
keyframe, and the clip is made around it, so the motion is decided with the object's place known (the
transformer has only relative positions). `reelbot.json` beside the weights holds these numbers and the
sampling defaults (steps, guidance) the engine uses.

## Data
Clips drawn by `toyworld/` (seeded renderer, templated captions, half English and half Chinese; the
transformer stage keeps a pool of encoded clips and replaces two with new ones every step; 10% empty captions for classifier-free guidance, 10% partial captions), with random frame conditioning
(clean prefixes and clean frames at frame indices) so animate, extend, recut, blend and loop work.

## Training
{_training(summary)}
## Metrics
Method: `make eval-toy` generates one clip for each held-out prompt (seeded scenes, each captioned in
English and in Chinese and made from the same seed, so the languages are compared on the same scenes)
the way the engine does (keyframe pass included) and reads it back with the toy world's own measurements (median border colour for the background, nearest
palette colour of the object's pixels, polar-profile shape match, centroid trajectory and area over time for the
motion). Direction is scored on the four moves (left/right/up/down); motion on all nine; shape over all six
and, told apart from each other only, over circle, square and triangle. Long moves (5 s and 10 s), 5 s loops of
the periodic motions and recuts are made as the engine makes them and scored by their largest jump: a step
more than twice the clip's usual frame-to-frame change (a frame's worth of motion taken as at least a pixel);
a long move is monotone when it never goes back along its way by more than a pixel.

{_metrics_table(metrics)}
## Limits
Only the toy world: shapes, colours, backgrounds and motions above, one object per clip. Small and blurry at
native size; upscaled, it looks soft. Anything outside the vocabulary is ignored.
"""
    status = directory / STATUS_FILE
    if status.exists():
        text += "\n" + status.read_text()
    path = directory / "README.md"
    path.write_text(text)
    return path
