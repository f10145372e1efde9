"""The eight operations, each one readable function with diffusers' numbered shape.

Every function takes the family, a spec, its seeds (one per variation) and the job's :class:`RenderPlan`
(``engine/pipelines/plan.py``, made once from the spec), renders exactly the plan's passes, and returns one
:class:`Footage` per variation: ``uint8`` frames already at exactly ``settings.output_size`` and
``round(duration_s * fps)`` new frames, and the clip's sound when it has any (``spec.audio``; None means sound
where the family makes it). Sound follows the edits: a recut keeps the kept seconds' samples and continues
them, an extension continues the source's sound, a blend crosses A's sound over into B's, a loop's sound
closes without a click, a remix makes new sound unless ``keep_audio``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import torch

from engine.errors import EngineError, UnsupportedOperation
from engine.media import MediaLimits, fit_frames, load_audio, load_image, load_video, retime
from engine.media.audio import SEAM_S, Sound, continue_from, cross_over, join_into, loop_seam
from engine.media.footage import Footage
from engine.media.frames import fit_frame
from engine.pipelines.family import Family, PassRequest, PassResult
from engine.pipelines.plan import PlannedTimeline, RenderPlan, card_starts, num_frames
from engine.pipelines.timeline import Shot, ShotFootage, Timeline, render_shots
from engine.specs import Animate, Blend, Extend, Generate, Loop, Recut, Remix, Settings, Storyboard


@dataclass
class OpContext:
    family: Family
    limits: MediaLimits
    on_step: Callable[[], None]


def native_size(family: Family, settings: Settings) -> tuple[int, int]:
    return family.profile.native_size(settings.resolution, settings.aspect)


def _shots(family: Family, prompt: str, negative: str | None, seeds: list[int], prompts=None) -> list[Shot]:
    negative = negative if negative is not None else family.profile.negative_prompt
    return [Shot(prompts=prompts or [(0, prompt)], negative_prompt=negative, seed=seed) for seed in seeds]


def _timeline(family: Family, settings: Settings, planned: PlannedTimeline, **anchors) -> Timeline:
    """The planned timeline with its media; refused if the media do not have the shape the plan was made for."""
    width, height = native_size(family, settings)
    timeline = Timeline(num_frames=planned.layout.num_frames, width=width, height=height, fps=settings.fps, **anchors)
    if timeline.layout != planned.layout:
        raise EngineError(f"the render plan was made for {planned.layout}, the media give {timeline.layout}")
    return timeline


def _render(ctx: OpContext, timeline: Timeline, planned: PlannedTimeline, shots: list[Shot]) -> list[ShotFootage]:
    return render_shots(ctx.family, timeline, shots, ctx.on_step, list(planned.passes))


def wants_sound(family: Family, spec) -> bool:
    """``spec.audio`` (None: sound where the family makes it); asking a silent family for sound is refused."""
    if spec.audio is None:
        return family.makes_audio
    if spec.audio and not family.makes_audio:
        raise UnsupportedOperation(f"the {family.name} model family makes video without sound", code="unsupported_sound")
    return spec.audio


def _frames(shot: ShotFootage, settings: Settings) -> np.ndarray:
    return fit_frames(shot.frames, settings.output_size)


def _deliver(shots: list[ShotFootage], settings: Settings, sound: bool) -> list[Footage]:
    return [Footage(_frames(shot, settings), shot.sound if sound else None) for shot in shots]


def _silence(seconds: float, like: Sound) -> Sound:
    return Sound(np.zeros((like.samples.shape[0], like.at(seconds)), np.float32), like.sample_rate)


def _source(ctx: OpContext, path: str, settings: Settings) -> np.ndarray:
    """A source clip at the output size and fps (the frames a re-cut keeps verbatim)."""
    video = load_video(path, ctx.limits)
    frames = retime(video.frames, video.fps, settings.fps, max(1, round(video.duration_s * settings.fps)))
    return fit_frames(frames, settings.output_size)


def _native(family: Family, settings: Settings, frames: np.ndarray) -> np.ndarray:
    return fit_frames(frames, native_size(family, settings))


def _tail(frames: np.ndarray, count: int) -> np.ndarray:
    """The last ``count`` frames; a shorter clip holds its first frame in front (the plan counted ``count``)."""
    if len(frames) >= count:
        return frames[len(frames) - count :]
    return np.concatenate([np.repeat(frames[:1], count - len(frames), axis=0), frames])


# --- the operations -------------------------------------------------------------------------------------------


def generate(ctx: OpContext, specs: list[Generate], seeds: list[list[int]], plan: RenderPlan) -> list[list[Footage]]:
    """Text to video; several specs with the same settings share every batched pass."""
    # 1. Check inputs: one batch shares a size and length.
    settings = specs[0].settings
    if any((s.settings.resolution, s.settings.aspect, s.settings.duration_s, s.settings.fps) !=
           (settings.resolution, settings.aspect, settings.duration_s, settings.fps) for s in specs):
        raise EngineError("generate specs in one batch must share resolution, aspect, duration and fps")
    ctx.family.require("generate")
    sound = [wants_sound(ctx.family, spec) for spec in specs]
    # 2. Prepare: one shot per variation of every spec, in order.
    shots = [shot for spec, spec_seeds in zip(specs, seeds)
             for shot in _shots(ctx.family, spec.prompt, spec.negative_prompt, spec_seeds)]
    # 3. Call.
    (planned,) = plan.timelines
    videos = _render(ctx, _timeline(ctx.family, settings, planned), planned, shots)
    # 4. Post-process: exact size, split back per spec (each keeps its sound or not).
    out, start = [], 0
    for spec_seeds, spec_sound in zip(seeds, sound):
        out.append(_deliver(videos[start : start + len(spec_seeds)], settings, spec_sound))
        start += len(spec_seeds)
    return out


def animate(ctx: OpContext, spec: Animate, seeds: list[int], plan: RenderPlan) -> list[Footage]:
    """Image (+ text) to video: the image pinned at frame 0."""
    # 1. Check inputs and load the image.
    ctx.family.require("animate")
    sound = wants_sound(ctx.family, spec)
    image = load_image(spec.image, ctx.limits)
    first = fit_frame(image, native_size(ctx.family, spec.settings))
    # 2. Call.
    (planned,) = plan.timelines
    timeline = _timeline(ctx.family, spec.settings, planned, keyframes={0: first})
    videos = _render(ctx, timeline, planned, _shots(ctx.family, spec.prompt, spec.negative_prompt, seeds))
    # 3. Post-process.
    return _deliver(videos, spec.settings, sound)


def remix(ctx: OpContext, spec: Remix, seeds: list[int], plan: RenderPlan) -> list[Footage]:
    """Change a clip by a sentence: the source's latents noised to ``strength`` and denoised toward the prompt.
    The sound is made anew with the picture, or the source's kept (``keep_audio``)."""
    # 1. Check inputs and load the source at the clip's length (its last frame held if short).
    ctx.family.require("remix")
    sound = spec.audio is not False and (spec.keep_audio or wants_sound(ctx.family, spec))
    (planned,) = plan.timelines
    source = load_video(spec.source, ctx.limits)
    source_frames = retime(source.frames, source.fps, spec.settings.fps, planned.layout.num_frames)
    # 2. Call.
    timeline = _timeline(
        ctx.family, spec.settings, planned,
        init_video=_native(ctx.family, spec.settings, source_frames), denoise_strength=spec.strength,
    )
    videos = _render(ctx, timeline, planned, _shots(ctx.family, spec.prompt, spec.negative_prompt, seeds))
    # 3. Post-process: the source's own sound when asked to keep it (and it has any).
    kept = load_audio(spec.source) if spec.keep_audio and sound else None
    if kept is not None:
        seconds = planned.layout.num_frames / spec.settings.fps
        return [Footage(_frames(video, spec.settings), kept.fitted(seconds)) for video in videos]
    return _deliver(videos, spec.settings, sound)


