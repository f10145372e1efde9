"""Factorised text-to-video on the embedded model: a keyframe pass, then each clip pinned to its keyframe."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from engine.pipelines.ltx import LTXFamily
from engine.pipelines.timeline import Shot, Timeline, plan_passes, render_timeline

TOY = Path(__file__).resolve().parents[3] / "engine" / "models" / "toy"
PROMPT = "a red circle moving right on a blue background"


class RecordingFamily(LTXFamily):
    """The real family, keeping each call's request and frames so the test can follow the two passes."""

    def __init__(self, pipe, profile):
        super().__init__(pipe, profile)
        self.calls: list[tuple] = []

    def render(self, request, on_step):
        frames = super().render(request, on_step)
        self.calls.append((request, frames))
        return frames


@pytest.fixture(scope="module")
def family():
    from diffusers import LTXConditionPipeline

    from engine.pipelines.profile import load_profile

    pipe = LTXConditionPipeline.from_pretrained(TOY)
    pipe.set_progress_bar_config(disable=True)
    return RecordingFamily(pipe, load_profile(TOY).model_copy(update={"keyframe_index": 8}))


def test_each_clip_is_made_around_the_keyframe_its_first_pass_drew(family):
    timeline = Timeline(num_frames=17, width=64, height=64, fps=24)
    shots = [Shot(prompts=[(0, PROMPT)], negative_prompt="", seed=seed) for seed in (3, 4)]
    steps = []
    clips = render_timeline(family, timeline, shots, on_step=lambda: steps.append(1))

    (draft, drafted), *pinned = family.calls
    assert (len(draft.prompts), draft.num_frames, draft.conditions) == (2, 9, [])
    assert len(pinned) == 2 == len(plan_passes(timeline.layout, 2, family)) - 1
    assert len(steps) == 3 * family.profile.num_inference_steps
    for i, (request, _) in enumerate(pinned):
        (condition,) = request.conditions
        assert (request.num_frames, condition.frame_index) == (17, 8)
        np.testing.assert_array_equal(condition.frames[0], drafted[i, 8])
    for clip, keyframe in zip(clips, drafted[:, 8]):
        assert clip.shape == (17, 64, 64, 3)
        # The clip passes through its keyframe: far closer to it at frame 8 than at the ends.
        error = [np.abs(clip[k].astype(float) - keyframe).mean() / 255 for k in (0, 8, 16)]
        assert error[1] < 0.05 and error[1] < min(error[0], error[2]), error
