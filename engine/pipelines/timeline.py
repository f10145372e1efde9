"""Clips longer than one pass: chunks of 8k+1 frames, each conditioned on the tail of the one before.

A model that learnt one short motion per clip (``NativeProfile.stretch_frames``) makes a clip from nothing in one
stretched pass instead, told a higher frame rate, so its motion fills the clip once rather than restarting in
every chunk.

A :class:`Timeline` says what to make (length, anchors, cuts); its :class:`Layout` (lengths and positions only)
makes the list of :class:`Pass` es once (:func:`plan_passes`). That one list drives both the progress total
(the sum of its steps) and :func:`render_timeline`, which calls the family for each pass and stitches the
results, easing every conditioned edge into the generated frames.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import torch

from engine.media.audio import Sound, join_into
from engine.media.footage import Footage
from engine.media.frames import crossfade_into
from engine.pipelines.family import Family, FrameCondition, PassRequest, PassResult
from engine.pipelines.profile import NativeProfile

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

    @property
    def layout(self) -> "Layout":
        """What planning needs: lengths and positions, no pixels."""
        return Layout(
            num_frames=self.num_frames,
            context_frames=0 if self.context is None else len(self.context),
            keyframes=tuple(sorted(self.keyframes)),
            last_frame=self.last_frame is not None,
            video_to_video=self.init_video is not None,
            denoise_strength=self.denoise_strength,
            cuts=tuple(self.cuts),
        )


@dataclass(frozen=True)
class Layout:
    """A timeline's shape: built from a job spec alone (no media decoded) or read off a :class:`Timeline`."""

    num_frames: int
    context_frames: int = 0
    keyframes: tuple[int, ...] = ()
    last_frame: bool = False
    video_to_video: bool = False
    denoise_strength: float = 1.0
    cuts: tuple[int, ...] = ()


@dataclass(frozen=True)
class Pass:
    """One pipeline call: which shots, which new frames ``[start, end)`` of chunk ``chunk``, how many steps.

    ``keyframe_draft`` marks the short text-only pass of keyframe-first generation; the chunk's main passes
    (one per shot) follow it and are pinned to the keyframes it drew.
    """

    chunk: int
    start: int
    end: int
    shots: tuple[int, ...]
    num_frames: int
    steps: int
    keyframe_draft: bool = False
    #: A stretched pass's frames each span this many of the model's own (``NativeProfile.stretch_frames``).
    time_scale: float = 1.0


def plan_chunks(timeline: Timeline | Layout, max_frames: int, overlap: int) -> list[tuple[int, int]]:
    """``(start, end)`` of the new frames each pass makes; a pass never straddles a cut or keyframe."""
    layout = timeline.layout if isinstance(timeline, Timeline) else timeline
    cuts = {*layout.cuts, *layout.keyframes}
    bounds = sorted({0, layout.num_frames, *(c for c in cuts if 0 < c < layout.num_frames)})
    context_overlap = usable_overlap(layout.context_frames, overlap) if layout.context_frames else 0
    chunks = []
    for segment_start, segment_end in zip(bounds, bounds[1:]):
        start = segment_start
        while start < segment_end:
            conditioned = overlap if start > 0 else context_overlap
            end = min(segment_end, start + max_frames - conditioned)
            chunks.append((start, end))
            start = end
    return chunks


def _overlap(layout: Layout, index: int, start: int, overlap: int) -> int:
    """Frames a chunk's pass is conditioned on: the context's tail (first chunk) or the frames made so far."""
    available = layout.context_frames if index == 0 else start
    return usable_overlap(available, overlap) if available else 0


def _keyframe_first(layout: Layout, index: int, start: int, end: int, keyframe_index: int | None) -> bool:
    """Whether this chunk starts from nothing (no context, keyframe or source) and so gets a keyframe pass."""
    return (
        keyframe_index is not None
        and index == 0
        and layout.context_frames == 0
        and start not in layout.keyframes
        and not layout.video_to_video
        and keyframe_index < pass_frames(end - start)
    )


def stretched(layout: Layout, family: Family) -> bool:
    """Whether ``layout`` is one stretched pass (``NativeProfile.stretch_frames``) and fits in one: a clip made
    from nothing (no context, no cut after frame 0; an image at frame 0 and a last frame are fine), or redrawn
    from a source of its length (a remix: a stretched source's motion is the model's own again)."""
    frames = family.profile.stretch_frames
    return (
        frames is not None
        and family.scales_time
        and layout.context_frames == 0
        and set(layout.cuts) <= {0}
        and set(layout.keyframes) <= {0}
        and layout.num_frames <= frames
    )


