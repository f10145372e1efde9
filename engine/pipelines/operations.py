"""The eight operations, each one readable function with diffusers' numbered shape.

Every function takes the family, a spec and its seeds (one per variation) and returns one ``uint8`` frame
array per variation, already at exactly ``settings.output_size`` and ``round(duration_s * fps)`` new frames.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import torch

from engine.errors import EngineError
from engine.media import MediaLimits, fit_frames, load_image, load_video, retime
from engine.media.frames import fit_frame
from engine.pipelines.family import Family, PassRequest
from engine.pipelines.timeline import Shot, Timeline, render_timeline
from engine.specs import Animate, Blend, Extend, Generate, Loop, Recut, Remix, Settings, Storyboard


@dataclass
class OpContext:
    family: Family
    limits: MediaLimits
    on_step: Callable[[], None]


def num_frames(settings: Settings, seconds: float | None = None) -> int:
    """Frames delivered for ``seconds`` (default: the clip's duration) at the clip's fps."""
    return max(1, round((settings.duration_s if seconds is None else seconds) * settings.fps))


def native_size(family: Family, settings: Settings) -> tuple[int, int]:
    return family.profile.native_size(settings.resolution, settings.aspect)


def _shots(family: Family, prompt: str, negative: str | None, seeds: list[int], prompts=None) -> list[Shot]:
    negative = negative if negative is not None else family.profile.negative_prompt
    return [Shot(prompts=prompts or [(0, prompt)], negative_prompt=negative, seed=seed) for seed in seeds]


def _timeline(family: Family, settings: Settings, frames: int, **anchors) -> Timeline:
    width, height = native_size(family, settings)
    return Timeline(num_frames=frames, width=width, height=height, fps=settings.fps, **anchors)


def _deliver(videos: list[np.ndarray], settings: Settings) -> list[np.ndarray]:
    return [fit_frames(video, settings.output_size) for video in videos]


def _source(ctx: OpContext, path: str, settings: Settings) -> np.ndarray:
    """A source clip at the output size and fps (the frames a re-cut keeps verbatim)."""
    video = load_video(path, ctx.limits)
    frames = retime(video.frames, video.fps, settings.fps, max(1, round(video.duration_s * settings.fps)))
    return fit_frames(frames, settings.output_size)


def _native(family: Family, settings: Settings, frames: np.ndarray) -> np.ndarray:
    return fit_frames(frames, native_size(family, settings))


# --- the operations -------------------------------------------------------------------------------------------


def generate(ctx: OpContext, specs: list[Generate], seeds: list[list[int]]) -> list[list[np.ndarray]]:
    """Text to video; several specs with the same settings share every batched pass."""
    # 1. Check inputs: one batch shares a size and length.
    settings = specs[0].settings
    if any((s.settings.resolution, s.settings.aspect, s.settings.duration_s, s.settings.fps) !=
           (settings.resolution, settings.aspect, settings.duration_s, settings.fps) for s in specs):
        raise EngineError("generate specs in one batch must share resolution, aspect, duration and fps")
    ctx.family.require("generate")
    # 2. Prepare: one shot per variation of every spec, in order.
    shots = [shot for spec, spec_seeds in zip(specs, seeds)
             for shot in _shots(ctx.family, spec.prompt, spec.negative_prompt, spec_seeds)]
    # 3. Call.
    videos = render_timeline(ctx.family, _timeline(ctx.family, settings, num_frames(settings)), shots, ctx.on_step)
    # 4. Post-process: exact size, split back per spec.
    videos = _deliver(videos, settings)
    out, start = [], 0
    for spec_seeds in seeds:
        out.append(videos[start : start + len(spec_seeds)])
        start += len(spec_seeds)
    return out


def animate(ctx: OpContext, spec: Animate, seeds: list[int]) -> list[np.ndarray]:
    """Image (+ text) to video: the image pinned at frame 0."""
    ctx.family.require("animate")
    image = load_image(spec.image, ctx.limits)
    first = fit_frame(image, native_size(ctx.family, spec.settings))
    timeline = _timeline(ctx.family, spec.settings, num_frames(spec.settings), keyframes={0: first})
    videos = render_timeline(ctx.family, timeline, _shots(ctx.family, spec.prompt, spec.negative_prompt, seeds), ctx.on_step)
    return _deliver(videos, spec.settings)


def remix(ctx: OpContext, spec: Remix, seeds: list[int]) -> list[np.ndarray]:
    """Change a clip by a sentence: the source's latents noised to ``strength`` and denoised toward the prompt."""
    ctx.family.require("remix")
    frames = num_frames(spec.settings)
    source = load_video(spec.source, ctx.limits)
    source_frames = retime(source.frames, source.fps, spec.settings.fps, frames)  # holds the last frame if short
    timeline = _timeline(
        ctx.family, spec.settings, frames,
        init_video=_native(ctx.family, spec.settings, source_frames), denoise_strength=spec.strength,
    )
    videos = render_timeline(ctx.family, timeline, _shots(ctx.family, spec.prompt, spec.negative_prompt, seeds), ctx.on_step)
    return _deliver(videos, spec.settings)


def recut(ctx: OpContext, spec: Recut, seeds: list[int]) -> list[np.ndarray]:
    """Keep the first ``keep_seconds`` verbatim and regenerate the rest, continuing from the kept tail."""
    ctx.family.require("recut")
    source = _source(ctx, spec.source, spec.settings)
    keep = num_frames(spec.settings, spec.keep_seconds)
    if keep > len(source):  # keeping more than there is would silently keep less: refuse instead
        raise EngineError(
            f"cannot keep {spec.keep_seconds:g} s of a clip that is only {len(source) / spec.settings.fps:g} s long",
            code="bad_input",
        )
    kept = source[:keep]
    total = num_frames(spec.settings)
    context = _native(ctx.family, spec.settings, kept[-ctx.family.profile.overlap_frames :])
    timeline = _timeline(ctx.family, spec.settings, total - len(kept), context=context)
    videos = render_timeline(ctx.family, timeline, _shots(ctx.family, spec.prompt, spec.negative_prompt, seeds), ctx.on_step)
    return [np.concatenate([kept, video]) for video in _deliver(videos, spec.settings)]


def extend(ctx: OpContext, spec: Extend, seeds: list[int]) -> list[np.ndarray]:
    """The source plus ``duration_s`` seconds that continue from its last frames."""
    ctx.family.require("extend")
    source = _source(ctx, spec.source, spec.settings)
    context = _native(ctx.family, spec.settings, source[-ctx.family.profile.overlap_frames :])
    timeline = _timeline(ctx.family, spec.settings, num_frames(spec.settings), context=context)
    videos = render_timeline(ctx.family, timeline, _shots(ctx.family, spec.prompt, spec.negative_prompt, seeds), ctx.on_step)
    return [np.concatenate([source, video]) for video in _deliver(videos, spec.settings)]


def blend(ctx: OpContext, spec: Blend, seeds: list[int]) -> list[np.ndarray]:
    """A transition that starts where clip A ends (A's tail at frame 0) and ends where B starts (B's head last)."""
    ctx.family.require("blend")
    clip_a = _source(ctx, spec.source, spec.settings)
    clip_b = _source(ctx, spec.source_b, spec.settings)
    timeline = _timeline(
        ctx.family, spec.settings, num_frames(spec.settings),
        context=_native(ctx.family, spec.settings, clip_a[-ctx.family.profile.overlap_frames :]),
        last_frame=_native(ctx.family, spec.settings, clip_b[:1])[0],
    )
    videos = render_timeline(ctx.family, timeline, _shots(ctx.family, spec.prompt, spec.negative_prompt, seeds), ctx.on_step)
    return _deliver(videos, spec.settings)


def loop(ctx: OpContext, spec: Loop, seeds: list[int]) -> list[np.ndarray]:
    """A loop that closes: the same frame pinned at both ends; the duplicate end frame is dropped."""
    ctx.family.require("loop")
    width, height = native_size(ctx.family, spec.settings)
    # 1. The frame the loop starts and ends on: the source's first, or a keyframe made from the prompt.
    if spec.source:
        anchors = [_native(ctx.family, spec.settings, _source(ctx, spec.source, spec.settings)[:1])[0]] * len(seeds)
    else:
        anchors = list(_keyframes(ctx, spec.prompt, spec.negative_prompt, seeds, width, height))
    # 2. One timeline per anchor (frames + 1, since the repeated anchor at the end is dropped).
    out = []
    for anchor, seed in zip(anchors, seeds):
        timeline = _timeline(
            ctx.family, spec.settings, num_frames(spec.settings) + 1, keyframes={0: anchor}, last_frame=anchor
        )
        (video,) = render_timeline(
            ctx.family, timeline, _shots(ctx.family, spec.prompt, spec.negative_prompt, [seed]), ctx.on_step
        )
        out.append(video[:-1])
    return _deliver(out, spec.settings)


def _keyframes(ctx: OpContext, prompt: str, negative: str | None, seeds: list[int], width: int, height: int):
    """One still image per seed from the prompt (a one-frame pass)."""
    request = PassRequest(
        prompts=[prompt] * len(seeds),
        negative_prompts=[negative if negative is not None else ctx.family.profile.negative_prompt] * len(seeds),
        width=width, height=height, num_frames=1, fps=24,
        generators=[torch.Generator("cpu").manual_seed(seed) for seed in seeds],
    )
    return ctx.family.render(request, ctx.on_step)[:, 0]


def storyboard(ctx: OpContext, spec: Storyboard, seeds: list[int]) -> list[np.ndarray]:
    """Cards on a timeline: the prompt switches at each card's time (a new chunk starts there); card images
    are pinned at their times."""
    ctx.family.require("storyboard")
    settings, size = spec.settings, native_size(ctx.family, spec.settings)
    prompts, keyframes, prompt = [], {}, ""
    for card in spec.cards:
        start = 0 if not prompts else min(num_frames(settings) - 1, round(card.at_s * settings.fps))
        prompt = card.prompt or prompt
        prompts.append((start, prompt))
        if card.image:
            keyframes[start] = fit_frame(load_image(card.image, ctx.limits), size)
    timeline = _timeline(
        ctx.family, settings, num_frames(settings), keyframes=keyframes, cuts=tuple(start for start, _ in prompts)
    )
    shots = _shots(ctx.family, prompts[0][1], spec.negative_prompt, seeds, prompts=prompts)
    return _deliver(render_timeline(ctx.family, timeline, shots, ctx.on_step), settings)


OPERATIONS = {
    "animate": animate,
    "remix": remix,
    "recut": recut,
    "extend": extend,
    "blend": blend,
    "loop": loop,
    "storyboard": storyboard,
}
