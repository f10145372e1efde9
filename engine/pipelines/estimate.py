"""How many pipeline calls a job makes, from its spec alone (no media decoded), for progress totals."""

from __future__ import annotations

import numpy as np

from engine.pipelines.profile import NativeProfile
from engine.pipelines.timeline import Timeline, count_calls


def _stand_in(frames: int = 1) -> np.ndarray:
    return np.zeros((frames, 1, 1, 3), dtype=np.uint8)


def estimate_calls(profile: NativeProfile, specs: list) -> int:
    """Calls for ``specs`` run together (several only for batched text-to-video)."""
    spec = specs[0]
    settings = spec.settings
    frames = max(1, round(settings.duration_s * settings.fps))
    videos = sum(s.settings.variations for s in specs)
    context = _stand_in(profile.overlap_frames)
    image = _stand_in()[0]
    calls_for = lambda timeline, shots=videos: count_calls(  # noqa: E731
        timeline, shots, profile.max_frames_per_pass, profile.overlap_frames, profile.keyframe_index
    )
    shape = dict(num_frames=frames, width=1, height=1, fps=settings.fps)
    if spec.op == "generate":
        return calls_for(Timeline(**shape))
    if spec.op == "animate":
        return calls_for(Timeline(**shape, keyframes={0: image}))
    if spec.op == "remix":
        return calls_for(Timeline(**shape, init_video=_stand_in(frames), denoise_strength=spec.strength))
    if spec.op == "recut":
        kept = max(1, round(spec.keep_seconds * settings.fps))
        return calls_for(Timeline(**{**shape, "num_frames": max(1, frames - kept)}, context=context))
    if spec.op == "extend":
        return calls_for(Timeline(**shape, context=context))
    if spec.op == "blend":
        return calls_for(Timeline(**shape, context=context, last_frame=image))
    if spec.op == "loop":
        loop = Timeline(**{**shape, "num_frames": frames + 1}, keyframes={0: image}, last_frame=image)
        return calls_for(loop, 1) * videos + (0 if spec.source else 1)
    if spec.op == "storyboard":
        starts = [0] + [min(frames - 1, round(card.at_s * settings.fps)) for card in spec.cards[1:]]
        keyframes = {start: image for start, card in zip(starts, spec.cards) if card.image}
        return calls_for(Timeline(**shape, keyframes=keyframes, cuts=tuple(starts)))
    raise ValueError(f"unknown operation {spec.op!r}")