def time_scale(num_frames: int, profile: NativeProfile) -> float:
    """How many of the model's frame intervals each frame of a stretched ``num_frames`` pass spans (never < 1)."""
    return max(1.0, (pass_frames(num_frames) - 1) / (profile.max_frames_per_pass - 1))


def plan_passes(layout: Layout, shots: int, family: Family) -> list[Pass]:
    """Every pipeline call that renders ``shots`` videos of ``layout``, in order, each with its steps."""
    profile = family.profile
    if stretched(layout, family):
        chunks, scale = [(0, layout.num_frames)], time_scale(layout.num_frames, profile)
    else:
        chunks, scale = plan_chunks(layout, profile.max_frames_per_pass, profile.overlap_frames), 1.0
    steps = family.pass_steps(video_to_video=False)
    passes: list[Pass] = []
    for index, (start, end) in enumerate(chunks):
        overlap = _overlap(layout, index, start, profile.overlap_frames)
        num_frames = pass_frames(overlap + end - start)
        every = tuple(range(shots))
        if _keyframe_first(layout, index, start, end, profile.keyframe_index):
            # 1. The keyframes of every shot in one short call, 2. each shot alone around its own keyframe.
            passes.append(Pass(index, start, end, every, pass_frames(profile.keyframe_index + 1), steps, True))
            passes += [Pass(index, start, end, (shot,), num_frames, steps, time_scale=scale) for shot in every]
            continue
        last = index == len(chunks) - 1
        late = (start in layout.keyframes and overlap > 0) or (last and layout.last_frame and overlap + end - start > 1)
        # The first chunk continues the shared context, so its shots can share a call; later chunks continue
        # each shot's own frames, so each goes alone.
        together = index == 0 and family.can_batch(late_conditions=late, video_to_video=layout.video_to_video)
        groups = [every] if together else [(shot,) for shot in every]
        chunk_steps = family.pass_steps(
            video_to_video=layout.video_to_video, denoise_strength=layout.denoise_strength, continues=overlap > 0
        )
        passes += [Pass(index, start, end, group, num_frames, chunk_steps, time_scale=scale) for group in groups]
    return passes


def render_timeline(
    family: Family,
    timeline: Timeline,
    shots: list[Shot],
    on_step: Callable[[], None],
    passes: list[Pass] | None = None,
) -> list[np.ndarray]:
    """Each shot's ``num_frames`` new frames, ``uint8 (F, H, W, 3)`` at the native size (see :func:`render_shots`)."""
    return [footage.frames for footage in render_shots(family, timeline, shots, on_step, passes)]


def render_shots(
    family: Family,
    timeline: Timeline,
    shots: list[Shot],
    on_step: Callable[[], None],
    passes: list[Pass] | None = None,
) -> list["ShotFootage"]:
    """Each shot's new frames and, from a family with sound, their sound, made by ``passes`` (planned here when
    not given; a plan made from a spec must match this timeline's layout)."""
    passes = plan_passes(timeline.layout, len(shots), family) if passes is None else passes
    made: list[np.ndarray | None] = [None] * len(shots)
    sounds: list[Sound | None] = [None] * len(shots)
    leads: list[Sound | None] = [None] * len(shots)
    drafted: dict[int, np.ndarray] = {}  # shot -> its keyframe, drawn by a keyframe_draft pass
    last_chunk = max((p.chunk for p in passes), default=0)
    for planned in passes:
        group = list(planned.shots)
        if planned.keyframe_draft:
            keyframes = _render_keyframes(family, timeline, [shots[i] for i in group], planned, on_step)
            drafted.update(zip(group, keyframes))
            continue
        previous = timeline.context if planned.chunk == 0 else made[group[0]]
        pinned = drafted.get(group[0]) if planned.chunk == 0 else None
        frames, audio = _render_pass(
            family, timeline, [shots[i] for i in group], planned, planned.chunk == last_chunk, previous, pinned, on_step
        )
        for position, shot_index in enumerate(group):
            made[shot_index] = frames[position] if made[shot_index] is None else np.concatenate(
                [made[shot_index], frames[position]]
            )
            if audio is None:
                continue
            lead, new = audio[position]
            if sounds[shot_index] is None:
                sounds[shot_index], leads[shot_index] = new, lead
            else:  # the pass's sound over the frames it continued is what the join crossfades into
                sounds[shot_index] = join_into(sounds[shot_index], lead, new)
    return [
        ShotFootage(video, None if sound is None else sound.fitted(len(video) / timeline.fps), lead)
        for video, sound, lead in zip(made, sounds, leads)
        if video is not None
    ]


