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


def test_a_clip_from_nothing_gets_one_keyframe_call_then_one_call_per_shot():
    from engine.pipelines.timeline import count_calls

    timeline = Timeline(num_frames=25, width=64, height=64, fps=8)  # passes of 17 new frames, then 8
    assert count_calls(timeline, 2, max_frames=17, overlap=9) == 1 + 2
    assert count_calls(timeline, 2, max_frames=17, overlap=9, keyframe_index=8) == (1 + 2) + 2


def test_a_clip_that_continues_or_starts_from_an_image_gets_no_keyframe_pass():
    from engine.pipelines.timeline import count_calls

    image = np.zeros((64, 64, 3), np.uint8)
    for timeline in (
        Timeline(num_frames=16, width=64, height=64, fps=8, context=np.zeros((9, 64, 64, 3), np.uint8)),
        Timeline(num_frames=16, width=64, height=64, fps=8, keyframes={0: image}),
        Timeline(num_frames=16, width=64, height=64, fps=8, init_video=np.zeros((16, 64, 64, 3), np.uint8)),
    ):
        assert count_calls(timeline, 1, 17, 9, keyframe_index=8) == count_calls(timeline, 1, 17, 9)


def test_a_pass_too_short_to_hold_the_keyframe_index_is_made_in_one_pass():
    from engine.pipelines.timeline import count_calls

    short = Timeline(num_frames=8, width=64, height=64, fps=8)  # one 9-frame pass: frame 12 is not in it
    assert count_calls(short, 1, 17, 9, keyframe_index=12) == 1
    assert count_calls(short, 1, 17, 9, keyframe_index=8) == 2
