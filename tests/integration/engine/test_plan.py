"""One render plan: the progress total every operation announces is the number of denoising steps it runs."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from engine.specs import Animate, Blend, Card, Extend, Generate, Loop, Recut, Remix, Settings, Storyboard


@pytest.fixture(scope="module")
def engine(tiny_model_dir, tmp_path_factory):
    """The tiny pipeline at 3 steps (so a strength-0.8 remix would show any rounding), counting real forwards."""
    from engine.options import EngineOptions
    from engine.runner import Engine

    engine = Engine.load(str(tiny_model_dir), device="cpu", media_dir=tmp_path_factory.mktemp("media"),
                         options=EngineOptions(num_inference_steps=3))
    engine.forwards = 0

    def count(module, args, output) -> None:
        engine.forwards += 1

    engine.family.pipe.transformer.register_forward_hook(count)  # guidance 1: one forward per denoising step
    return engine


@pytest.fixture(scope="module")
def media(tmp_path_factory):
    from tests.integration.engine.conftest import smooth_clip

    folder = tmp_path_factory.mktemp("sources")
    image = folder / "still.png"
    Image.fromarray(np.full((64, 96, 3), 120, np.uint8)).save(image)
    return {
        "a": str(smooth_clip(folder / "a.mp4", seconds=1)),
        "b": str(smooth_clip(folder / "b.mp4", seconds=1, hue=0.5)),
        "image": str(image),
    }


def specs(media) -> dict:
    short = Settings(duration_s=1, fps=8, seed=3)
    two = Settings(duration_s=1, fps=8, seed=3, variations=2)
    return {
        "generate": Generate(prompt="a red fox", settings=two),
        "generate in chunks": Generate(prompt="a red fox", settings=Settings(duration_s=5, fps=12, seed=3)),
        "animate": Animate(image=media["image"], prompt="a cat", settings=short),
        "remix at 0.8": Remix(source=media["a"], prompt="a blue sea", strength=0.8, settings=short),
        "remix at 0.3": Remix(source=media["a"], prompt="a blue sea", strength=0.3, settings=two),
        "recut": Recut(source=media["a"], keep_seconds=0.5, prompt="a dog", settings=short),
        "extend": Extend(source=media["a"], settings=short),
        "blend": Blend(source=media["a"], source_b=media["b"], settings=two),
        "loop from a prompt": Loop(prompt="a bird flying", settings=two),
        "loop of a clip": Loop(source=media["a"], settings=short),
        "storyboard": Storyboard(cards=[Card(at_s=0, prompt="a cat"), Card(at_s=0.5, image=media["image"])],
                                 settings=short),
    }


@pytest.mark.parametrize("name", list(specs({"a": "a.mp4", "b": "b.mp4", "image": "x.png"})))
def test_the_progress_total_of_every_operation_equals_the_steps_it_runs(engine, media, name):
    spec = specs(media)[name]
    announced = engine.total_steps(spec)
    reported: list[tuple[int, int]] = []
    forwards = engine.forwards
    engine.run([spec], on_step=lambda step, total: reported.append((step, total)))
    assert engine.forwards - forwards == announced
    assert reported == [(step, announced) for step in range(1, announced + 1)]


def test_a_strength_0_8_remix_runs_and_announces_every_step_of_every_pass(engine, media):
    spec = specs(media)["remix at 0.8"]
    plan = engine.plan([spec])
    assert [p.steps for t in plan.timelines for p in t.passes] == [3]
    assert engine.total_steps(spec) == plan.steps == 3
