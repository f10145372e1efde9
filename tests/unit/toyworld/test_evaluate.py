"""Held-out prompts are balanced, and the evaluation scores a saved model per language with edit checks."""

from __future__ import annotations

import json
from collections import Counter

import pytest

from toyworld.evaluate import (
    REPORT_FILE,
    colour_slices,
    evaluate,
    held_out_prompts,
    language_pairs,
    paired_prompts,
    summarise,
)
from toyworld.world import CONFUSABLE_PAIRS, MOTIONS


def test_held_out_prompts_are_half_english_half_chinese_and_cycle_through_the_motions():
    prompts = held_out_prompts(36)
    assert Counter(p.language for p in prompts) == {"en": 18, "zh": 18}
    assert Counter(p.scene.motion for p in prompts) == {m: 4 for m in MOTIONS}
    assert held_out_prompts(36) == prompts and len({p.seed for p in prompts}) == 36


def test_paired_prompts_caption_each_scene_in_both_languages_with_one_seed():
    prompts = paired_prompts(36)
    assert Counter(p.language for p in prompts) == {"en": 18, "zh": 18}
    assert Counter(p.scene.motion for p in prompts) == {m: 4 for m in MOTIONS}
    for en, zh in zip(prompts[::2], prompts[1::2]):
        assert (en.language, zh.language) == ("en", "zh") and en.scene == zh.scene and en.seed == zh.seed
        assert en.text != zh.text
    assert paired_prompts(36) == prompts and len({p.seed for p in prompts}) == 18
    assert len({p.scene for p in prompts}) == 18 and len(paired_prompts(5)) == 5


def test_language_pairs_count_the_scenes_only_one_language_got_right():
    def record(language, seed, motion, measured):
        facts = ("color", "shape", "background", "motion")
        t = dict.fromkeys(facts, "x") | {"motion": motion}
        m = dict.fromkeys(facts, "x") | {"motion": measured}
        return {"language": language, "seed": seed, "truth": t, "measured": m,
                "match": {k: t[k] == m[k] for k in facts}}

    rows = [record("en", 1, "left", "left"), record("zh", 1, "left", "right"),
            record("en", 2, "up", "up"), record("zh", 2, "up", "up"),
            record("en", 3, "spin", "stay"), record("zh", 3, "spin", "spin"),
            record("en", 4, "left", "left")]  # no Chinese twin: not a pair
    pairs = language_pairs(rows)
    assert pairs["pairs"] == 3 and pairs["direction_pairs"] == 2
    assert pairs["direction"] == {"only_en": 1, "only_zh": 0}
    assert pairs["motion"] == {"only_en": 1, "only_zh": 1} and pairs["color"] == {"only_en": 0, "only_zh": 0}


def test_colour_slices_split_the_confusable_pairs_from_the_rest():
    def record(color, background, measured_color):
        truth = {"color": color, "background": background}
        return {"truth": truth, "match": {"color": measured_color == color, "background": True}}

    rows = [record("blue", "green", "green"), record("pink", "white", "pink"), record("red", "blue", "red"),
            record("white", "black", "white")]
    slices = colour_slices(rows)
    assert slices["confusable"] == {"prompts": 2, "color": 0.5, "background": 1.0}
    assert slices["other"] == {"prompts": 2, "color": 1.0, "background": 1.0}


def test_confusable_prompts_come_in_language_pairs_and_only_from_confusable_pairs():
    prompts = paired_prompts(20, seed=5, confusable=1.0)
    assert all((p.scene.color, p.scene.background) in CONFUSABLE_PAIRS for p in prompts)
    assert [p.language for p in prompts[:2]] == ["en", "zh"] and prompts[0].scene == prompts[1].scene


def test_the_summary_scores_direction_only_on_the_four_moves():
    def record(language, truth, measured):
        facts = ("color", "shape", "background", "motion")
        t = dict.fromkeys(facts, "x") | {"motion": truth}
        m = dict.fromkeys(facts, "x") | {"motion": measured}
        return {"language": language, "truth": t, "measured": m, "match": {k: t[k] == m[k] for k in facts}}

    rows = [record("en", "left", "left"), record("en", "up", "down"), record("en", "spin", "spin"),
            record("zh", "grow", "stay")]
    summary = summarise(rows)
    assert summary["en"]["direction"] == 0.5 and summary["en"]["direction_prompts"] == 2
    assert abs(summary["en"]["motion"] - 2 / 3) < 1e-9 and summary["en"]["color"] == 1.0
    assert summary["zh"]["direction_prompts"] == 0 and summary["zh"]["motion"] == 0.0


