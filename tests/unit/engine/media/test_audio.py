"""Seams in sound: kept samples stay exact, joins and loops have no jump, lengths follow the frames."""

from __future__ import annotations

import numpy as np

from engine.media.audio import SEAM_S, Sound, continue_from, cross_over, join_into, loop_seam

RATE = 16000


def tone(hz: float, seconds: float, phase: float = 0.0, channels: int = 2) -> Sound:
    t = np.arange(round(seconds * RATE)) / RATE
    return Sound(np.stack([np.sin(2 * np.pi * hz * t + phase)] * channels).astype(np.float32), RATE)


def largest_step(samples: np.ndarray) -> float:
    return float(np.abs(np.diff(samples, axis=1)).max())


def test_a_sound_fitted_to_a_duration_is_trimmed_or_holds_its_last_sample():
    sound = tone(100, 1.0)
    assert sound.fitted(0.5).samples.shape == (2, 8000)
    longer = sound.fitted(1.25).samples
    assert longer.shape == (2, 20000) and (longer[:, 16000:] == sound.samples[:, -1:]).all()


def test_continuing_kept_samples_leaves_every_one_of_them_unchanged_and_the_join_smooth():
    source = tone(220, 2.0)
    kept, after = source.span(0, 1.0), source.span(1.0, 1.0 + SEAM_S)
    new = tone(330, 1.0, phase=2.0)
    joined = continue_from(kept, after, new).samples
    np.testing.assert_array_equal(joined[:, :16000], kept.samples)
    butt_joint = abs(float(new.samples[0, 0] - kept.samples[0, -1]))  # ~0.9: a click
    assert largest_step(joined) < 0.2 < butt_joint


def test_a_join_crossfades_into_the_sound_made_over_the_frames_it_continued():
    before, lead, after = tone(220, 1.0), tone(330, 0.5, phase=1.0), tone(330, 0.5, phase=1.0 + 2 * np.pi * 165)
    joined = join_into(before, lead, after).samples
    assert joined.shape == (2, 24000)
    np.testing.assert_array_equal(joined[:, : 16000 - 800], before.samples[:, : 16000 - 800])
    assert abs(joined[0, 15999] - joined[0, 16000]) < 0.2  # without the crossfade: a jump from A to B


def test_a_cross_over_starts_as_the_first_sound_and_ends_as_the_second():
    first, second = tone(440, 1.0), tone(250, 1.0)
    crossed = cross_over(first, second).samples
    assert np.abs(crossed[:, :100] - first.samples[:, :100]).mean() < 0.02
    assert np.abs(crossed[:, -100:] - second.samples[:, -100:]).mean() < 0.02


def test_a_loop_seam_makes_the_end_flow_into_the_start():
    sound = tone(440.25, 1.1)  # cut at 1 s mid-wave: the raw loop would jump by ~1
    closed = loop_seam(sound, 1.0).samples
    assert abs(sound.samples[0, 15999] - sound.samples[0, 0]) > 0.9
    assert closed.shape == (2, 16000)
    assert abs(closed[0, -1] - closed[0, 0]) <= largest_step(closed) + 1e-6


def test_mono_sound_joins_a_stereo_one_as_two_channels():
    joined = continue_from(tone(200, 0.5), None, tone(200, 0.5, channels=1))
    assert joined.samples.shape == (2, 16000)