def recut(ctx: OpContext, spec: Recut, seeds: list[int], plan: RenderPlan) -> list[Footage]:
    """Keep the first ``keep_seconds`` verbatim (frames and sound samples) and regenerate the rest, continuing
    from the kept tail."""
    # 1. Check inputs: the source must hold what is kept (keeping more than there is would silently keep less).
    ctx.family.require("recut")
    sound = wants_sound(ctx.family, spec)
    source = _source(ctx, spec.source, spec.settings)
    keep = num_frames(spec.settings, spec.keep_seconds)
    if keep > len(source):
        raise EngineError(
            f"cannot keep {spec.keep_seconds:g} s of a clip that is only {len(source) / spec.settings.fps:g} s long",
            code="bad_input",
        )
    kept = source[:keep]
    # 2. Call: continue from the kept tail.
    (planned,) = plan.timelines
    context = _native(ctx.family, spec.settings, _tail(kept, planned.layout.context_frames))
    timeline = _timeline(ctx.family, spec.settings, planned, context=context)
    videos = _render(ctx, timeline, planned, _shots(ctx.family, spec.prompt, spec.negative_prompt, seeds))
    # 3. Post-process: the kept frames, then the new ones; the kept samples, then the new sound easing out of
    #    what followed them in the source.
    fps, kept_s = spec.settings.fps, keep / spec.settings.fps
    source_sound = load_audio(spec.source) if sound else None
    out = []
    for video in videos:
        frames = np.concatenate([kept, _frames(video, spec.settings)])
        if not sound or video.sound is None:
            out.append(Footage(frames))
            continue
        if source_sound is None:
            joined = _silence(kept_s, video.sound).then(video.sound)
        else:
            after = source_sound.span(kept_s, min(source_sound.duration_s, kept_s + SEAM_S))
            joined = continue_from(source_sound.span(0, kept_s), after, video.sound)
        out.append(Footage(frames, joined.fitted(len(frames) / fps)))
    return out


