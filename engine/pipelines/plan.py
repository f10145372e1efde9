"""One render plan per job: every pipeline call it will make, with its steps, worked out from the spec alone.

The plan is made once, before anything renders. Its step total is what progress reports count to, and the
operations (``engine/pipelines/operations.py``) render exactly its passes, so the two cannot drift apart.
Only lengths are needed: a source clip's frame count is read from its container header, nothing is decoded.
"""

from __future__ import annotations

from dataclasses import dataclass

from engine.errors import EngineError
from engine.media import probe
from engine.pipelines.family import Family
from engine.pipelines.timeline import Layout, Pass, plan_passes
from engine.specs import Animate, Blend, Extend, Generate, Loop, Recut, Remix, Settings, Storyboard


@dataclass(frozen=True)
class PlannedTimeline:
    """A timeline's layout and the passes that render it."""

    layout: Layout
    passes: tuple[Pass, ...]

    @property
    def steps(self) -> int:
        return sum(p.steps for p in self.passes)


@dataclass(frozen=True)
class RenderPlan:
    """Everything one job (or one batch of text-to-video jobs) renders, in order."""

    timelines: tuple[PlannedTimeline, ...]
    #: One-frame passes drawing still images first (a loop made from a prompt starts and ends on one).
    stills: tuple[Pass, ...] = ()

    @property
    def steps(self) -> int:
        """The job's progress total: every denoising step of every pass."""
        return sum(p.steps for p in self.stills) + sum(t.steps for t in self.timelines)

    @property
    def calls(self) -> int:
        return len(self.stills) + sum(len(t.passes) for t in self.timelines)


def num_frames(settings: Settings, seconds: float | None = None) -> int:
    """Frames delivered for ``seconds`` (default: the clip's duration) at the clip's fps."""
    return max(1, round((settings.duration_s if seconds is None else seconds) * settings.fps))


def source_frames(path: str, fps: int) -> int | None:
    """Frames a source clip has at ``fps``, from its header; None when the header does not say."""
    try:
        info = probe(path)
    except EngineError:
        return None  # the render refuses the file with the real reason when it decodes it
    seconds = info.frames / info.fps if info.frames and info.fps else info.duration_s
    return max(1, round(seconds * fps)) if seconds else None


def _timeline(family: Family, layout: Layout, shots: int) -> PlannedTimeline:
    return PlannedTimeline(layout, tuple(plan_passes(layout, shots, family)))


def _context(family: Family, frames: int | None) -> int:
    """Frames of a source's tail a continuation is conditioned on."""
    overlap = family.profile.overlap_frames
    return overlap if frames is None else min(overlap, frames)


def plan(family: Family, specs: list) -> RenderPlan:
    """The plan for ``specs`` run together (several only for batched text-to-video)."""
    spec = specs[0]
    settings = spec.settings
    frames = num_frames(settings)
    shots = sum(s.settings.variations for s in specs)
    if isinstance(spec, Generate):
        return RenderPlan((_timeline(family, Layout(frames), shots),))
    if isinstance(spec, Animate):
        return RenderPlan((_timeline(family, Layout(frames, keyframes=(0,)), shots),))
    if isinstance(spec, Remix):
        layout = Layout(frames, video_to_video=True, denoise_strength=spec.strength)
        return RenderPlan((_timeline(family, layout, shots),))
    if isinstance(spec, Recut):
        kept = num_frames(settings, spec.keep_seconds)
        layout = Layout(max(1, frames - kept), context_frames=_context(family, kept))
        return RenderPlan((_timeline(family, layout, shots),))
    if isinstance(spec, Extend):
        layout = Layout(frames, context_frames=_context(family, source_frames(spec.source, settings.fps)))
        return RenderPlan((_timeline(family, layout, shots),))
    if isinstance(spec, Blend):
        context = _context(family, source_frames(spec.source, settings.fps))
        return RenderPlan((_timeline(family, Layout(frames, context_frames=context, last_frame=True), shots),))
    if isinstance(spec, Loop):
        # One timeline per variation, each around its own anchor; one frame more, as the repeated end is dropped.
        loop = _timeline(family, Layout(frames + 1, keyframes=(0,), last_frame=True), 1)
        # The stills share one call where the family batches (VACE makes one video per call).
        groups = [tuple(range(shots))] if family.can_batch(late_conditions=False) else [(i,) for i in range(shots)]
        stills = () if spec.source else tuple(Pass(0, 0, 1, group, 1, family.pass_steps()) for group in groups)
        return RenderPlan((loop,) * shots, stills)
    if isinstance(spec, Storyboard):
        starts = card_starts(spec)
        keyframes = tuple(sorted({start for start, card in zip(starts, spec.cards) if card.image}))
        return RenderPlan((_timeline(family, Layout(frames, keyframes=keyframes, cuts=tuple(starts)), shots),))
    raise EngineError(f"unknown operation {spec.op!r}")


def card_starts(spec: Storyboard) -> list[int]:
    """The frame each storyboard card starts at (the first at 0)."""
    frames = num_frames(spec.settings)
    return [0] + [min(frames - 1, round(card.at_s * spec.settings.fps)) for card in spec.cards[1:]]
