"""Chunk planning: every pass is 8k+1 frames, no longer than the model allows, cut at card times."""

from __future__ import annotations

import numpy as np

from engine.pipelines.timeline import Timeline, pass_frames, plan_chunks, usable_overlap


def test_pass_lengths_round_up_to_8k_plus_1():
    assert [pass_frames(n) for n in (1, 2, 9, 10, 24, 121)] == [1, 9, 9, 17, 25, 121]


def test_overlap_is_the_largest_8k_plus_1_that_is_available():
    assert [usable_overlap(available, 17) for available in (1, 8, 9, 16, 40)] == [1, 1, 9, 9, 17]


def test_a_long_clip_is_cut_into_passes_that_each_fit_with_their_overlap():
    timeline = Timeline(num_frames=120, width=96, height=64, fps=24)
    chunks = plan_chunks(timeline, max_frames=49, overlap=9)
    assert chunks[0] == (0, 49)
    assert [end - start for start, end in chunks[1:]] == [40, 31]
    assert all(pass_frames((9 if start else 0) + end - start) <= 49 for start, end in chunks)


def test_a_storyboard_card_starts_a_new_chunk_at_its_time():
    timeline = Timeline(num_frames=48, width=96, height=64, fps=24, cuts=(0, 30))
    assert plan_chunks(timeline, max_frames=49, overlap=9) == [(0, 30), (30, 48)]


def test_a_continued_clip_leaves_room_for_its_context():
    context = np.zeros((9, 64, 96, 3), np.uint8)
    timeline = Timeline(num_frames=48, width=96, height=64, fps=24, context=context)
    assert plan_chunks(timeline, max_frames=49, overlap=9) == [(0, 40), (40, 48)]


def _family(**profile):
    """The real LTX family with no pipeline loaded: planning reads only its profile."""
    from engine.pipelines.ltx import LTXFamily
    from engine.pipelines.profile import NativeProfile

    return LTXFamily(None, NativeProfile(max_frames_per_pass=17, overlap_frames=9, num_inference_steps=3, **profile))


def _calls(layout, shots, **profile) -> int:
    from engine.pipelines.timeline import plan_passes

    return len(plan_passes(layout, shots, _family(**profile)))


def test_a_clip_from_nothing_gets_one_keyframe_call_then_one_call_per_shot():
    from engine.pipelines.timeline import Layout

    layout = Layout(num_frames=25)  # passes of 17 new frames, then 8
    assert _calls(layout, 2) == 1 + 2
    assert _calls(layout, 2, keyframe_index=8) == (1 + 2) + 2


def test_a_clip_that_continues_or_starts_from_an_image_gets_no_keyframe_pass():
    from engine.pipelines.timeline import Layout

    for layout in (Layout(16, context_frames=9), Layout(16, keyframes=(0,)), Layout(16, video_to_video=True)):
        assert _calls(layout, 1, keyframe_index=8) == _calls(layout, 1)


def test_a_pass_too_short_to_hold_the_keyframe_index_is_made_in_one_pass():
    from engine.pipelines.timeline import Layout

    short = Layout(num_frames=8)  # one 9-frame pass: frame 12 is not in it
    assert _calls(short, 1, keyframe_index=12) == 1
    assert _calls(short, 1, keyframe_index=8) == 2


def test_a_timeline_with_media_has_the_layout_a_spec_plans():
    from engine.pipelines.timeline import Layout

    image = np.zeros((64, 96, 3), np.uint8)
    timeline = Timeline(48, 96, 64, 24, context=np.zeros((9, 64, 96, 3), np.uint8), last_frame=image, cuts=(0, 30))
    assert timeline.layout == Layout(48, context_frames=9, last_frame=True, cuts=(0, 30))


def test_every_pass_of_a_plan_carries_the_familys_steps_and_shots_share_only_the_first_chunk():
    from engine.pipelines.timeline import Layout, plan_passes

    passes = plan_passes(Layout(num_frames=25), 2, _family())
    assert [(p.shots, p.steps) for p in passes] == [((0, 1), 3), ((0,), 3), ((1,), 3)]
    # An image pinned at the last frame of a continued pass: diffusers needs each shot alone.
    passes = plan_passes(Layout(num_frames=8, context_frames=9, last_frame=True), 2, _family())
    assert [p.shots for p in passes] == [(0,), (1,)]