def extend(ctx: OpContext, spec: Extend, seeds: list[int], plan: RenderPlan) -> list[Footage]:
    """The source plus ``duration_s`` seconds that continue from its last frames, its sound continued too."""
    # 1. Check inputs and load the source.
    ctx.family.require("extend")
    sound = wants_sound(ctx.family, spec)
    source = _source(ctx, spec.source, spec.settings)
    # 2. Call: continue from the source's tail.
    (planned,) = plan.timelines
    context = _native(ctx.family, spec.settings, _tail(source, planned.layout.context_frames))
    timeline = _timeline(ctx.family, spec.settings, planned, context=context)
    videos = _render(ctx, timeline, planned, _shots(ctx.family, spec.prompt, spec.negative_prompt, seeds))
    # 3. Post-process: the source, then the continuation; the source's sound crossfades into the sound made
    #    over its tail, so the continuation's sound carries on without a jump.
    source_s = len(source) / spec.settings.fps
    source_sound = load_audio(spec.source) if sound else None
    out = []
    for video in videos:
        frames = np.concatenate([source, _frames(video, spec.settings)])
        if not sound or video.sound is None:
            out.append(Footage(frames))
            continue
        before = source_sound.fitted(source_s) if source_sound is not None else _silence(source_s, video.sound)
        lead = video.lead if video.lead is not None else video.sound.span(0, 0)
        out.append(Footage(frames, join_into(before, lead, video.sound).fitted(len(frames) / spec.settings.fps)))
    return out


def blend(ctx: OpContext, spec: Blend, seeds: list[int], plan: RenderPlan) -> list[Footage]:
    """A transition that starts where clip A ends (A's tail at frame 0) and ends where B starts (B's head last);
    its sound crosses over from A's closing seconds into B's opening ones (made sound stands in for a silent
    clip)."""
    # 1. Check inputs and load both clips.
    ctx.family.require("blend")
    sound = wants_sound(ctx.family, spec)
    clip_a = _source(ctx, spec.source, spec.settings)
    clip_b = _source(ctx, spec.source_b, spec.settings)
    # 2. Call.
    (planned,) = plan.timelines
    timeline = _timeline(
        ctx.family, spec.settings, planned,
        context=_native(ctx.family, spec.settings, _tail(clip_a, planned.layout.context_frames)),
        last_frame=_native(ctx.family, spec.settings, clip_b[:1])[0],
    )
    videos = _render(ctx, timeline, planned, _shots(ctx.family, spec.prompt, spec.negative_prompt, seeds))
    # 3. Post-process: A's sound crossing over into B's.
    if not sound:
        return _deliver(videos, spec.settings, False)
    seconds, a_s = planned.layout.num_frames / spec.settings.fps, len(clip_a) / spec.settings.fps
    sound_a, sound_b = load_audio(spec.source), load_audio(spec.source_b)
    out = []
    for video in videos:
        made = video.sound
        first = sound_a.span(a_s - seconds, a_s) if sound_a is not None else made
        second = sound_b.span(0, seconds) if sound_b is not None else made
        crossed = cross_over(first, second) if first is not None and second is not None else None
        out.append(Footage(_frames(video, spec.settings), crossed))
    return out


