"""Video-to-video keeps every step a generation gets, starting at the noise level the strength names."""

from __future__ import annotations

import pytest

from engine.pipelines.ltx import video_to_video_timesteps


def _kept(steps: int, strength: float) -> list[float]:
    """What LTXConditionPipeline.get_timesteps keeps of a schedule for ``denoise_strength``."""
    schedule = video_to_video_timesteps(steps, strength)
    kept = min(int(len(schedule) * strength), len(schedule))
    return schedule[len(schedule) - kept :]


@pytest.mark.parametrize("steps", [8, 16, 20])
@pytest.mark.parametrize("strength", [0.3, 0.6, 0.75, 0.8, 0.95, 1.0])
def test_the_pass_keeps_all_its_steps_and_starts_near_the_strength(steps, strength):
    kept = _kept(steps, strength)
    assert len(kept) == steps
    assert kept[0] / 1000 == pytest.approx(strength, abs=1 / steps)
    assert all(a > b for a, b in zip(kept, kept[1:])) and kept[-1] > 0


def test_sixteen_steps_at_strength_point_eight_are_the_last_sixteen_of_twenty_evenly_spaced():
    assert _kept(16, 0.8) == [1000.0 * (1 - i / 20) for i in range(4, 20)]