@pytest.mark.slow
def test_the_evaluation_of_a_saved_model_writes_json_a_report_and_the_model_card(tmp_path):
    from tests.unit.toyworld.test_train import _options
    from toyworld.train import Trainer

    trainer = Trainer(_options(tmp_path, vae_steps=1, transformer_steps=1, pool=4))
    trainer.run()
    model = trainer.export(tmp_path / "model")
    metrics = evaluate(model, prompts=2, edit_sources=1, steps=2, batch=2, animate=2, confusable=2, loops=2,
                       recuts=2, extends=1, shapes=2)
    assert metrics["colour_slices"]["confusable set"]["confusable"]["prompts"] == 2
    assert set(metrics["by_language"]) == {"en", "zh"}
    assert {"remix_turns_green", "remix_keeps_background", "recut_keeps_prefix", "loop_closes"} <= set(metrics["edits"])
    assert metrics["animate"]["prompts"] == 2 and 0.0 <= metrics["animate"]["direction"] <= 1.0
    assert metrics["loops"]["en"]["clips"] == 1 and metrics["recuts"]["zh"]["clips"] == 1
    assert metrics["extends"]["clips"] == 1 and metrics["extends"]["largest_back_px"] >= 0.0
    assert "## Loops of periodic motions" in (model / REPORT_FILE).read_text()
    assert "5 s moves extended by 5 s" in (model / REPORT_FILE).read_text()
    assert metrics["shapes"]["en"]["prompts"] == 1 and sum(metrics["shapes"]["zh"]["read_as"]["circle"].values()) == 1
    assert "## Circle, square and triangle" in (model / REPORT_FILE).read_text()
    assert json.loads((model / "eval.json").read_text())["prompts"] == 2
    assert "| en |" in (model / REPORT_FILE).read_text()
    assert "| en | 1 |" in (model / "README.md").read_text()


def test_newcomer_prompts_name_colour_shape_and_motion_but_no_background():
    from toyworld.evaluate import newcomer_prompts
    from toyworld.world import MOTIONS

    prompts = newcomer_prompts(18)
    assert [p.language for p in prompts[:2]] == ["en", "zh"] and prompts[0].seed == prompts[1].seed
    for p in prompts:
        assert "background" not in p.text and "背景" not in p.text
        words = (p.scene.color, p.scene.shape) if p.language == "en" else ()
        assert all(w in p.text for w in words)
    assert {p.scene.motion for p in prompts} == set(MOTIONS)


def test_a_steady_move_has_no_jump_and_a_restarting_one_does():
    import numpy as np

    from toyworld.measure import largest_jump

    steady = np.stack([np.linspace(10, 50, 21), np.full(21, 30.0)], axis=1)
    assert largest_jump(steady) == pytest.approx(1.0)
    restart = np.concatenate([steady[:11], steady[:10]])  # the second pass starts the move again
    assert largest_jump(restart) > 2.0
    gone = steady.copy()
    gone[5] = np.nan
    assert largest_jump(gone) == float("inf")


def _bounce_clip(frames: int):
    from dataclasses import replace

    import numpy as np

    from toyworld.render import render
    from toyworld.scene import sample_scene

    scene = replace(sample_scene(np.random.default_rng(4), motion="bounce", aspect="1:1"), num_frames=frames)
    return render(scene)[0]


def test_a_bounce_that_ends_where_it_began_closes_as_a_loop_and_a_cut_one_does_not():
    from toyworld.measure import seam_jump

    whole = _bounce_clip(17)  # two hops: frame 16 is frame 0 again
    assert seam_jump(whole[:-1]) <= 2.0  # the loop operation drops the duplicate end frame
    assert seam_jump(whole[:13]) > 2.0  # stopped mid-air, it wraps back to the floor in one frame


def test_a_recut_that_continues_from_the_kept_frame_has_no_jump_and_one_that_restarts_has():
    import numpy as np

    from toyworld import render, sample_scene
    from toyworld.measure import seam_jump

    move = render(sample_scene(np.random.default_rng(8), motion="right", aspect="1:1", long_moves=1.0))[0]
    kept, still = move[:9], np.repeat(move[8:9], 8, axis=0)
    assert seam_jump(np.concatenate([kept, still]), 9) <= 2.0
    restarted = np.repeat(move[:1], 8, axis=0)  # the object jumps back to where the move began
    assert seam_jump(np.concatenate([kept, restarted]), 9) > 2.0


