"""Card texts name colour, shape and background in both languages, and ``read_card`` reads them back."""

from __future__ import annotations

import itertools

import pytest

from toyworld.captioner.model import build_tokenizer
from toyworld.captioner.text import card_text, card_words, join_words, read_card
from toyworld.world import BACKGROUNDS, COLORS, SHAPES

ALL = [(c, s, b) for c, s, b in itertools.product(COLORS, SHAPES, BACKGROUNDS) if c != b]


def test_an_english_card_reads_like_a_prompt_of_the_toy_world():
    assert card_text("red", "circle", "blue", "en") == "a red circle on a blue background"
    assert card_text("orange", "star", "gray", "en") == "an orange star on a gray background"


def test_a_chinese_card_puts_the_background_first():
    assert card_text("red", "circle", "blue", "zh") == "蓝色背景上的红色圆形"


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_card_reads_back_to_its_own_facts(lang):
    for color, shape, background in ALL:
        facts = read_card(card_text(color, shape, background, lang), lang)
        assert (facts.color, facts.shape, facts.background) == (color, shape, background)


def test_the_same_colour_word_is_read_as_object_or_background_by_its_place():
    facts = read_card("a blue square on a green background", "en")
    assert (facts.color, facts.background) == ("blue", "green")
    facts = read_card("绿色背景上的蓝色正方形", "zh")
    assert (facts.color, facts.background) == ("blue", "green")


def test_a_text_that_names_nothing_reads_as_no_facts():
    facts = read_card("a cat on a sofa", "en")
    assert facts.color is None and facts.shape is None and facts.background is None
    assert read_card("沙发上的猫", "zh").color is None


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_tokenizer_knows_every_word_a_card_uses_and_joins_chinese_back(lang):
    tokenizer = build_tokenizer()
    for color, shape, background in ALL:
        words = card_words(color, shape, background, lang)
        ids = tokenizer.convert_tokens_to_ids(words)
        assert tokenizer.unk_token_id not in ids
        assert join_words(tokenizer.decode(ids)) == card_text(color, shape, background, lang)
