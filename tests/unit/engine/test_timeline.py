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