def loop(ctx: OpContext, spec: Loop, seeds: list[int], plan: RenderPlan) -> list[Footage]:
    """A loop that closes: the same frame pinned at both ends; the duplicate end frame is dropped, and the sound
    made over it becomes the crossfade that closes the sound's seam."""
    ctx.family.require("loop")
    sound = wants_sound(ctx.family, spec)
    # 1. The frame the loop starts and ends on: the source's first, or a still drawn from the prompt.
    if spec.source:
        anchors = [_native(ctx.family, spec.settings, _source(ctx, spec.source, spec.settings)[:1])[0]] * len(seeds)
    else:
        anchors = list(_stills(ctx, spec.prompt, spec.negative_prompt, seeds, spec.settings, plan))
    # 2. One timeline per anchor.
    out = []
    for anchor, seed, planned in zip(anchors, seeds, plan.timelines):
        timeline = _timeline(ctx.family, spec.settings, planned, keyframes={0: anchor}, last_frame=anchor)
        (video,) = _render(ctx, timeline, planned, _shots(ctx.family, spec.prompt, spec.negative_prompt, [seed]))
        frames = _frames(ShotFootage(video.frames[:-1]), spec.settings)
        closed = loop_seam(video.sound, len(frames) / spec.settings.fps) if sound and video.sound else None
        out.append(Footage(frames, closed))
    # 3. Post-process.
    return out


def _stills(ctx: OpContext, prompt: str, negative: str | None, seeds: list[int], settings: Settings, plan: RenderPlan):
    """One still image per seed from the prompt (the plan's one-frame passes)."""
    width, height = native_size(ctx.family, settings)
    stills = []
    for planned in plan.stills:
        shot_seeds = [seeds[shot] for shot in planned.shots]
        request = PassRequest(
            prompts=[prompt] * len(shot_seeds),
            negative_prompts=[negative if negative is not None else ctx.family.profile.negative_prompt] * len(shot_seeds),
            width=width, height=height, num_frames=planned.num_frames, fps=24,
            generators=[torch.Generator("cpu").manual_seed(seed) for seed in shot_seeds],
            num_inference_steps=planned.steps,
        )
        stills.append(PassResult.of(ctx.family.render(request, ctx.on_step)).frames[:, 0])
    return np.concatenate(stills)


def storyboard(ctx: OpContext, spec: Storyboard, seeds: list[int], plan: RenderPlan) -> list[Footage]:
    """Cards on a timeline: the prompt switches at each card's time (a new chunk starts there); card images
    are pinned at their times."""
    # 1. Check inputs: each card's start frame, prompt and image.
    ctx.family.require("storyboard")
    sound = wants_sound(ctx.family, spec)
    settings, size = spec.settings, native_size(ctx.family, spec.settings)
    prompts, keyframes, prompt = [], {}, ""
    for start, card in zip(card_starts(spec), spec.cards):
        prompt = card.prompt or prompt
        prompts.append((start, prompt))
        if card.image:
            keyframes[start] = fit_frame(load_image(card.image, ctx.limits), size)
    # 2. Call.
    (planned,) = plan.timelines
    timeline = _timeline(ctx.family, settings, planned, keyframes=keyframes, cuts=tuple(start for start, _ in prompts))
    shots = _shots(ctx.family, prompts[0][1], spec.negative_prompt, seeds, prompts=prompts)
    # 3. Post-process.
    return _deliver(_render(ctx, timeline, planned, shots), settings, sound)


OPERATIONS = {
    "animate": animate,
    "remix": remix,
    "recut": recut,
    "extend": extend,
    "blend": blend,
    "loop": loop,
    "storyboard": storyboard,
}
