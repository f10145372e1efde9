"""A remix instruction becomes a description of the clip it asks for, in the source's language."""

from __future__ import annotations

import pytest

from bot.intents.rewrite import RECOLOUR_STRENGTH, remix_edit, remix_prompt

SOURCE_EN = "a red circle moving right on a blue background"
SOURCE_ZH = "白色背景上一个向上移动的橙色星形"


@pytest.mark.parametrize(
    ("source", "instruction", "expected"),
    [
        (SOURCE_EN, "make it green", "a green circle moving right on a blue background"),
        (SOURCE_EN, "Make it GREEN!", "a green circle moving right on a blue background"),
        (SOURCE_EN, "make the background black", "a red circle moving right on a black background"),
        (SOURCE_EN, "change red to orange", "an orange circle moving right on a blue background"),
        (SOURCE_EN, "把它变成绿色", "a green circle moving right on a blue background"),
        (SOURCE_ZH, "把它变成绿色", "白色背景上一个向上移动的绿色星形"),
        (SOURCE_ZH, "变成蓝的", "白色背景上一个向上移动的蓝色星形"),
        (SOURCE_ZH, "背景换成黑色", "黑色背景上一个向上移动的橙色星形"),
        (SOURCE_ZH, "make it purple", "白色背景上一个向上移动的紫色星形"),
        ("An orange cat asleep", "make it red", "A red cat asleep"),
        ("a dog in front of a house", "make the house medieval", "a dog in front of a medieval house"),
        ("a red car on a road", "turn the car into a truck", "a red truck on a road"),
        ("a car on a road", "replace the car with an elephant", "an elephant on a road"),
        ("a golden retriever on a windowsill", "make it green", "a golden retriever on a windowsill, green"),
        ("a dog running.", "make it slower", "a dog running, slower"),
        ("a red kite over a field", "at night", "a red kite over a field, at night"),
        (SOURCE_ZH, "让它跳起来", "白色背景上一个向上移动的橙色星形，让它跳起来"),
    ],
)
def test_an_instruction_changes_the_sources_description(source, instruction, expected):
    assert remix_prompt(source, instruction) == expected


def test_a_description_sent_as_a_reply_is_the_new_prompt_as_it_is():
    assert remix_prompt(SOURCE_EN, "a blue square bouncing") == "a blue square bouncing"


def test_without_a_source_prompt_the_instruction_is_all_there_is():
    assert remix_prompt("", "make it green") == "make it green"
    assert remix_prompt(None, "  make   it green ") == "make it green"


def test_a_thing_the_source_does_not_name_is_added_rather_than_invented():
    assert remix_prompt("a dog running", "make the house medieval") == "a dog running, make the house medieval"
    assert remix_prompt("a dog running", "make the background blue") == "a dog running, make the background blue"


def test_a_new_colour_asks_for_more_change_than_other_edits():
    assert remix_edit(SOURCE_EN, "make it green").strength == RECOLOUR_STRENGTH
    assert remix_edit(SOURCE_ZH, "背景换成黑色").strength == RECOLOUR_STRENGTH
    assert remix_edit("a dog in front of a house", "make the house medieval").strength is None
    assert remix_edit("a golden retriever", "make it green").strength is None  # nothing to recolour: appended
