"""The renderer's worker processes draw exactly what the trainer's own process draws."""

from __future__ import annotations

import numpy as np
import pytest

from toyworld import render, sample_scene
from toyworld.renderer import MIN_PARALLEL, Renderer


@pytest.fixture(scope="module")
def scenes():
    rng = np.random.default_rng(5)
    return [sample_scene(rng, aspect="16:9", radius=0.3) for _ in range(MIN_PARALLEL + 8)]


@pytest.fixture(scope="module")
def workers():
    renderer = Renderer(2)
    yield renderer
    renderer.close()


def test_clips_rendered_in_workers_are_those_rendered_in_process(scenes, workers):
    for (frames, alpha), scene in zip(workers.clips(scenes), scenes, strict=True):
        expected_frames, expected_alpha = render(scene)
        np.testing.assert_array_equal(frames, expected_frames)
        np.testing.assert_array_equal(alpha, expected_alpha)


def test_single_frames_rendered_in_workers_are_those_of_the_whole_clip(scenes, workers):
    indices = [i % 17 for i in range(len(scenes))]
    frames = workers.frames(scenes, indices)
    assert frames.shape == (len(scenes), 64, 96, 3)
    for frame, scene, index in zip(frames, scenes, indices, strict=True):
        np.testing.assert_array_equal(frame, render(scene)[0][index])


def test_stills_carry_the_frame_and_the_objects_coverage_in_it(scenes, workers):
    indices = [(3 * i) % 17 for i in range(len(scenes))]
    frames, alphas = workers.stills(scenes, indices)
    assert alphas.shape == (len(scenes), 64, 96)
    for frame, alpha, scene, index in zip(frames, alphas, scenes, indices, strict=True):
        clip, coverage = render(scene)
        np.testing.assert_array_equal(frame, clip[index])
        np.testing.assert_array_equal(alpha, coverage[index])


def test_a_renderer_without_workers_starts_no_processes_and_closes_twice(scenes):
    renderer = Renderer(0)
    assert renderer.frames(scenes[:3], [0, 8, 16]).shape == (3, 64, 96, 3)
    renderer.close()
    renderer.close()
