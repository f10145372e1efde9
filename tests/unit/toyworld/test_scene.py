"""Long moves: windows of one slow move that rests at the frame's edge, so passes of a long clip continue it."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from toyworld import render, sample_scene
from toyworld.render import pose
from toyworld.scene import EASE, LONG_MOVE_TRAVEL, MOVE_FROM, MOVE_TO, edge_margin
from toyworld.world import DIRECTIONS, NUM_FRAMES, SIZES


def _along(scene) -> np.ndarray:
    p = pose(scene)
    width, height = SIZES[scene.aspect]
    return p.cx / width if scene.motion in ("left", "right") else p.cy / height


@pytest.mark.parametrize("aspect", list(SIZES))
def test_a_long_move_window_stays_inside_the_frame_and_never_turns_back(aspect):
    rng = np.random.default_rng(0)
    for motion in DIRECTIONS * 10:
        scene = sample_scene(rng, motion=motion, aspect=aspect, long_moves=1.0)
        margin = edge_margin(aspect, "x" if motion in ("left", "right") else "y")
        along = _along(scene)
        assert margin - 1e-9 <= along.min() and along.max() <= 1 - margin + 1e-9
        step = np.diff(along) * (-1 if motion in ("left", "up") else 1)
        assert (step >= -1e-12).all()
        assert step.max() <= LONG_MOVE_TRAVEL / (NUM_FRAMES - 1) + 1e-9


def test_passes_of_one_long_move_join_without_a_jump_and_rest_at_the_edge():
    """Windows 8 frames apart (the engine's pass step) chain into one path; it ends at rest on the far edge."""
    scene = sample_scene(np.random.default_rng(3), motion="right", aspect="16:9", long_moves=1.0)
    scene = replace(scene, along=0.0)
    step_distance = LONG_MOVE_TRAVEL * 8 / (NUM_FRAMES - 1)
    previous = _along(scene)
    path = [previous]
    for k in range(1, 12):
        window = _along(replace(scene, along=k * step_distance))
        assert window[0] == pytest.approx(previous[8])
        path.append(window[9:])
        previous = window
    whole = np.concatenate(path)
    steps = np.diff(whole)
    assert (steps >= -1e-12).all() and steps.max() <= LONG_MOVE_TRAVEL / (NUM_FRAMES - 1) + 1e-9
    assert whole[-1] == pytest.approx(1 - edge_margin("16:9", "x"))
    assert np.allclose(whole[-5:], whole[-1])


def test_some_windows_slow_down_or_rest_so_a_later_pass_learns_to_stop():
    rng = np.random.default_rng(5)
    scenes = [sample_scene(rng, motion="down", long_moves=1.0) for _ in range(400)]
    easing = [s for s in scenes if s.along + s.travel > s.room - EASE]
    assert 0.3 < len(easing) / len(scenes) < 0.55


def test_without_long_moves_seeded_scenes_are_as_before():
    a = [sample_scene(np.random.default_rng(7)) for _ in range(3)]
    b = [sample_scene(np.random.default_rng(7), long_moves=0.0) for _ in range(3)]
    assert a == b and all(s.travel == MOVE_TO - MOVE_FROM and s.room is None for s in a)


def test_the_window_renders_a_visible_object_in_every_frame():
    rng = np.random.default_rng(2)
    for _ in range(20):
        _, alpha = render(sample_scene(rng, motion="down", long_moves=1.0))
        assert (alpha.reshape(len(alpha), -1).max(axis=1) > 0.5).all()


def test_a_move_without_long_moves_still_crosses_the_middle_half():
    scene = sample_scene(np.random.default_rng(1), motion="left")
    along = _along(scene)
    assert along[0] - along[-1] == pytest.approx(MOVE_TO - MOVE_FROM)


def test_a_larger_object_radius_draws_the_same_scenes_with_larger_objects():
    default = [sample_scene(np.random.default_rng(4), motion="stay") for _ in range(6)]
    larger = [sample_scene(np.random.default_rng(4), motion="stay", radius=0.3) for _ in range(6)]
    assert [replace(s, radius=0.3) for s in default] == larger
    for small, big in zip(default, larger):
        ratio = render(big)[1][0].sum() / render(small)[1][0].sum()
        assert ratio == pytest.approx((0.3 / 0.2) ** 2, rel=0.1)  # area grows with the radius squared


@pytest.mark.parametrize("aspect", list(SIZES))
def test_a_long_move_of_a_larger_object_keeps_all_of_it_in_frame(aspect):
    rng = np.random.default_rng(6)
    for motion in DIRECTIONS * 5:
        scene = sample_scene(rng, motion=motion, aspect=aspect, long_moves=1.0, radius=0.3)
        margin = edge_margin(aspect, "x" if motion in ("left", "right") else "y", 0.3)
        along = _along(scene)
        assert margin - 1e-9 <= along.min() and along.max() <= 1 - margin + 1e-9
        _, alpha = render(scene)
        edges = np.concatenate([alpha[:, 0], alpha[:, -1], alpha[:, :, 0], alpha[:, :, -1]], axis=1)
        assert edges.max() < 0.5  # no part of the object is cut off by the frame
