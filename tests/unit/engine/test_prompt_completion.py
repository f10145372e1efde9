"""A prompt naming no background gets the model's contrasting one; a background the user names is honoured."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine.pipelines.completion import PromptCompletion, complete_cards, complete_prompt
from engine.pipelines.profile import load_profile

TOY = Path(__file__).resolve().parents[3] / "engine" / "models" / "toy"


@pytest.fixture(scope="module")
def table() -> PromptCompletion:
    completion = load_profile(TOY).prompt_completion
    assert completion is not None
    return completion


def test_an_english_prompt_without_background_gets_a_contrasting_one(table):
    assert table.complete("a green square moving down") == "a green square moving down on a black background"


def test_a_chinese_prompt_gets_the_background_in_chinese(table):
    assert table.complete("一个绿色正方形向下移动") == "一个绿色正方形向下移动，黑色背景"
    assert table.complete("绿正方形往下走。") == "绿正方形往下走，黑色背景"


@pytest.mark.parametrize("prompt", [
    "a red circle on a blue background", "a blue star on black", "a white heart spinning against a gray backdrop",
    "绿色正方形，蓝色背景", "蓝色星形在黑底上",
])
def test_a_background_the_user_names_is_honoured(table, prompt):
    assert table.complete(prompt) == prompt


def test_the_first_colour_named_is_the_objects(table):
    assert table.complete("a red circle turning white") == "a red circle turning white on a white background"


def test_a_prompt_without_a_colour_is_left_alone(table):
    assert table.complete("a circle moving left") == "a circle moving left"


def test_colour_words_match_whole_words_only(table):
    assert table.complete("a tired circle") == "a tired circle"


def test_a_model_without_a_table_gets_its_prompt_unchanged():
    assert complete_prompt("a green square", None) == "a green square"
    assert load_profile(None).prompt_completion is None


def test_a_storyboards_cards_get_one_background_chosen_by_the_first_colour_named(table):
    assert table.complete_together(["a circle appears", "it turns red", "一个蓝色正方形"]) == [
        "a circle appears on a white background", "it turns red on a white background", "一个蓝色正方形，白色背景"]
    named = ["a green square moving down", "a red circle on a blue background"]
    assert table.complete_together(named) == named  # one card names the background: every card keeps its words
    assert table.complete_together(["a circle", "a square"]) == ["a circle", "a square"]


def test_cards_with_a_picture_are_left_as_they_are(table):
    from engine.specs import Card

    cards = [Card(at_s=0, prompt="a green square"), Card(at_s=2, prompt="it moves down")]
    assert [card.prompt for card in complete_cards(cards, table)] == [
        "a green square on a black background", "it moves down on a black background"]
    pictured = [Card(at_s=0, image="/photos/1.jpg"), Card(at_s=2, prompt="a green square")]
    assert complete_cards(pictured, table) == pictured
    assert complete_cards(cards, None) == cards
