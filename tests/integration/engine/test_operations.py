"""Every operation on the tiny LTX pipeline (loaded with from_pretrained), checked by decoding its MP4."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from engine.errors import JobCancelled, MediaError, UnsupportedOperation
from engine.media import load_video, probe
from engine.specs import (
    OUTPUT_SIZES,
    Animate,
    Blend,
    Card,
    Extend,
    Generate,
    Loop,
    Recut,
    Remix,
    Settings,
    Storyboard,
)


def decoded(clip, *, frames: int, fps: int, size: tuple[int, int]) -> np.ndarray:
    """Assert the file is exactly what was asked for, and return its frames as floats."""
    info = probe(clip.path)
    assert (info.codec, info.pix_fmt) == ("h264", "yuv420p")
    assert (info.width, info.height) == size == (clip.width, clip.height)
    assert info.frames == frames == clip.num_frames
    assert info.fps == fps
    assert abs(info.duration_s - frames / fps) <= 1 / fps
    video = load_video(clip.path).frames
    assert video.shape == (frames, size[1], size[0], 3)
    return video.astype(np.float32)


def diff(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.abs(a.astype(np.float32) - b.astype(np.float32)).mean())


@pytest.mark.parametrize("resolution", ["480p", "720p", "1080p"])
@pytest.mark.parametrize("aspect", ["16:9", "9:16", "1:1"])
def test_generate_delivers_the_exact_size_of_every_tier_and_aspect(engine, resolution, aspect):
    settings = Settings(resolution=resolution, aspect=aspect, duration_s=1, fps=8, seed=1)
    (clips,) = engine.run([Generate(prompt="a red fox running", settings=settings)])
    decoded(clips[0], frames=8, fps=8, size=OUTPUT_SIZES[resolution][aspect])


def test_a_clip_longer_than_one_pass_is_made_in_chunks_with_the_exact_frame_count(engine):
    settings = Settings(duration_s=5, fps=12, seed=5)
    calls = engine.pipeline_calls
    (clips,) = engine.run([Generate(prompt="a boat on the sea", settings=settings)])
    assert engine.pipeline_calls - calls == 2  # 60 frames: 49 + a continuation
    decoded(clips[0], frames=60, fps=12, size=(854, 480))


def test_variations_are_distinct_and_the_same_seed_reproduces_the_same_clip(engine):
    spec = Generate(prompt="a cat on the beach", settings=Settings(duration_s=1, fps=8, variations=2, seed=42))
    (first,) = engine.run([spec])
    (again,) = engine.run([spec])
    assert [clip.seed for clip in first] == [42, 43]
    one, two = (decoded(clip, frames=8, fps=8, size=(854, 480)) for clip in first)
    assert diff(one, two) > 5
    assert diff(one, decoded(again[0], frames=8, fps=8, size=(854, 480))) < 1.5  # float/codec noise only


def test_compatible_jobs_run_as_one_pipeline_call_and_come_back_in_order(engine):
    settings = Settings(duration_s=1, fps=8, seed=3)
    specs = [Generate(prompt="a dog", settings=settings), Generate(prompt="a whale", settings=settings)]
    assert engine.batch_key(specs[0]) == engine.batch_key(specs[1])
    calls = engine.pipeline_calls
    batched = engine.run(specs)
    assert engine.pipeline_calls - calls == 1
    (alone,) = engine.run([specs[1]])
    assert diff(load_video(batched[1][0].path).frames, load_video(alone[0].path).frames) < 2


def test_progress_counts_every_step_and_cancel_stops_at_the_next_step(engine):
    spec = Generate(prompt="a storm", settings=Settings(duration_s=5, fps=12, seed=1))
    steps: list[tuple[int, int]] = []
    engine.run([spec], on_step=lambda step, total: steps.append((step, total)))
    assert steps == [(i, engine.total_steps(spec)) for i in range(1, engine.total_steps(spec) + 1)]
    calls = engine.pipeline_calls
    with pytest.raises(JobCancelled):
        engine.run([spec], should_cancel=lambda: len(steps) > engine.total_steps(spec), on_step=lambda *a: steps.append(a))
    assert engine.pipeline_calls - calls == 1  # stopped inside the first pass


def test_the_size_limit_passed_to_run_bounds_every_file(engine):
    (clips,) = engine.run([Generate(prompt="fire", settings=Settings(duration_s=1, seed=2))], max_bytes=200_000)
    assert clips[0].size_bytes <= 200_000
    decoded(clips[0], frames=24, fps=24, size=(854, 480))


def test_animate_starts_from_the_image(engine, make_clip, tmp_path):
    frame = load_video(make_clip(seconds=0.5, size=(480, 480))).frames[0]
    Image.fromarray(frame).save(tmp_path / "still.png")
    settings = Settings(aspect="1:1", duration_s=1, fps=8, seed=1)
    spec = Animate(image=str(tmp_path / "still.png"), prompt="a bird flying", settings=settings)
    (clips,) = engine.run([spec])
    video = decoded(clips[0], frames=8, fps=8, size=(480, 480))
    assert diff(video[0], frame) < 8 < diff(video[-1], frame)


def test_remix_changes_the_clip_at_the_requested_size(engine, make_clip):
    source = make_clip(seconds=1, fps=8)
    spec = Remix(source=str(source), prompt="make it snow", strength=0.5, settings=Settings(duration_s=1, fps=8, seed=4))
    (clips,) = engine.run([spec])
    video = decoded(clips[0], frames=8, fps=8, size=(854, 480))
    assert diff(video, load_video(source, size=(854, 480)).frames) > 5


def test_recut_keeps_the_first_seconds_of_the_source(engine, make_clip):
    source = make_clip(seconds=2, size=(854, 480), fps=8)
    spec = Recut(source=str(source), keep_seconds=1, prompt="a dragon", settings=Settings(duration_s=2, fps=8, seed=6))
    (clips,) = engine.run([spec])
    video = decoded(clips[0], frames=16, fps=8, size=(854, 480))
    original = load_video(source).frames
    assert diff(video[:8], original[:8]) < 3  # codec noise only
    assert diff(video[12:], original[12:]) > 10  # the rest is new


def test_extend_starts_where_the_source_ends(engine, make_clip):
    source = make_clip(seconds=2, size=(854, 480), fps=8)
    (clips,) = engine.run([Extend(source=str(source), prompt="the sun", settings=Settings(duration_s=1, fps=8, seed=8))])
    video = decoded(clips[0], frames=24, fps=8, size=(854, 480))
    original = load_video(source).frames
    assert diff(video[:16], original) < 3
    assert diff(video[16], original[-1]) < 20 < 2 * 20 < diff(video[-1], original[-1])


def test_blend_starts_like_the_end_of_a_and_ends_like_the_start_of_b(engine, make_clip):
    clip_a = make_clip("a.mp4", seconds=2, size=(854, 480), fps=8)
    clip_b = make_clip("b.mp4", seconds=1, size=(854, 480), fps=8, hue=2.5)
    settings = Settings(duration_s=2, fps=8, seed=9)
    (clips,) = engine.run([Blend(source=str(clip_a), source_b=str(clip_b), settings=settings)])
    video = decoded(clips[0], frames=16, fps=8, size=(854, 480))
    a, b = load_video(clip_a).frames, load_video(clip_b).frames
    assert diff(video[0], a[-1]) < 20 < 2 * 20 < diff(video[0], b[0])
    assert diff(video[-1], b[0]) < 8 < diff(video[-1], a[-1])


@pytest.mark.parametrize("from_source", [False, True])
def test_a_loop_closes_its_last_frame_flows_into_the_first(engine, make_clip, from_source):
    source = str(make_clip(seconds=1, fps=8)) if from_source else None
    settings = Settings(duration_s=2, fps=8, seed=10)
    (clips,) = engine.run([Loop(source=source, prompt="" if source else "a fire at night", settings=settings)])
    video = decoded(clips[0], frames=16, fps=8, size=(854, 480))
    assert diff(video[-1], video[0]) < 15 < diff(video[8], video[0])


def test_a_storyboard_switches_prompts_at_card_times(engine, make_clip, tmp_path):
    still = tmp_path / "card.png"
    Image.fromarray(load_video(make_clip(seconds=0.5)).frames[0]).save(still)
    cards = [Card(at_s=0, prompt="a cat"), Card(at_s=1, prompt="a dog", image=str(still))]
    spec = Storyboard(cards=cards, settings=Settings(duration_s=2, fps=8, seed=11))
    calls = engine.pipeline_calls
    steps: list = []
    (clips,) = engine.run([spec], on_step=lambda *a: steps.append(a))
    assert engine.pipeline_calls - calls == 2  # one chunk per card
    assert len(steps) == engine.total_steps(spec)
    video = decoded(clips[0], frames=16, fps=8, size=(854, 480))
    card = np.asarray(Image.open(still).convert("RGB").resize((854, 480)))
    assert diff(video[8], card) < 15 < 2 * 15 < diff(video[7], card)  # the card's image starts its segment


def test_an_operation_the_family_cannot_do_is_refused_not_faked(engine):
    from engine.pipelines import LTXFamily
    from engine.runner import Engine

    class TextOnly(LTXFamily):
        name = "text-only"
        operations = frozenset({"generate"})

    limited = Engine(TextOnly(engine.family.pipe, engine.family.profile), media_dir=engine.store.root)
    with pytest.raises(UnsupportedOperation, match="cannot do 'loop'"):
        limited.run([Loop(prompt="waves", settings=Settings(duration_s=1))])


def test_a_bad_upload_is_refused_with_a_clear_error(engine, tmp_path):
    fake = tmp_path / "photo.jpg"
    fake.write_text("hello")
    with pytest.raises(MediaError) as caught:
        engine.run([Animate(image=str(fake), settings=Settings(duration_s=1))])
    assert caught.value.code == "unreadable_image"


def test_sound_asked_of_a_family_that_makes_none_is_refused_and_silence_is_the_default(engine):
    with pytest.raises(UnsupportedOperation, match="without sound"):
        engine.run([Generate(prompt="a dog barking", settings=Settings(duration_s=1, fps=8, seed=1), audio=True)])
    (clips,) = engine.run([Generate(prompt="a dog barking", settings=Settings(duration_s=1, fps=8, seed=1))])
    assert not clips[0].has_audio and probe(clips[0].path).audio_codec is None
