"""Score the toy model's prompt adherence with the toy world's own measurements, and check edits semantically.

    python -m toyworld.evaluate --model engine/models/toy --prompts 100

For held-out prompts (seeded scenes, each captioned in English and in Chinese and made from the same seed,
so the languages are compared on the same scenes; motions balanced) it generates one clip each
from plain ``LTXConditionPipeline.from_pretrained`` through the engine's own passes (``render_timeline``, with
the keyframe pass where the model's profile asks for it, as users get it), reads it back with
``measure.classify`` and reports how often colour, shape, background, motion and (for the four moves)
direction match, per language. Then the edit
checks: remix "make it green" turns the object green; recut keeps the source's first frames; a loop ends on
its first frame. Writes ``eval.json`` and ``EVAL.md`` beside the model and refreshes its model card.

The edit checks call the pipeline the way the engine's operations do: remix = the source's latents with
``denoise_strength`` on the engine's evenly spaced video-to-video schedule, prompted with what the bot sends
for "make it green" (the source's description, recoloured); recut = the source's prefix as a
video condition at frame 0; loop = the same frame conditioned at frame 0 and at the last frame.
"""

from __future__ import annotations

import argparse
import json
import logging
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

from toyworld.captions import LANGUAGES, caption
from toyworld.card import METRICS_FILE, write_model_card
from toyworld.measure import BACK_PX, classify, seam_jump
from toyworld.scene import Scene, sample_scene
from toyworld.world import (
    ASPECTS,
    BASE_RADIUS,
    COLORS_ZH,
    CONFUSABLE_PAIRS,
    CORE_SHAPES,
    DIRECTIONS,
    FPS,
    MOTIONS,
    MOTIONS_EN,
    MOTIONS_ZH,
    NUM_FRAMES,
    PERIODIC,
    SHAPES_ZH,
    SIZES,
)

log = logging.getLogger("toyworld.evaluate")

#: Seeds of the held-out prompts live far from training's (training draws from (seed, stage, step)).
HELD_OUT_SEED = 2_000_003
REPORT_FILE = "EVAL.md"
#: A kept prefix differs from the source's frames by less than this mean absolute error (0-1 scale).
SAME_FRAMES_MAE = 0.06
#: The strength the bot asks for when a remix changes a colour (bot/intents/rewrite.py, RECOLOUR_STRENGTH).
REMIX_STRENGTH = 0.8
FACTS = ("color", "shape", "background", "motion")
#: A seam (a loop's wrap, a recut's cut) without a jump changes no more than this many frames' worth of the
#: clip's usual frame-to-frame change (``measure.seam_jump``); the same bound as the long moves' jumps.
NO_JUMP = 2.0


@dataclass(frozen=True)
class Prompt:
    scene: Scene
    language: str
    text: str
    seed: int


