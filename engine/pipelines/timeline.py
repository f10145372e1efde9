"""Clips longer than one pass: chunks of 8k+1 frames, each conditioned on the tail of the one before.

A :class:`Timeline` says what to make (length, anchors, cuts); :func:`render_timeline` splits it into passes,
calls the family for each and stitches the results, easing every conditioned edge into the generated frames.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace

import numpy as np
import torch

from engine.media.frames import crossfade_into
from engine.pipelines.family import Family, FrameCondition, PassRequest

#: Seeds of later chunks are offset by this much so each chunk draws fresh, reproducible noise.
_CHUNK_SEED_STRIDE = 1_000_003
#: A keyframe pass draws its noise this far from its chunk's (the two passes differ in length anyway).
_KEYFRAME_SEED_OFFSET = 7_919


def pass_frames(num_frames: int) -> int:
    """The smallest 8k+1 frame count that holds ``num_frames``."""
    return (max(num_frames, 1) + 6) // 8 * 8 + 1


def usable_overlap(available: int, wanted: int) -> int:
    """Largest 8k+1 frame count <= both; 1 (a single image) when fewer than 9 frames are available."""
    count = min(available, wanted)
    return (count - 1) // 8 * 8 + 1 if count >= 1 else 0


@dataclass(frozen=True)
class Shot:
    """One video to make: its prompts over time (``(start_frame, prompt)``, the first at 0) and its seed."""

    prompts: list[tuple[int, str]]
    negative_prompt: str
    seed: int

    def prompt_at(self, frame: int) -> str:
        current = self.prompts[0][1]
        for start, prompt in self.prompts:
            if start <= frame:
                current = prompt
        return current


@dataclass(frozen=True)
class Timeline:
    """What to render, at the family's native size. Frames are ``uint8 (H, W, 3)`` images."""

    num_frames: int
    width: int
    height: int
    fps: int
    #: Frames just before the timeline (a source clip's tail): not in the output, the first chunk continues them.
    context: np.ndarray | None = None
    #: Output frame index -> image pinned there (frame 0 = animate's image; card images at their times).
    keyframes: dict[int, np.ndarray] = field(default_factory=dict)
    #: Image the output's last frame becomes (blend's B, a loop's first frame).
    last_frame: np.ndarray | None = None
    #: Video-to-video: ``(num_frames, H, W, 3)`` to start from, changed by ``denoise_strength``.
    init_video: np.ndarray | None = None
    denoise_strength: float = 1.0
    #: Frames where a new chunk must start (storyboard cards), besides keyframes.
    cuts: tuple[int, ...] = ()


def plan_chunks(timeline: Timeline, max_frames: int, overlap: int) -> list[tuple[int, int]]:
    """``(start, end)`` of the new frames each pass makes; a pass never straddles a cut or keyframe."""
    cuts = {*timeline.cuts, *timeline.keyframes}
    bounds = sorted({0, timeline.num_frames, *(c for c in cuts if 0 < c < timeline.num_frames)})
    has_context = timeline.context is not None and len(timeline.context) > 0
    context_overlap = usable_overlap(len(timeline.context), overlap) if has_context else 0
    chunks = []
    for segment_start, segment_end in zip(bounds, bounds[1:]):
        start = segment_start
        while start < segment_end:
            conditioned = overlap if start > 0 else context_overlap
            end = min(segment_end, start + max_frames - conditioned)
            chunks.append((start, end))
            start = end
    return chunks


def count_calls(
    timeline: Timeline, shots: int, max_frames: int, overlap: int, keyframe_index: int | None = None
) -> int:
    """Pipeline calls :func:`render_timeline` will make (for progress totals), without rendering."""
    chunks = plan_chunks(timeline, max_frames, overlap)
    calls = 0
    for index, (start, end) in enumerate(chunks):
        if _keyframe_first(timeline, index, start, end, keyframe_index):
            calls += 1 + shots  # the keyframes in one call, then each shot alone around its own
            continue
        alone = index > 0 or _late_conditions(timeline, start, end, index == len(chunks) - 1, timeline.context)
        calls += shots if alone and shots > 1 else 1
    return calls


def _keyframe_first(timeline: Timeline, index: int, start: int, end: int, keyframe_index: int | None) -> bool:
    """Whether this chunk starts from nothing (no context, keyframe or source) and so gets a keyframe pass."""
    return (
        keyframe_index is not None
        and index == 0
        and (timeline.context is None or len(timeline.context) == 0)
        and start not in timeline.keyframes
        and timeline.init_video is None
        and keyframe_index < pass_frames(end - start)
    )


def _late_conditions(timeline: Timeline, start: int, end: int, last: bool, previous) -> bool:
    """Whether a pass pins something after its frame 0 (diffusers then needs a batch of one)."""
    offset = usable_overlap(len(previous), 10**9) if previous is not None and len(previous) else 0
    late_key = start in timeline.keyframes and offset > 0
    return late_key or (last and timeline.last_frame is not None and offset + (end - start) - 1 > 0)


