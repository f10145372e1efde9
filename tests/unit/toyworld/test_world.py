"""The toy world renders deterministically, captions agree with scenes, and measurements recover the truth."""

from __future__ import annotations

import re

import numpy as np
import pytest

from toyworld import Scene, caption, classify, render, sample_scene, training_caption
from toyworld.world import (
    BACKGROUNDS,
    BACKGROUNDS_ZH,
    COLORS,
    COLORS_ZH,
    CONFUSABLE_PAIRS,
    MOTIONS,
    MOTIONS_EN,
    MOTIONS_ZH,
    SHAPES,
    SHAPES_ZH,
    SIZES,
)


def _scenes(seed: int, n: int) -> list[Scene]:
    rng = np.random.default_rng(seed)
    return [sample_scene(rng) for _ in range(n)]


def test_the_same_seed_renders_the_same_clip_and_another_seed_differs():
    first, second, other = _scenes(7, 5), _scenes(7, 5), _scenes(8, 5)
    assert first == second
    assert first != other
    for a, b in zip(first, second):
        assert np.array_equal(render(a)[0], render(b)[0])


def test_a_clip_has_the_native_size_of_its_aspect_and_seventeen_frames():
    for aspect, (width, height) in SIZES.items():
        frames, alpha = render(Scene("star", "red", "blue", "spin", aspect))
        assert frames.shape == (17, height, width, 3) and frames.dtype == np.uint8
        assert alpha.shape == (17, height, width)


def test_the_object_never_shares_its_colour_name_with_the_background():
    assert all(scene.color != scene.background for scene in _scenes(3, 400))


def test_confusable_pairs_are_the_swappable_colour_words_and_pink_on_white():
    swappable = {(c, b) for c in ("white", "blue", "green") for b in ("white", "blue", "green") if c != b}
    assert set(CONFUSABLE_PAIRS) == swappable | {("pink", "white")}


def test_the_sampler_draws_confusable_pairs_at_the_asked_share_on_top_of_their_natural_one():
    def share(confusable: float) -> float:
        rng = np.random.default_rng(11)
        scenes = [sample_scene(rng, confusable=confusable) for _ in range(4000)]
        return sum((s.color, s.background) in CONFUSABLE_PAIRS for s in scenes) / len(scenes)

    natural = len(CONFUSABLE_PAIRS) / sum(c != b for c in COLORS for b in BACKGROUNDS)
    assert share(0.0) == pytest.approx(natural, abs=0.03)
    assert share(1.0) == 1.0
    assert share(0.25) == pytest.approx(0.25 + 0.75 * natural, abs=0.03)


def test_no_confusable_share_leaves_a_seeded_stream_as_it_was():
    plain, zero = np.random.default_rng(5), np.random.default_rng(5)
    assert [sample_scene(plain) for _ in range(50)] == [sample_scene(zero, confusable=0.0) for _ in range(50)]


def test_the_sampler_reaches_every_shape_colour_background_and_motion():
    scenes = _scenes(4, 600)
    assert {s.shape for s in scenes} == set(SHAPES)
    assert {s.color for s in scenes} == set(COLORS)
    assert {s.background for s in scenes} == set(BACKGROUNDS)
    assert {s.motion for s in scenes} == set(MOTIONS)


def test_an_english_caption_names_the_shape_colour_background_and_motion():
    rng = np.random.default_rng(0)
    for scene in _scenes(5, 100):
        text = caption(scene, "en", rng)
        words = set(re.findall(r"[a-z]+", text))
        assert {scene.shape, scene.color, scene.background, "background"} <= words
        phrases = MOTIONS_EN[scene.motion][0] + MOTIONS_EN[scene.motion][1]
        assert any(phrase in text for phrase in phrases), text


def test_a_chinese_caption_names_the_shape_colour_background_and_motion():
    rng = np.random.default_rng(0)
    for scene in _scenes(6, 100):
        text = caption(scene, "zh", rng)
        assert SHAPES_ZH[scene.shape] in text and COLORS_ZH[scene.color] in text
        assert BACKGROUNDS_ZH[scene.background] + "背景" in text
        assert any(phrase in text for phrase in MOTIONS_ZH[scene.motion]), text


def test_the_example_captions_of_the_issue_are_among_the_templates():
    scene = Scene("circle", "red", "blue", "bounce")
    english = {caption(scene, "en", np.random.default_rng(s)) for s in range(200)}
    chinese = {caption(scene, "zh", np.random.default_rng(s)) for s in range(200)}
    assert "a red circle bouncing on a blue background" in english
    assert "蓝色背景上一个弹跳的红色圆形" in chinese
    assert len(english) >= 6 and len(chinese) >= 5


def test_training_captions_are_sometimes_empty_for_guidance_and_otherwise_never():
    rng = np.random.default_rng(0)
    scene = Scene("square", "green", "black", "left")
    empty = sum(training_caption(scene, "en", rng, drop=0.1) == "" for _ in range(1000))
    assert 60 < empty < 140
    assert all(training_caption(scene, "zh", rng, drop=0.0) for _ in range(200))


def test_measurements_recover_every_fact_of_clean_renders():
    scenes = _scenes(11, 150)
    wrong = [(s, classify(render(s)[0]).facts()) for s in scenes]
    wrong = [(s, m) for s, m in wrong if m != {k: getattr(s, k) for k in m}]
    assert len(wrong) <= 1, wrong[:5]  # >= 99%


@pytest.mark.parametrize("motion", MOTIONS)
def test_each_motion_is_measured_as_itself_in_every_aspect(motion):
    rng = np.random.default_rng(hash(motion) % 1000)
    for aspect in SIZES:
        for _ in range(3):
            scene = sample_scene(rng, aspect=aspect, motion=motion)
            assert classify(render(scene)[0]).motion == motion, scene


def test_a_blank_clip_is_measured_as_no_object_on_its_background():
    frames = np.zeros((17, 64, 64, 3), np.uint8) + np.array(BACKGROUNDS["gray"], np.uint8)
    measured = classify(frames)
    assert measured.background == "gray" and measured.shape is None and measured.color is None
    assert measured.motion == "stay"


def test_one_frame_drawn_alone_is_that_frame_of_the_whole_clip():
    from toyworld.render import render_frame

    scene = sample_scene(np.random.default_rng(4), aspect="16:9", motion="left")
    frames, _ = render(scene)
    for index in (0, 7, 16):
        assert np.array_equal(render_frame(scene, index), frames[index])
