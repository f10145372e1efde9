"""The embedded model completes a newcomer's prompt: "a green square moving down" shows a green square."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from engine.media import load_video
from engine.specs import Generate, Settings
from toyworld.measure import classify

TOY = Path(__file__).resolve().parents[3] / "engine" / "models" / "toy"


@pytest.fixture(scope="module")
def toy(tmp_path_factory):
    from engine.runner import Engine

    return Engine.load(str(TOY), device="cpu", media_dir=tmp_path_factory.mktemp("completion-media"))


def _measured(path: str):
    frames = load_video(path).frames
    return classify(np.stack([np.asarray(Image.fromarray(f).resize((96, 64))) for f in frames]))


@pytest.mark.slow
def test_a_prompt_without_background_shows_a_visible_object_of_its_colour(toy):
    settings = Settings(aspect="16:9", duration_s=1, fps=8, seed=1)
    ((clip,),) = toy.run([Generate(prompt="a green square moving down", settings=settings)])
    measured = _measured(clip.path)
    assert measured.color == "green" and measured.background == "black"
    assert (measured.areas > 0).all()  # the object is read back in every frame
    assert clip.prompt == "a green square moving down on a black background"  # what an edit of it starts from



@pytest.mark.slow
def test_a_storyboard_of_text_cards_gets_one_contrasting_background(toy):
    from engine.specs import Card, Storyboard

    settings = Settings(aspect="16:9", duration_s=2, fps=8, seed=2)
    cards = [Card(at_s=0, prompt="a green square"), Card(at_s=1, prompt="a green square moving down")]
    ((clip,),) = toy.run([Storyboard(cards=cards, settings=settings)])
    measured = _measured(clip.path)
    assert measured.color == "green" and measured.background == "black"
    assert clip.prompt is None  # a storyboard has no one prompt to edit from