def render_timeline(
    family: Family, timeline: Timeline, shots: list[Shot], on_step: Callable[[], None]
) -> list[np.ndarray]:
    """Each shot's ``num_frames`` new frames, ``uint8 (F, H, W, 3)`` at the native size."""
    profile = family.profile
    chunks = plan_chunks(timeline, profile.max_frames_per_pass, profile.overlap_frames)
    made: list[np.ndarray | None] = [None] * len(shots)
    for index, (start, end) in enumerate(chunks):
        last = index == len(chunks) - 1
        # The first chunk continues the shared context, so all shots go in one call; later ones continue
        # each shot's own frames, so each goes alone.
        groups = [list(range(len(shots)))] if index == 0 else [[i] for i in range(len(shots))]
        for group in groups:
            previous = timeline.context if index == 0 else made[group[0]]
            frames = _render_chunk(family, timeline, [shots[i] for i in group], index, start, end, last, previous, on_step)
            for position, shot_index in enumerate(group):
                made[shot_index] = frames[position] if made[shot_index] is None else np.concatenate(
                    [made[shot_index], frames[position]]
                )
    return [video for video in made if video is not None]


def _render_around_keyframes(
    family: Family, request: PassRequest, seeds: list[int], on_step: Callable[[], None]
) -> np.ndarray:
    """Factorised generation: a short text-only pass for each shot's keyframe, then the pass pinned to it."""
    at = family.profile.keyframe_index
    draft = replace(
        request,
        num_frames=pass_frames(at + 1),
        generators=[torch.Generator("cpu").manual_seed((seed + _KEYFRAME_SEED_OFFSET) % 2**63) for seed in seeds],
    )
    keyframes = family.render(draft, on_step)[:, at]
    return np.concatenate([
        family.render(
            replace(request.single(i), conditions=[*request.conditions, FrameCondition(keyframes[i][None], at)]),
            on_step,
        )
        for i in range(len(request.prompts))
    ])


def _render_chunk(
    family: Family,
    timeline: Timeline,
    shots: list[Shot],
    index: int,
    start: int,
    end: int,
    last: bool,
    previous: np.ndarray | None,
    on_step: Callable[[], None],
) -> np.ndarray:
    profile = family.profile
    # 1. What this pass continues: the tail of what came before (8k+1 frames, or one image).
    overlap = usable_overlap(len(previous), profile.overlap_frames) if previous is not None and len(previous) else 0
    new_frames = end - start
    num_frames = pass_frames(overlap + new_frames)
    conditions = []
    if overlap:
        conditions.append(FrameCondition(previous[-overlap:], frame_index=0))
    # 2. Anchors inside this pass: a keyframe at its first new frame, the final image at its last.
    keyframe = timeline.keyframes.get(start)
    if keyframe is not None:
        conditions.append(FrameCondition(keyframe[None], frame_index=overlap))
    if last and timeline.last_frame is not None and overlap + new_frames - 1 > 0:
        conditions.append(FrameCondition(timeline.last_frame[None], frame_index=overlap + new_frames - 1))
    # 3. Video-to-video: the source frames under this pass, held at the end to fill 8k+1.
    init_video = None
    if timeline.init_video is not None:
        source = timeline.init_video
        if overlap and index == 0 and timeline.context is not None:
            source = np.concatenate([timeline.context, source])
            start_in_source = len(timeline.context) + start - overlap
        else:
            start_in_source = start - overlap
        picks = np.clip(np.arange(start_in_source, start_in_source + num_frames), 0, len(source) - 1)
        init_video = source[picks]
    # 4. The call: one generator per shot, re-seeded per chunk so batching never changes a shot's noise.
    seeds = [(shot.seed + index * _CHUNK_SEED_STRIDE) % 2**63 for shot in shots]
    request = PassRequest(
        prompts=[shot.prompt_at(start) for shot in shots],
        negative_prompts=[shot.negative_prompt for shot in shots],
        width=timeline.width,
        height=timeline.height,
        num_frames=num_frames,
        fps=timeline.fps,
        generators=[torch.Generator("cpu").manual_seed(seed) for seed in seeds],
        conditions=conditions,
        init_video=init_video,
        denoise_strength=timeline.denoise_strength if init_video is not None else 1.0,
    )
    if _keyframe_first(timeline, index, start, end, profile.keyframe_index):
        videos = _render_around_keyframes(family, request, seeds, on_step)[:, :new_frames]
    else:
        videos = family.render(request, on_step)[:, overlap : overlap + new_frames]
    # 5. Seams: ease the generated frames into what they were conditioned on.
    seam = profile.seam_frames
    out = []
    for video in videos:
        if overlap:
            video = crossfade_into(video, previous[-1], seam, at_end=False, include_edge=False)
        if keyframe is not None:
            video = crossfade_into(video, keyframe, seam, at_end=False)
        if last and timeline.last_frame is not None:
            video = crossfade_into(video, timeline.last_frame, seam, at_end=True)
        out.append(video)
    return np.stack(out)