def test_passes_that_continue_given_frames_run_the_profiles_continuation_steps():
    from engine.pipelines.timeline import Layout, plan_passes

    passes = plan_passes(Layout(num_frames=40), 1, _family(keyframe_index=8, continuation_steps=2))
    assert [(p.keyframe_draft, p.steps) for p in passes] == [(True, 3), (False, 3), (False, 2), (False, 2), (False, 2)]
    recut = plan_passes(Layout(num_frames=8, context_frames=9), 1, _family(continuation_steps=2))
    assert [p.steps for p in recut] == [2]
    # A remix keeps every step: its frames are redrawn from the source's, not continued.
    remix = plan_passes(Layout(num_frames=25, video_to_video=True), 1, _family(continuation_steps=2))
    assert {p.steps for p in remix} == {3}


def test_a_clip_from_nothing_that_fits_is_one_stretched_pass_around_its_keyframe():
    from engine.pipelines.timeline import Layout, plan_passes

    family = _family(keyframe_index=8, stretch_frames=41)
    draft, main = plan_passes(Layout(num_frames=40), 1, family)
    assert (draft.keyframe_draft, draft.num_frames, draft.time_scale) == (True, 9, 1.0)
    assert (main.start, main.end, main.num_frames, main.time_scale) == (0, 40, 41, 2.5)
    # An image at frame 0 (animate) and a loop's two ends stretch too, without a draft.
    (animated,) = plan_passes(Layout(num_frames=40, keyframes=(0,)), 1, family)
    (looped,) = plan_passes(Layout(num_frames=41, keyframes=(0,), last_frame=True), 1, family)
    assert animated.time_scale == looped.time_scale == 2.5
    # A storyboard of one card is one clip from nothing.
    assert [p.time_scale for p in plan_passes(Layout(num_frames=40, cuts=(0,)), 1, family)] == [1.0, 2.5]
    # A remix redraws a stretched clip in one stretched pass, at every step of a remix.
    (remix,) = plan_passes(Layout(num_frames=40, video_to_video=True, denoise_strength=0.6), 1, family)
    assert (remix.num_frames, remix.time_scale, remix.steps) == (41, 2.5, 3)
    # A short clip is the model's own length: one pass at its own rate.
    assert [p.time_scale for p in plan_passes(Layout(num_frames=17), 1, family)] == [1.0, 1.0]


def test_continuations_sources_cards_and_too_long_clips_are_made_in_chunks():
    from engine.pipelines.timeline import Layout, plan_passes

    family = _family(keyframe_index=8, stretch_frames=41)
    for layout in (
        Layout(num_frames=40, context_frames=9),
        Layout(num_frames=40, cuts=(0, 20)),
        Layout(num_frames=49),
    ):
        passes = plan_passes(layout, 1, family)
        assert len(passes) > 1 and all(p.time_scale == 1.0 for p in passes), layout


def test_a_family_that_cannot_scale_time_is_never_stretched():
    from engine.pipelines.timeline import Layout, plan_passes

    family = _family(stretch_frames=41)
    family.scales_time = False
    assert len(plan_passes(Layout(num_frames=40), 1, family)) == 4  # 17 frames, then 8, 8 and 7 more


def test_a_long_clip_from_nothing_is_made_at_the_rate_that_fits_one_stretched_pass():
    import pytest
    from pydantic import ValidationError

    from engine.pipelines.profile import NativeProfile

    profile = NativeProfile(generation_fps=8, max_frames_per_pass=17, overlap_frames=9, stretch_frames=41)
    assert [profile.generation_rate(24, seconds, one_pass=True) for seconds in (2, 5, 10, 15, 20)] == [8, 8, 4, 2, 2]
    assert profile.generation_rate(24, 10) == 8  # a continuation keeps the model's own rate
    assert NativeProfile(generation_fps=8).generation_rate(24, 20, one_pass=True) == 8
    with pytest.raises(ValidationError, match="stretch_frames"):
        NativeProfile(stretch_frames=40)


def test_a_distilled_checkpoint_runs_its_own_noise_levels_in_every_pass_continuations_included():
    from engine.pipelines.ltx2 import LTX2Family
    from engine.pipelines.profile import NativeProfile
    from engine.pipelines.timeline import Layout, plan_passes

    profile = NativeProfile(max_frames_per_pass=17, overlap_frames=9, num_inference_steps=30, continuation_steps=4,
                            sigmas=[1.0, 0.9, 0.7, 0.4, 0.2, 0.1, 0.05, 0.01], refine_sigmas=[0.9, 0.7, 0.4])
    passes = plan_passes(Layout(num_frames=40), 1, LTX2Family(None, profile))
    assert len(passes) == 4 and {p.steps for p in passes} == {8 + 3}
    undistilled = LTX2Family(None, profile.model_copy(update={"sigmas": None, "refine_sigmas": None}))
    assert [p.steps for p in plan_passes(Layout(num_frames=40), 1, undistilled)] == [30, 4, 4, 4]
