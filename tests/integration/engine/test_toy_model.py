"""The committed embedded model (``engine/models/toy``) loads with ``from_pretrained`` and runs every operation."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from engine.media import load_video, probe
from engine.specs import Animate, Blend, Card, Extend, Generate, Loop, Recut, Remix, Settings, Storyboard
from toyworld.measure import classify

TOY = Path(__file__).resolve().parents[3] / "engine" / "models" / "toy"


@pytest.fixture(scope="module")
def toy(tmp_path_factory):
    from engine.runner import Engine

    return Engine.load(str(TOY), device="cpu", media_dir=tmp_path_factory.mktemp("toy-media"))


@pytest.fixture(scope="module")
def source(toy):
    settings = Settings(aspect="1:1", duration_s=1, fps=8, seed=3)
    (clips,) = toy.run([Generate(prompt="a red circle on a blue background", settings=settings)])
    return clips[0]


def test_the_plain_diffusers_pipeline_loads_the_directory():
    from diffusers import LTXConditionPipeline

    pipe = LTXConditionPipeline.from_pretrained(TOY)
    assert pipe.transformer.config.num_attention_heads * pipe.transformer.config.attention_head_dim == 128


def test_a_generated_clip_shows_the_prompted_colour_and_background(source):
    info = probe(source.path)
    assert (info.width, info.height, info.frames, info.fps) == (480, 480, 8, 8)
    small = np.stack([np.asarray(Image.fromarray(f).resize((64, 64))) for f in load_video(source.path).frames])
    measured = classify(small)
    assert (measured.color, measured.background) == ("red", "blue")


def test_every_other_operation_runs_on_it(toy, source, tmp_path):
    Image.fromarray(load_video(source.path).frames[0]).save(tmp_path / "still.png")
    s = Settings(aspect="1:1", duration_s=1, fps=8, seed=5)
    specs = [
        Animate(image=str(tmp_path / "still.png"), prompt="the circle moves left", settings=s),
        Remix(source=source.path, prompt="make it green", strength=0.6, settings=s),
        Recut(source=source.path, keep_seconds=0.5, prompt="a red circle spinning", settings=s),
        Extend(source=source.path, prompt="a red circle moving up", settings=s),
        Blend(source=source.path, source_b=source.path, settings=s),
        Loop(source=None, prompt="a yellow star spinning on a black background", settings=s),
        Storyboard(cards=[Card(at_s=0, prompt="a red circle"), Card(at_s=0.5, prompt="a green square")], settings=s),
    ]
    for spec in specs:
        (clips,) = toy.run([spec])
        info = probe(clips[0].path)
        assert (info.width, info.height, info.fps) == (480, 480, 8), type(spec).__name__
        assert info.frames == clips[0].num_frames >= 8, type(spec).__name__


def _measured(clip) -> object:
    return classify(np.stack([np.asarray(Image.fromarray(f).resize((64, 64))) for f in load_video(clip.path).frames]))


def test_remix_strength_is_how_much_of_the_source_gives_way(toy, source):
    s = Settings(aspect="1:1", duration_s=1, fps=8, seed=5)
    green = "a green circle on a blue background"
    ((subtle,),), ((strong,),) = (
        toy.run([Remix(source=source.path, prompt=green, strength=x, settings=s)]) for x in (0.3, 0.95)
    )
    change = np.abs(load_video(subtle.path).frames.astype(float) - load_video(source.path).frames).mean() / 255
    assert change < 0.05 and _measured(subtle).color == "red"  # at 0.3 the source's colour survives the prompt
    assert (_measured(strong).color, _measured(strong).background) == ("green", "blue")


def test_make_it_green_as_the_bot_words_it_turns_the_clip_green(toy, source):
    from bot.intents.rewrite import remix_edit

    edit = remix_edit("a red circle on a blue background", "make it green")
    colours = []
    for seed in (5, 6, 7):
        s = Settings(aspect="1:1", duration_s=1, fps=8, seed=seed)
        (clips,) = toy.run([Remix(source=source.path, prompt=edit.prompt, strength=edit.strength, settings=s)])
        colours.append(_measured(clips[0]).color)
    assert colours.count("green") >= 2, colours


def test_a_ten_second_move_is_one_move_slowed_to_fill_the_clip_not_a_move_restarted(toy):
    from toyworld.measure import backtrack

    settings = Settings(aspect="16:9", duration_s=10, fps=24, seed=2000009)
    spec = Generate(prompt="a red circle moving right on a blue background", settings=settings)
    assert toy.plan([toy._generated(spec)]).calls == 2  # the keyframe draft, then the whole clip in one pass
    ((clip,),) = toy.run([spec])
    assert (clip.num_frames, clip.fps) == (240, 24)
    frames = load_video(clip.path).frames[::6]  # 4 fps: the rate it was made at, before interpolation
    measured = classify(np.stack([np.asarray(Image.fromarray(f).resize((96, 64))) for f in frames]))
    assert measured.motion == "right"
    travel = measured.centroids[-1, 0] - measured.centroids[0, 0]
    assert travel > 10 and backtrack(measured.centroids) <= 1.0, measured.centroids[:, 0]
