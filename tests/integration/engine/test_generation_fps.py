"""A model whose profile names a lower generation fps makes fewer frames and interpolates up to the output fps."""

from __future__ import annotations

import json
import shutil

import numpy as np

from engine.media import interpolate, probe
from engine.runner import Engine
from engine.specs import Generate, Settings


def test_in_between_frames_are_blended_and_frames_on_the_source_grid_are_copied():
    frames = np.stack([np.full((4, 4, 3), value, np.uint8) for value in (0, 90, 180)])
    out = interpolate(frames, 8, 24, 9)
    assert [int(frame[0, 0, 0]) for frame in out] == [0, 30, 60, 90, 120, 150, 180, 180, 180]


def _copy_with(tiny_model_dir, target, **profile_changes):
    shutil.copytree(tiny_model_dir, target)
    profile = json.loads((target / "reelbot.json").read_text())
    profile.update({"max_frames_per_pass": 17, "overlap_frames": 9, "fps": 24, **profile_changes})
    (target / "reelbot.json").write_text(json.dumps(profile))
    return target


def test_a_low_generation_fps_takes_fewer_steps_and_still_delivers_the_exact_frames(tiny_model_dir, tmp_path):
    plain = Engine.load(str(_copy_with(tiny_model_dir, tmp_path / "plain")), device="cpu", media_dir=tmp_path / "a")
    cheap = Engine.load(
        str(_copy_with(tiny_model_dir, tmp_path / "cheap", generation_fps=8)), device="cpu", media_dir=tmp_path / "b"
    )
    spec = Generate(prompt="a red circle", settings=Settings(duration_s=3, fps=24, seed=1))

    # 72 frames at 24 fps take 8 passes of 17 (9 overlapping); 24 frames at 8 fps take 2.
    assert cheap.total_steps(spec) * 4 == plain.total_steps(spec)
    (clip,) = cheap.run([spec])[0]
    info = probe(clip.path)
    assert (info.frames, info.fps, clip.num_frames) == (72, 24, 72)
    assert cheap.pipeline_calls == 2


def test_a_long_clip_from_nothing_is_made_in_one_stretched_pass_and_still_delivers_every_frame(tiny_model_dir, tmp_path):
    from engine.specs import Card, Extend, Loop, Storyboard

    model = _copy_with(tiny_model_dir, tmp_path / "stretch", generation_fps=8, stretch_frames=41)
    engine = Engine.load(str(model), device="cpu", media_dir=tmp_path / "media")
    long = Settings(duration_s=10, fps=24, seed=1)
    made_at = {type(spec).__name__: engine._generated(spec).settings.fps for spec in (
        Generate(prompt="a red circle", settings=long),
        Loop(prompt="a red circle", settings=long),
        Storyboard(cards=[Card(at_s=0, prompt="a red circle")], settings=long),
        Extend(source="clip.mp4", prompt="more", settings=long),
    )}
    # 4 fps fits 10 s in one pass of 41 frames; a continuation keeps the model's own rate.
    assert made_at == {"Generate": 4, "Loop": 4, "Storyboard": 4, "Extend": 8}

    spec = Generate(prompt="a red circle", settings=long)
    engine.family.scales_time = False  # a family that cannot stretch keeps the model's own rate, in chunks
    assert engine._generated(spec).settings.fps == 8
    engine.family.scales_time = True
    (clip,) = engine.run([spec])[0]
    assert (probe(clip.path).frames, clip.num_frames) == (240, 240)
    assert engine.pipeline_calls == 1 and engine.total_steps(spec) == engine.family.profile.num_inference_steps