def test_the_core_shapes_are_read_as_one_of_three():
    import numpy as np

    from toyworld.measure import classify
    from toyworld.render import render
    from toyworld.scene import sample_scene
    from toyworld.world import CORE_SHAPES

    rng = np.random.default_rng(3)
    for _ in range(12):
        scene = sample_scene(rng, motion="stay")
        read = classify(render(scene)[0], CORE_SHAPES).shape
        assert read in CORE_SHAPES
        if scene.shape in CORE_SHAPES:
            assert read == scene.shape


def test_the_summary_scores_the_core_shapes_on_their_own():
    facts = ("color", "shape", "background", "motion")

    def record(shape, core_right):
        t = dict.fromkeys(facts, "x") | {"shape": shape}
        match = dict.fromkeys(facts, False)
        if core_right is not None:
            match["core_shape"] = core_right
        return {"language": "en", "truth": t, "measured": t, "match": match}

    summary = summarise([record("circle", True), record("square", False), record("star", None)])
    assert summary["en"]["core_shape"] == 0.5 and summary["en"]["core_shape_prompts"] == 2


def test_shape_prompts_pair_the_languages_and_take_circle_square_and_triangle_in_turn():
    from toyworld.evaluate import shape_prompts
    from toyworld.world import CORE_SHAPES, SHAPES_ZH

    prompts = shape_prompts(12)
    assert [p.scene.shape for p in prompts[::2]] == list(CORE_SHAPES) * 2
    assert all(p.scene == q.scene and p.seed == q.seed for p, q in zip(prompts[::2], prompts[1::2], strict=True))
    assert all(p.scene.shape in p.text or SHAPES_ZH[p.scene.shape] in p.text for p in prompts)
    assert "spin" not in {p.scene.motion for p in prompts} and len({p.scene.motion for p in prompts}) > 3


def test_the_shape_summary_says_what_each_shape_was_read_as():
    from toyworld.evaluate import shape_summary

    def record(shape, read_as):
        return {"language": "zh", "truth": {"shape": shape}, "read_as": read_as,
                "match": {"core_shape": shape == read_as}}

    summary = shape_summary([record("square", "circle"), record("square", "square"), record("circle", "circle")])
    assert set(summary) == {"zh"} and summary["zh"]["core_shape"] == pytest.approx(2 / 3)
    assert summary["zh"]["read_as"] == {"square": {"circle": 1, "square": 1}, "circle": {"circle": 1}}


def test_a_move_that_eases_to_rest_at_the_edge_is_judged_by_its_moving_speed():
    import numpy as np

    from toyworld.measure import largest_jump

    x = np.concatenate([np.linspace(10, 40, 31), np.full(50, 40.0)])  # 1 px a frame, then a long rest
    along = np.stack([x, np.full(len(x), 30.0)], axis=1)
    assert largest_jump(along) == pytest.approx(1.0)
    back = along.copy()
    back[60:] = [25.0, 30.0]  # jumps back 15 px from its rest
    assert largest_jump(back) > 10
    assert largest_jump(np.full((20, 2), 30.0)) == 0.0


def test_a_slow_move_is_judged_by_at_least_a_pixel_a_frame_and_a_path_that_turns_back_is_not_monotone():
    import numpy as np

    from toyworld.measure import backtrack, largest_jump

    x = 10 + np.cumsum(np.tile([0.3, 0.7], 20))  # half a pixel a frame, decoded in pairs
    slow = np.stack([x, np.full(len(x), 30.0)], axis=1)
    assert largest_jump(slow) == pytest.approx(0.7) and backtrack(slow) == 0.0
    overshoot = slow.copy()
    overshoot[30:, 0] -= 6.0  # goes back 6 px
    assert backtrack(overshoot) == pytest.approx(6.0 - 0.3, abs=0.5)
    assert largest_jump(overshoot) > 2.0
    down = slow[:, ::-1].copy()
    down[:, 1] = 100 - down[:, 1]  # a move up the frame is monotone too
    assert backtrack(down) == 0.0


def test_frames_given_to_a_model_are_drawn_at_the_object_size_it_was_trained_on(tmp_path):
    from toyworld.evaluate import trained_radius
    from toyworld.world import BASE_RADIUS

    assert trained_radius(tmp_path) == BASE_RADIUS  # a model without training.json, or from before the option
    (tmp_path / "training.json").write_text(json.dumps({"options": {"object_radius": 0.3}}))
    assert trained_radius(tmp_path) == 0.3
    prompts = held_out_prompts(4, radius=0.3)
    assert {p.scene.radius for p in prompts} == {0.3}
    assert [p.text for p in prompts] == [p.text for p in held_out_prompts(4)]