def held_out_prompts(count: int, seed: int = HELD_OUT_SEED, radius: float = BASE_RADIUS) -> list[Prompt]:
    """``count`` prompts, alternating English and Chinese, cycling through the motions; their scenes' objects
    are drawn at ``radius`` where a frame of them is given to the model."""
    rng = np.random.default_rng(seed)
    prompts = []
    for i in range(count):
        aspect = ASPECTS[rng.choice(len(ASPECTS), p=(0.5, 0.25, 0.25))]
        scene = sample_scene(rng, aspect=aspect, motion=MOTIONS[(i // 2) % len(MOTIONS)], radius=radius)
        language = LANGUAGES[i % 2]
        prompts.append(Prompt(scene, language, caption(scene, language, rng), seed + i))
    return prompts


def paired_prompts(count: int, seed: int = HELD_OUT_SEED, confusable: float = 0.0) -> list[Prompt]:
    """``count`` prompts in English-Chinese pairs: each scene captioned in both languages, made from one seed.

    The two clips of a pair differ only by the caption's language, so the gap between the languages measures
    the language alone, not which scenes each happened to draw (with 24 moves per language drawn apart, the
    gap's standard error is about 12 points; paired, a gap is a count of pairs made differently).
    """
    rng = np.random.default_rng(seed)
    prompts = []
    for i in range(0, count, 2):
        aspect = ASPECTS[rng.choice(len(ASPECTS), p=(0.5, 0.25, 0.25))]
        scene = sample_scene(rng, aspect=aspect, motion=MOTIONS[(i // 2) % len(MOTIONS)], confusable=confusable)
        for language in LANGUAGES[: min(2, count - i)]:
            prompts.append(Prompt(scene, language, caption(scene, language, rng), seed + i // 2))
    return prompts


def shape_prompts(count: int, seed: int = HELD_OUT_SEED + 47) -> list[Prompt]:
    """``count`` prompts in English-Chinese pairs whose objects are circles, squares and triangles in turn (the
    shapes the issue asks to tell apart), every motion but spin among them (a spin turns a square into a
    diamond on the way)."""
    rng = np.random.default_rng(seed)
    motions = [m for m in MOTIONS if m != "spin"]
    prompts = []
    for i in range(0, count, 2):
        k = i // 2
        drawn = sample_scene(rng, aspect=ASPECTS[k % len(ASPECTS)], motion=motions[k % len(motions)])
        scene = Scene(**{**drawn.to_dict(), "shape": CORE_SHAPES[k % len(CORE_SHAPES)]})
        for language in LANGUAGES[: min(2, count - i)]:
            prompts.append(Prompt(scene, language, caption(scene, language, rng), seed + k))
    return prompts


def shape_summary(records: list[dict]) -> dict:
    """Per language: how often circle, square and triangle read back as themselves, and what each read as."""
    summary = {}
    for language in LANGUAGES:
        rows = [r for r in records if r["language"] == language and "core_shape" in r["match"]]
        if not rows:
            continue
        read_as: dict[str, dict[str, int]] = {}
        for r in rows:
            seen = read_as.setdefault(r["truth"]["shape"], {})
            seen[r["read_as"]] = seen.get(r["read_as"], 0) + 1
        right = float(np.mean([r["match"]["core_shape"] for r in rows]))
        summary[language] = {"prompts": len(rows), "core_shape": right, "read_as": read_as}
    return summary


def newcomer_prompts(count: int, seed: int = HELD_OUT_SEED + 31) -> list[Prompt]:
    """``count`` prompts the way a newcomer types them: colour, shape and motion, no background; English-Chinese
    pairs of one scene and seed (the scene's background is what the world drew, not what the prompt says)."""
    rng = np.random.default_rng(seed)
    prompts = []
    for i in range(0, count, 2):
        scene = sample_scene(rng, aspect="16:9", motion=MOTIONS[(i // 2) % len(MOTIONS)])
        participles = MOTIONS_EN[scene.motion][0]
        texts = {"en": f"{'an' if scene.color[0] in 'aeiou' else 'a'} {scene.color} {scene.shape} "
                       f"{participles[rng.integers(len(participles))]}",
                 "zh": f"一个{COLORS_ZH[scene.color]}{SHAPES_ZH[scene.shape]}{MOTIONS_ZH[scene.motion][0]}"}
        for language in LANGUAGES[: min(2, count - i)]:
            prompts.append(Prompt(scene, language, texts[language], seed + i // 2))
    return prompts


def _settings(model: Path) -> dict:
    profile_path = model / "reelbot.json"
    profile = json.loads(profile_path.read_text()) if profile_path.exists() else {}
    return {
        "num_inference_steps": int(profile.get("num_inference_steps", 20)),
        "guidance_scale": float(profile.get("guidance_scale", 4.0)),
        "max_sequence_length": int(profile.get("max_sequence_length", 32)),
        "negative_prompt": profile.get("negative_prompt", ""),
        "frame_rate": int(profile.get("fps", FPS)),
    }


def trained_radius(model: Path) -> float:
    """The object size the model was trained on (``--object-radius``; models from before it: the default)."""
    training = model / "training.json"
    options = json.loads(training.read_text()).get("options", {}) if training.exists() else {}
    return float(options.get("object_radius", BASE_RADIUS))


def _to_uint8(frames: np.ndarray) -> np.ndarray:
    return np.clip(np.rint(frames * 255.0), 0, 255).astype(np.uint8)


class Evaluator:
    def __init__(self, model: Path, batch: int = 10, steps: int | None = None, guidance: float | None = None):
        from diffusers import LTXConditionPipeline

        from engine.pipelines.ltx import LTXFamily
        from engine.pipelines.profile import load_profile

        self.model = model
        self.pipe = LTXConditionPipeline.from_pretrained(model)
        self.pipe.set_progress_bar_config(disable=True)
        self.settings = _settings(model)
        if steps:
            self.settings["num_inference_steps"] = steps
        if guidance is not None:
            self.settings["guidance_scale"] = guidance
        profile = load_profile(model).model_copy(update={
            "num_inference_steps": self.settings["num_inference_steps"],
            "guidance_scale": self.settings["guidance_scale"],
        })
        #: Text-to-video goes through the engine's own passes (keyframe first where the profile says so).
        self.family = LTXFamily(self.pipe, profile)
        self.batch = batch

    def text_to_video(self, prompts: list[str], aspect: str, seeds: list[int]) -> np.ndarray:
        """uint8 clips (B, T, H, W, 3) made the way the engine makes a text-only clip at native size."""
        from engine.pipelines.timeline import Shot, Timeline, render_timeline

        width, height = SIZES[aspect]
        timeline = Timeline(num_frames=NUM_FRAMES, width=width, height=height, fps=self.settings["frame_rate"])
        negative = self.settings["negative_prompt"]
        shots = [Shot(prompts=[(0, text)], negative_prompt=negative, seed=seed) for text, seed in zip(prompts, seeds)]
        return np.stack(render_timeline(self.family, timeline, shots, on_step=lambda: None))

    def generate(self, prompts: list[str], aspect: str, seeds: list[int], **kwargs) -> np.ndarray:
        """uint8 clips (B, T, H, W, 3) for prompts of one aspect."""
        width, height = SIZES[aspect]
        output = self.pipe(
            prompt=prompts,
            width=width,
            height=height,
            num_frames=NUM_FRAMES,
            generator=[torch.Generator().manual_seed(s) for s in seeds],
            output_type="np",
            **self.settings,
            **kwargs,
        )
        return _to_uint8(np.asarray(output.frames))

    # -- prompt adherence --------------------------------------------------------------------------------------
    def adherence(self, prompts: list[Prompt]) -> list[dict]:
        records: list[dict] = []
        for aspect in ASPECTS:
            group = [p for p in prompts if p.scene.aspect == aspect]
            for i in range(0, len(group), self.batch):
                chunk = group[i : i + self.batch]
                clips = self.text_to_video([p.text for p in chunk], aspect, [p.seed for p in chunk])
                for prompt, clip in zip(chunk, clips):
                    measured = classify(clip).facts()
                    truth = {k: getattr(prompt.scene, k) for k in FACTS}
                    match = {k: measured[k] == truth[k] for k in FACTS}
                    record = {"prompt": prompt.text, "language": prompt.language, "aspect": aspect,
                              "seed": prompt.seed, "truth": truth, "measured": measured, "match": match}
                    if truth["shape"] in CORE_SHAPES:  # told apart from the other two core shapes only
                        record["read_as"] = classify(clip, CORE_SHAPES).shape
                        match["core_shape"] = record["read_as"] == truth["shape"]
                    records.append(record)
        return records

    def newcomer(self, prompts: list[Prompt], complete: bool = True) -> dict:
        """Colour and object-visible rates per language on prompts without a background, with the model's prompt
        completion (as the engine applies it) or without (the bare prompt)."""
        from engine.pipelines.completion import complete_prompt
        from engine.pipelines.profile import load_profile

        table = load_profile(self.model).prompt_completion if complete else None
        rows: dict[str, list[tuple[bool, bool]]] = {language: [] for language in LANGUAGES}
        for i in range(0, len(prompts), self.batch):
            chunk = prompts[i : i + self.batch]
            clips = self.text_to_video([complete_prompt(p.text, table) for p in chunk], "16:9",
                                       [p.seed for p in chunk])
            for prompt, clip in zip(chunk, clips):
                measured = classify(clip)
                rows[prompt.language].append((measured.color == prompt.scene.color, bool((measured.areas > 0).all())))
        return {language: {"prompts": len(r), "color": float(np.mean([c for c, _ in r])) if r else 0.0,
                           "visible": float(np.mean([v for _, v in r])) if r else 0.0}
                for language, r in rows.items()}

    def jumps(self, prompts: list[Prompt], seconds: int) -> dict:
        """Moves made ``seconds`` long as the engine makes them (one stretched pass where the profile says so,
        else pass after pass): the largest centroid jump (in frames' worth of its moving speed,
        ``measure.largest_jump``), the share of clips without a jump over ``NO_JUMP``, and the share whose path
        never goes back along the move by more than ``measure.BACK_PX``."""
        from toyworld.measure import backtrack, largest_jump

        jumps, backs = [], []
        for prompt in prompts:
            centroids = classify(self._timeline(prompt, seconds)).centroids
            jumps.append(largest_jump(centroids))
            backs.append(backtrack(centroids))
        return {"prompts": len(prompts), "largest_jump": float(max(jumps)) if jumps else 0.0,
                "no_jump": float(np.mean([j <= NO_JUMP for j in jumps])) if jumps else 0.0,
                "monotone": float(np.mean([b <= BACK_PX for b in backs])) if backs else 0.0}

    def _rate(self, seconds: float, one_pass: bool) -> int:
        """The rate the engine makes a clip of ``seconds`` at (lower for a long clip stretched into one pass)."""
        return self.family.profile.generation_rate(self.settings["frame_rate"], seconds, one_pass=one_pass)

    def _timeline(self, prompt: Prompt, seconds: float, **anchors) -> np.ndarray:
        """One clip of ``seconds`` (and a frame) made as the engine makes it: at its generation rate, in one
        stretched pass when made from nothing and the profile stretches, else through the engine's passes."""
        from engine.pipelines.timeline import Shot, Timeline, render_timeline

        fps = self._rate(seconds, one_pass="context" not in anchors)
        width, height = SIZES[prompt.scene.aspect]
        timeline = Timeline(num_frames=round(seconds * fps) + 1, width=width, height=height, fps=fps, **anchors)
        shot = Shot(prompts=[(0, prompt.text)], negative_prompt=self.settings["negative_prompt"], seed=prompt.seed)
        (clip,) = render_timeline(self.family, timeline, [shot], on_step=lambda: None)
        return np.asarray(clip)

    def loops(self, prompts: list[Prompt], seconds: float = 5) -> dict:
        """Loops made as the engine's loop operation makes them (a clip's first frame pinned at frame 0 and at
        the end, the duplicate end frame dropped), scored by the jump across the wrap (``NO_JUMP``)."""
        seams: dict[str, list[float]] = {language: [] for language in LANGUAGES}
        for prompt in prompts:
            anchor = self.text_to_video([prompt.text], prompt.scene.aspect, [prompt.seed])[0][0]
            clip = self._timeline(prompt, seconds, keyframes={0: anchor}, last_frame=anchor)[:-1]
            seams[prompt.language].append(seam_jump(clip))
        return _seam_summary(seams)

    def remixes(self, sources: list[Prompt], seconds: float = 5) -> dict:
        """"make it green" on a ``seconds`` clip, both made as the engine makes them (the source, then the remix
        redrawn from it at ``REMIX_STRENGTH``): the share turned green, with the motion and background kept, and
        whose move has no jump over ``NO_JUMP`` and is monotone."""
        from engine.pipelines.timeline import Shot, Timeline, render_timeline
        from toyworld.measure import backtrack, largest_jump

        rows = []
        for prompt in sources:
            source = self._timeline(prompt, seconds)[:-1]  # a generated clip's frames (the +1 is a loop's)
            before = classify(source)
            green = caption(Scene(**{**prompt.scene.to_dict(), "color": "green"}), prompt.language,
                            np.random.default_rng(prompt.seed))
            width, height = SIZES[prompt.scene.aspect]
            timeline = Timeline(num_frames=len(source), width=width, height=height, fps=self._rate(seconds, True),
                                init_video=source, denoise_strength=REMIX_STRENGTH)
            shot = Shot(prompts=[(0, green)], negative_prompt=self.settings["negative_prompt"], seed=prompt.seed + 1)
            (made,) = render_timeline(self.family, timeline, [shot], on_step=lambda: None)
            after = classify(np.asarray(made))
            rows.append({"turns_green": after.color == "green", "keeps_motion": after.motion == before.motion,
                         "keeps_background": after.background == before.background,
                         "no_jump": largest_jump(after.centroids) <= NO_JUMP,
                         "monotone": backtrack(after.centroids) <= BACK_PX})
        if not rows:
            return {}
        return {"sources": len(rows), **{key: float(np.mean([row[key] for row in rows])) for key in rows[0]}}

    def recuts(self, prompts: list[Prompt], keep_seconds: float = 1, seconds: float = 2) -> dict:
        """Recuts made as the engine's recut makes them: a move's first ``keep_seconds`` kept, ``seconds`` more
        made from their tail with another motion ("stay"); scored by the jump across the cut (``NO_JUMP``)."""
        keep = round(keep_seconds * self._rate(2 * keep_seconds, one_pass=True)) + 1
        seams: dict[str, list[float]] = {language: [] for language in LANGUAGES}
        for prompt in prompts:
            source = self._timeline(prompt, 2 * keep_seconds)[:keep]
            still = Scene(**{**prompt.scene.to_dict(), "motion": "stay"})
            other = Prompt(still, prompt.language, caption(still, prompt.language, np.random.default_rng(prompt.seed)),
                           prompt.seed + 2)
            made = self._timeline(other, seconds, context=source)
            seams[prompt.language].append(seam_jump(np.concatenate([source, made]), keep))
        return _seam_summary(seams)

    def extends(self, prompts: list[Prompt], seconds: float = 5, more: float = 5) -> dict:
        """"Continue it" on a ``seconds`` move, both made as the engine makes them (the source in one stretched
        pass, then ``more`` seconds continued from its last ``overlap_frames``): the share whose joined path
        never goes back along the move (``measure.BACK_PX``), the largest way back in pixels, the share whose
        object stays in frame, and the share without a jump at the seam (``NO_JUMP``)."""
        from toyworld.measure import backtrack

        overlap = self.family.profile.overlap_frames
        rows = []
        for prompt in prompts:
            source = self._timeline(prompt, seconds)[:-1]  # a generated clip's frames (the +1 is a loop's)
            made = self._timeline(prompt, more, context=source[-overlap:])
            joined = np.concatenate([source, made])
            measured = classify(joined)
            rows.append({"back_px": backtrack(measured.centroids), "in_frame": bool((measured.areas > 0).all()),
                         "seam": seam_jump(joined, len(source))})
        if not rows:
            return {}
        return {"clips": len(rows), "monotone": float(np.mean([r["back_px"] <= BACK_PX for r in rows])),
                "largest_back_px": float(max(r["back_px"] for r in rows)),
                "in_frame": float(np.mean([r["in_frame"] for r in rows])),
                "no_jump": float(np.mean([r["seam"] <= NO_JUMP for r in rows]))}

    def animate_directions(self, prompts: list[Prompt]) -> dict:
        """Direction when the scene's true first frame is given (animate): the model then needs no sense of
        where in the frame a move starts, only of which way it goes. A diagnostic beside the text-only score."""
        from PIL import Image

        from toyworld.render import render_frame

        hits, moved = [], []
        for prompt in prompts:
            first = Image.fromarray(render_frame(prompt.scene, 0))
            clip = self.generate([prompt.text], prompt.scene.aspect, [prompt.seed], image=first, frame_index=0)[0]
            measured = classify(clip).motion
            hits.append(measured == prompt.scene.motion)
            moved.append(measured in DIRECTIONS)
        return {"prompts": len(prompts), "direction": float(np.mean(hits)) if hits else 0.0,
                "moved_any_way": float(np.mean(moved)) if moved else 0.0}

    # -- edit checks -------------------------------------------------------------------------------------------
    def _latents(self, clip: np.ndarray) -> torch.Tensor:
        """A clip's normalised latents, as remix starts from them."""
        video = torch.from_numpy(clip).permute(3, 0, 1, 2).unsqueeze(0).float().div(127.5).sub(1.0)
        vae = self.pipe.vae
        with torch.no_grad():
            latents = vae.encode(video).latent_dist.mode()
        return self.pipe._normalize_latents(latents, vae.latents_mean, vae.latents_std)

    def edits(self, sources: list[Prompt]) -> dict:
        from PIL import Image

        from engine.pipelines.ltx import video_to_video_timesteps

        remix, remix_motion, remix_background, recut, loop, loop_base, loop_closed = [], [], [], [], [], [], []
        keep = 9  # frames: 5 latent frames
        for prompt in sources:
            aspect = prompt.scene.aspect
            source = self.text_to_video([prompt.text], aspect, [prompt.seed])[0]
            # remix "make it green" (sources are never green), as the bot sends it: the source's description
            # with the colour changed, at its recolouring strength, on the engine's video-to-video schedule
            green = caption(Scene(**{**prompt.scene.to_dict(), "color": "green"}), prompt.language,
                            np.random.default_rng(prompt.seed))
            out = self.generate([green], aspect, [prompt.seed + 1], latents=self._latents(source),
                                denoise_strength=REMIX_STRENGTH,
                                timesteps=video_to_video_timesteps(self.settings["num_inference_steps"],
                                                                    REMIX_STRENGTH))[0]
            remix.append(classify(source).color != "green" and classify(out).color == "green")
            remix_motion.append(classify(out).motion == classify(source).motion)
            remix_background.append(classify(out).background == classify(source).background)
            # recut: keep the first `keep` frames, regenerate the rest with another motion
            other = caption(Scene(**{**prompt.scene.to_dict(), "motion": "stay"}), prompt.language,
                            np.random.default_rng(prompt.seed))
            frames = [Image.fromarray(f) for f in source[:keep]]
            out = self.generate([other], aspect, [prompt.seed + 2], video=frames, frame_index=0)[0]
            recut.append(float(np.abs(out[:keep].astype(float) - source[:keep]).mean() / 255.0))
            # loop: the source's first frame at both ends
            first = Image.fromarray(source[0])
            out = self.generate([prompt.text], aspect, [prompt.seed + 3], image=[first, first],
                                frame_index=[0, NUM_FRAMES - 1])[0]
            loop.append(float(np.abs(out[-1].astype(float) - out[0]).mean() / 255.0))
            centroids = classify(out).centroids
            drift = np.linalg.norm(centroids[-1] - centroids[0]) / min(SIZES[aspect])
            loop_closed.append(bool(np.isfinite(drift) and drift < 0.1))
            loop_base.append(float(np.abs(source[-1].astype(float) - source[0]).mean() / 255.0))
        return {
            "sources": len(sources),
            "remix_turns_green": float(np.mean(remix)),
            "remix_keeps_motion": float(np.mean(remix_motion)),
            "remix_keeps_background": float(np.mean(remix_background)),
            "recut_keeps_prefix": float(np.mean([m < SAME_FRAMES_MAE for m in recut])),
            "recut_prefix_mae": float(np.mean(recut)),
            "loop_closes": float(np.mean(loop_closed)),
            "loop_seam_mae": float(np.mean(loop)),
            "unlooped_seam_mae": float(np.mean(loop_base)),
        }


def _seam_summary(seams: dict[str, list[float]]) -> dict:
    return {language: {"clips": len(values), "no_jump": float(np.mean([v <= NO_JUMP for v in values])),
                       "largest": float(max(values))}
            for language, values in seams.items() if values}


def summarise(records: list[dict]) -> dict:
    by_language = {}
    for language in LANGUAGES:
        rows = [r for r in records if r["language"] == language]
        moves = [r for r in rows if r["truth"]["motion"] in DIRECTIONS]
        core = [r for r in rows if "core_shape" in r["match"]]
        by_language[language] = {
            "prompts": len(rows),
            **{k: float(np.mean([r["match"][k] for r in rows])) if rows else 0.0 for k in FACTS},
            "direction": float(np.mean([r["match"]["motion"] for r in moves])) if moves else 0.0,
            "direction_prompts": len(moves),
            "core_shape": float(np.mean([r["match"]["core_shape"] for r in core])) if core else 0.0,
            "core_shape_prompts": len(core),
        }
    return by_language


def colour_slices(records: list[dict]) -> dict:
    """Colour (and background) on the confusable colour pairs against the rest: where the misses live."""
    slices = {}
    for name, keep in (("confusable", True), ("other", False)):
        rows = [r for r in records if ((r["truth"]["color"], r["truth"]["background"]) in CONFUSABLE_PAIRS) == keep]
        slices[name] = {
            "prompts": len(rows),
            "color": float(np.mean([r["match"]["color"] for r in rows])) if rows else 0.0,
            "background": float(np.mean([r["match"]["background"] for r in rows])) if rows else 0.0,
        }
    return slices


def language_pairs(records: list[dict]) -> dict:
    """Over scenes made in both languages (same seed): how many pairs only one language got right, per fact."""
    by_seed: dict[int, dict[str, dict]] = {}
    for r in records:
        by_seed.setdefault(r["seed"], {})[r["language"]] = r
    pairs = [p for p in by_seed.values() if set(p) == set(LANGUAGES)]
    moves = [p for p in pairs if p["en"]["truth"]["motion"] in DIRECTIONS]

    def discordant(rows: list[dict], fact: str) -> dict:
        only = {lang: sum(p[lang]["match"][fact] and not p[other]["match"][fact] for p in rows)
                for lang, other in (("en", "zh"), ("zh", "en"))}
        return {"only_en": only["en"], "only_zh": only["zh"]}

    return {"pairs": len(pairs), "direction_pairs": len(moves),
            **{fact: discordant(pairs, fact) for fact in ("color", "motion")},
            "direction": discordant(moves, "motion")}


def _read_as(read_as: dict[str, dict[str, int]]) -> str:
    """"circle: circle 4; square: circle 3, square 1": what each core shape was read as, in a table cell."""
    return "; ".join(f"{shape}: " + ", ".join(f"{seen} {n}" for seen, n in sorted(read_as[shape].items()))
                     for shape in CORE_SHAPES if shape in read_as)


def markdown(metrics: dict) -> str:
    lines = [
        "# Toy model evaluation", "",
        f"Model: `{metrics['model']}`; {metrics['prompts']} held-out prompts (seed {metrics['seed']}); "
        f"settings {metrics['settings']}; {metrics['seconds']:.0f} s.", "",
        "| language | prompts | colour | direction (moves) | motion (all 9) | shape (all 6) "
        "| shape (circle, square, triangle) | background |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for language, m in metrics["by_language"].items():
        lines.append(
            f"| {language} | {m['prompts']} | {m['color']:.0%} | {m['direction']:.0%} ({m['direction_prompts']}) "
            f"| {m['motion']:.0%} | {m['shape']:.0%} | {m.get('core_shape', 0):.0%} "
            f"({m.get('core_shape_prompts', 0)}) | {m['background']:.0%} |"
        )
    if metrics.get("pairs", {}).get("pairs"):
        pairs = metrics["pairs"]
        lines += ["", "## English against Chinese, scene by scene", "",
                  f"{pairs['pairs']} scenes made in both languages from one seed; pairs only one language got right:",
                  *(f"- {fact}: English only {pairs[fact]['only_en']}, Chinese only {pairs[fact]['only_zh']}"
                    for fact in ("color", "motion", "direction"))]
    if metrics.get("colour_slices"):
        lines += ["", "## Colour on confusable pairs", "",
                  "Pairs whose colour words a caption can swap or blend (`CONFUSABLE_PAIRS`: blue on green, white "
                  "on blue, pink on white...), against all other pairs:",
                  *(f"- {where}, {name}: {m['prompts']} prompts, colour {m['color']:.0%}, background "
                    f"{m['background']:.0%}"
                    for where, slices in metrics["colour_slices"].items() for name, m in slices.items()
                    if m["prompts"])]
    if metrics.get("shapes"):
        lines += ["", "## Circle, square and triangle", "",
                  "| language | prompts | shape right | read as |", "|---|---|---|---|",
                  *(f"| {language} | {m['prompts']} | {m['core_shape']:.0%} | {_read_as(m['read_as'])} |"
                    for language, m in metrics["shapes"].items())]
    if metrics.get("newcomer"):
        lines += ["", "## Prompts without a background (colour, shape, motion only; 16:9)", "",
                  "| prompt completion | language | prompts | colour | object visible |", "|---|---|---|---|---|",
                  *(f"| {mode} | {language} | {m['prompts']} | {m['color']:.0%} | {m['visible']:.0%} |"
                    for mode, by_language in metrics["newcomer"].items() for language, m in by_language.items())]
    if metrics.get("jumps"):
        lines += ["", "## Jumps in long moves", "",
                  *(f"- {seconds} s: {m['prompts']} moves, largest jump {m['largest_jump']:.1f} frames' worth of "
                    f"motion, clips without a jump over 2: {m['no_jump']:.0%}"
                    + (f", monotone: {m['monotone']:.0%}" if "monotone" in m else "")
                    for seconds, m in metrics["jumps"].items())]
    if metrics.get("remixes"):
        lines += ["", "## 5 s remixes to green (through the engine)", "",
                  *(f"- {key}: {value:g}" for key, value in metrics["remixes"].items())]
    if metrics.get("extends"):
        e = metrics["extends"]
        lines += ["", "## \"Continue it\": 5 s moves extended by 5 s (through the engine)", "",
                  f"{e['clips']} clips: monotone {e['monotone']:.0%} (the farthest way back {e['largest_back_px']:.0f} "
                  f"px), the object in frame {e['in_frame']:.0%}, without a jump at the seam {e['no_jump']:.0%}."]
    for name, title in (("loops", "Loops of periodic motions (bounce, spin)"), ("recuts", "Recut continuations")):
        if metrics.get(name):
            lines += ["", f"## {title}", "",
                      *(f"- {language}: {m['clips']} clips, without a jump at the seam {m['no_jump']:.0%}, largest "
                        f"seam {m['largest']:.1f} frames' worth of change" for language, m in metrics[name].items())]
    if metrics.get("edits"):
        lines += ["", "## Edits", "", *(f"- {k}: {v:.3g}" for k, v in metrics["edits"].items())]
    if metrics.get("animate", {}).get("prompts"):
        a = metrics["animate"]
        lines += ["", "## Direction with the first frame given (animate)", "",
                  f"{a['prompts']} moves: direction {a['direction']:.0%}; moved in some direction "
                  f"{a['moved_any_way']:.0%}."]
    confusions: dict[str, int] = {}
    for r in metrics["records"]:
        if not r["match"]["motion"]:
            key = f"{r['truth']['motion']} -> {r['measured']['motion']}"
            confusions[key] = confusions.get(key, 0) + 1
    if confusions:
        lines += ["", "## Motion confusions", "", *(f"- {k}: {v}" for k, v in sorted(confusions.items()))]
    return "\n".join(lines) + "\n"


def evaluate(model: Path, prompts: int = 100, edit_sources: int = 6, seed: int = HELD_OUT_SEED,
             batch: int = 10, steps: int | None = None, guidance: float | None = None, animate: int = 16,
             confusable: int = 28, newcomer: int = 0, jumps: int = 0, loops: int = 0, recuts: int = 0,
             remixes: int = 0, extends: int = 0, shapes: int = 0) -> dict:
    started = time.monotonic()
    evaluator = Evaluator(model, batch=batch, steps=steps, guidance=guidance)
    held_out = paired_prompts(prompts, seed)
    records = evaluator.adherence(held_out)
    # A second set made only of confusable pairs: the held-out set holds too few of them to compare runs.
    extra = evaluator.adherence(paired_prompts(confusable, seed + 15_485_863, confusable=1.0)) if confusable else []
    # Edit sources move (so a loop has a seam to close) and are not green (so "make it green" is a change).
    candidates = held_out_prompts(9 * max(edit_sources, remixes) + 9, seed + 7919)
    sources = [p for p in candidates if p.scene.color != "green" and p.scene.motion in DIRECTIONS]
    edits = evaluator.edits(sources[:edit_sources]) if edit_sources else {}
    moves = [p for p in held_out_prompts(9 * animate, seed + 104_729, trained_radius(model))
             if p.scene.motion in DIRECTIONS][:animate]
    plain = newcomer_prompts(newcomer, seed + 31) if newcomer else []
    newcomers = {mode: evaluator.newcomer(plain, complete=mode == "on") for mode in ("off", "on")} if plain else {}
    long_moves = [p for p in held_out_prompts(9 * max(jumps, extends), seed + 52_711)
                  if p.scene.motion in DIRECTIONS][:max(jumps, extends)]
    long_jumps = {f"{seconds}": evaluator.jumps(long_moves[:jumps], seconds) for seconds in (5, 10)} if jumps else {}
    periodic = [p for p in paired_prompts(9 * loops, seed + 65_537) if p.scene.motion in PERIODIC][:loops]
    recut_moves = [p for p in paired_prompts(9 * recuts, seed + 131_071) if p.scene.motion in DIRECTIONS][:recuts]
    shape_records = evaluator.adherence(shape_prompts(shapes, seed + 47)) if shapes else []
    metrics = {
        "shapes": shape_summary(shape_records), "shape_records": shape_records,
        "newcomer": newcomers, "jumps": long_jumps,
        "loops": evaluator.loops(periodic) if periodic else {},
        "recuts": evaluator.recuts(recut_moves) if recut_moves else {},
        "remixes": evaluator.remixes(sources[:remixes]) if remixes else {},
        "extends": evaluator.extends(long_moves[:extends]) if extends else {},
        "model": str(model), "prompts": prompts, "seed": seed, "settings": evaluator.settings,
        "by_language": summarise(records), "pairs": language_pairs(records),
        "colour_slices": {"held-out": colour_slices(records), "confusable set": colour_slices(extra)}, "edits": edits, "animate": evaluator.animate_directions(moves),
        "seconds": time.monotonic() - started, "records": records, "confusable_records": extra,
    }
    (model / METRICS_FILE).write_text(json.dumps(metrics, indent=2, ensure_ascii=False) + "\n")
    (model / REPORT_FILE).write_text(markdown(metrics))
    training = model / "training.json"
    if training.exists():
        write_model_card(model, json.loads(training.read_text()), metrics)
    return metrics


def main(argv: list[str] | None = None) -> None:
    from diffusers.utils import logging as diffusers_logging

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    diffusers_logging.set_verbosity_error()  # the LTX schedule's "timesteps without sigmas" notice, per call
    parser = argparse.ArgumentParser(prog="python -m toyworld.evaluate", description=__doc__.split("\n")[0])
    parser.add_argument("--model", default="engine/models/toy")
    parser.add_argument("--prompts", type=int, default=100)
    parser.add_argument("--edits", type=int, default=6, help="source clips for the edit checks")
    parser.add_argument("--seed", type=int, default=HELD_OUT_SEED)
    parser.add_argument("--batch", type=int, default=10)
    parser.add_argument("--steps", type=int, help="denoising steps (default: the model's reelbot.json)")
    parser.add_argument("--guidance", type=float, help="guidance scale (default: the model's reelbot.json)")
    parser.add_argument("--animate", type=int, default=16, help="moves animated from their true first frame")
    parser.add_argument("--confusable", type=int, default=28, help="extra prompts on confusable colour pairs")
    parser.add_argument("--newcomer", type=int, default=0,
                        help="prompts without a background, each made with and without prompt completion")
    parser.add_argument("--jumps", type=int, default=0, help="moves made 5 s and 10 s long, checked for jumps")
    parser.add_argument("--loops", type=int, default=0, help="5 s loops of periodic motions (bounce, spin)")
    parser.add_argument("--recuts", type=int, default=0, help="moves recut after 1 s to stand still")
    parser.add_argument("--remixes", type=int, default=0, help="5 s moves remixed to green through the engine")
    parser.add_argument("--extends", type=int, default=0, help="5 s moves continued by 5 s through the engine")
    parser.add_argument("--shapes", type=int, default=0, help="prompts of circles, squares and triangles in turn")
    args = parser.parse_args(argv)
    metrics = evaluate(
        Path(args.model), args.prompts, args.edits, args.seed, args.batch, args.steps, args.guidance, args.animate,
        args.confusable, args.newcomer, args.jumps, args.loops, args.recuts, args.remixes, args.extends, args.shapes,
    )
    print(markdown({**metrics, "records": metrics["records"]}))


if __name__ == "__main__":
    main()
