"""Training frames are seeded, varied in kind and colour, and labelled with what they show."""

from __future__ import annotations

import numpy as np

from toyworld.captioner.frames import KIND_WEIGHTS, held_out_frame, sample_frame
from toyworld.captioner.model import IMAGE_SIZE, pixels
from toyworld.render import render_frame
from toyworld.scene import sample_scene
from toyworld.world import BACKGROUNDS, COLORS, SHAPES


def test_the_same_seed_draws_the_same_frame():
    a = sample_frame(np.random.default_rng(7))
    b = sample_frame(np.random.default_rng(7))
    assert (a.color, a.shape, a.background) == (b.color, b.shape, b.background)
    assert np.array_equal(a.image, b.image)


def test_every_kind_gives_an_rgb_frame_with_known_facts_and_a_different_object_colour():
    rng = np.random.default_rng(0)
    for kind in KIND_WEIGHTS:
        for _ in range(20):
            frame = sample_frame(rng, kind)
            assert frame.image.dtype == np.uint8 and frame.image.ndim == 3 and frame.image.shape[2] == 3
            assert frame.color in COLORS and frame.shape in SHAPES and frame.background in BACKGROUNDS
            assert frame.color != frame.background


def test_a_drawn_frame_has_its_background_in_the_corners_and_its_object_inside():
    rng = np.random.default_rng(1)
    frame = sample_frame(rng, "drawn")
    corners = frame.image[[0, 0, -1, -1], [0, -1, 0, -1]].astype(int)
    assert np.all(corners == corners[0])
    assert np.any(np.abs(frame.image.astype(int) - corners[0]).sum(axis=2) > 60)


def test_a_held_out_frame_is_a_plain_toy_world_frame_of_its_seed():
    frame = held_out_frame(123)
    rng = np.random.default_rng(123)
    scene = sample_scene(rng)
    index = int(rng.integers(scene.num_frames))
    assert np.array_equal(frame.image, render_frame(scene, index))
    assert (frame.color, frame.shape, frame.background) == (scene.color, scene.shape, scene.background)


def test_pixels_match_the_saved_image_processor():
    from toyworld.captioner.model import build_image_processor

    images = [sample_frame(np.random.default_rng(i)).image for i in range(3)]
    ours = pixels(images)
    theirs = build_image_processor()(images=images, return_tensors="np").pixel_values
    assert ours.shape == (3, 3, IMAGE_SIZE, IMAGE_SIZE)
    assert np.abs(ours - theirs).max() < 0.02