@dataclass(frozen=True)
class ShotFootage(Footage):
    """A shot's frames and sound, plus ``lead``: the sound made over the context it continued (first chunk),
    which a continuation crossfades its source's sound into."""

    lead: Sound | None = None


def _seeds(shots: list[Shot], chunk: int) -> list[int]:
    """One seed per shot, re-seeded per chunk so batching never changes a shot's noise."""
    return [(shot.seed + chunk * _CHUNK_SEED_STRIDE) % 2**63 for shot in shots]


def _render_keyframes(
    family: Family, timeline: Timeline, shots: list[Shot], planned: Pass, on_step: Callable[[], None]
) -> np.ndarray:
    """Factorised generation, first half: a short text-only pass; its frame ``keyframe_index`` is the keyframe."""
    at = family.profile.keyframe_index
    seeds = _seeds(shots, planned.chunk)
    draft = PassRequest(
        prompts=[shot.prompt_at(planned.start) for shot in shots],
        negative_prompts=[shot.negative_prompt for shot in shots],
        width=timeline.width,
        height=timeline.height,
        num_frames=planned.num_frames,
        fps=timeline.fps,
        generators=[torch.Generator("cpu").manual_seed((seed + _KEYFRAME_SEED_OFFSET) % 2**63) for seed in seeds],
        num_inference_steps=planned.steps,
    )
    return PassResult.of(family.render(draft, on_step)).frames[:, at]


def _render_pass(
    family: Family,
    timeline: Timeline,
    shots: list[Shot],
    planned: Pass,
    last: bool,
    previous: np.ndarray | None,
    drafted_keyframe: np.ndarray | None,
    on_step: Callable[[], None],
) -> tuple[np.ndarray, list[tuple[Sound, Sound]] | None]:
    """The pass's new frames per shot and, with sound, each shot's ``(lead, new)`` sound: over the frames it
    was conditioned on, and over its new frames."""
    profile = family.profile
    start, end, index = planned.start, planned.end, planned.chunk
    # 1. What this pass continues: the tail of what came before (8k+1 frames, or one image).
    overlap = usable_overlap(len(previous), profile.overlap_frames) if previous is not None and len(previous) else 0
    new_frames = end - start
    conditions = []
    if overlap:
        conditions.append(FrameCondition(previous[-overlap:], frame_index=0))
    # 2. Anchors inside this pass: a keyframe at its first new frame, the final image at its last, and the
    #    keyframe a draft pass drew (keyframe-first generation).
    keyframe = timeline.keyframes.get(start)
    if keyframe is not None:
        conditions.append(FrameCondition(keyframe[None], frame_index=overlap))
    if last and timeline.last_frame is not None and overlap + new_frames - 1 > 0:
        conditions.append(FrameCondition(timeline.last_frame[None], frame_index=overlap + new_frames - 1))
    if drafted_keyframe is not None:  # where the draft's frame falls in this pass's (stretched) time
        conditions.append(FrameCondition(drafted_keyframe[None], round(profile.keyframe_index * planned.time_scale)))
    # 3. Video-to-video: the source frames under this pass, held at the end to fill 8k+1.
    init_video = None
    if timeline.init_video is not None:
        source = timeline.init_video
        if overlap and index == 0 and timeline.context is not None:
            source = np.concatenate([timeline.context, source])
            start_in_source = len(timeline.context) + start - overlap
        else:
            start_in_source = start - overlap
        picks = np.clip(np.arange(start_in_source, start_in_source + planned.num_frames), 0, len(source) - 1)
        init_video = source[picks]
    # 4. The call, exactly as planned.
    request = PassRequest(
        prompts=[shot.prompt_at(start) for shot in shots],
        negative_prompts=[shot.negative_prompt for shot in shots],
        width=timeline.width,
        height=timeline.height,
        num_frames=planned.num_frames,
        fps=timeline.fps,
        generators=[torch.Generator("cpu").manual_seed(seed) for seed in _seeds(shots, index)],
        conditions=conditions,
        init_video=init_video,
        denoise_strength=timeline.denoise_strength if init_video is not None else 1.0,
        num_inference_steps=planned.steps,
        time_scale=planned.time_scale,
    )
    start_at = 0 if drafted_keyframe is not None else overlap
    result = PassResult.of(family.render(request, on_step))
    videos = result.frames[:, start_at : start_at + new_frames]
    audio = None
    if result.audio is not None:
        fps, rate = timeline.fps, int(result.sample_rate)
        whole = [Sound(np.asarray(samples, np.float32), rate) for samples in result.audio]
        audio = [(s.span(0, start_at / fps), s.span(start_at / fps, (start_at + new_frames) / fps)) for s in whole]
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
    return np.stack(out), audio
