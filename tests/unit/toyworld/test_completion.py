"""The completion table comes from the toy world's vocabulary and is the one committed with the model."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from toyworld.completion import completion_table, contrasting_background, write_table
from toyworld.measure import OBJECT_DISTANCE
from toyworld.world import BACKGROUNDS, COLORS, CONFUSABLE_PAIRS

TOY = Path(__file__).resolve().parents[3] / "engine" / "models" / "toy"


def test_every_colour_gets_a_background_far_from_it_and_never_a_confusable_one():
    for color in COLORS:
        background = contrasting_background(color)
        assert background != color and (color, background) not in CONFUSABLE_PAIRS
        distance = sum((a - b) ** 2 for a, b in zip(COLORS[color], BACKGROUNDS[background])) ** 0.5
        assert distance > 3 * OBJECT_DISTANCE, (color, background)


def test_green_goes_on_black_as_the_rgb_distances_say():
    assert contrasting_background("green") == "black"


def test_the_committed_table_is_the_generated_one():
    assert json.loads((TOY / "reelbot.json").read_text())["prompt_completion"] == completion_table()


def test_writing_the_table_keeps_the_profiles_other_fields(tmp_path):
    shutil.copy(TOY / "reelbot.json", tmp_path / "reelbot.json")
    before = json.loads((tmp_path / "reelbot.json").read_text())
    write_table(tmp_path)
    after = json.loads((tmp_path / "reelbot.json").read_text())
    assert {k: v for k, v in after.items() if k != "prompt_completion"} == {
        k: v for k, v in before.items() if k != "prompt_completion"}
