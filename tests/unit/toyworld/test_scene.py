"""Moves sampled for a long clip keep inside the frame for the whole clip; without it the stream is unchanged."""

from __future__ import annotations

import numpy as np

from toyworld import render, sample_scene
from toyworld.render import pose
from toyworld.scene import MOVE_FROM, MOVE_TO
from toyworld.world import DIRECTIONS, NUM_FRAMES, SIZES

#: A 10 s clip at the toy model's generation rate of 8 fps.
LONGEST = 81


def _along(scene) -> np.ndarray:
    p = pose(scene)
    width, height = SIZES[scene.aspect]
    return p.cx / width if scene.motion in ("left", "right") else p.cy / height


def test_a_window_of_a_long_move_stays_on_the_long_moves_path():
    rng = np.random.default_rng(0)
    for motion in DIRECTIONS * 10:
        scene = sample_scene(rng, motion=motion, clip_frames=LONGEST)
        along = _along(scene)
        assert MOVE_FROM - 0.03 - 1e-9 <= along.min() and along.max() <= MOVE_TO + 0.03 + 1e-9
        speed = np.diff(along)
        assert np.allclose(np.abs(speed), (MOVE_TO - MOVE_FROM) / (LONGEST - 1))
        assert (speed < 0).all() if motion in ("left", "up") else (speed > 0).all()


def test_the_whole_long_clip_at_that_speed_ends_inside_the_frame():
    scene = sample_scene(np.random.default_rng(1), motion="right", clip_frames=LONGEST)
    travelled = scene.travel * (LONGEST - 1) / (NUM_FRAMES - 1)
    assert travelled <= MOVE_TO - MOVE_FROM + 1e-9
    assert scene.travel < 0.46


def test_without_a_clip_length_seeded_scenes_are_as_before():
    a = [sample_scene(np.random.default_rng(7)) for _ in range(3)]
    b = [sample_scene(np.random.default_rng(7), clip_frames=None) for _ in range(3)]
    assert a == b and all(s.travel == MOVE_TO - MOVE_FROM for s in a)


def test_the_window_renders_a_visible_object_in_every_frame():
    scene = sample_scene(np.random.default_rng(2), motion="down", clip_frames=LONGEST)
    _, alpha = render(scene)
    assert (alpha.reshape(len(alpha), -1).max(axis=1) > 0.5).all()

