"""The readers' documented decisions: number words, clamping, the later mention winning, moments vs durations."""

from __future__ import annotations

import pytest

from bot.intents import parse
from bot.intents.clip_settings import extract
from bot.intents.numbers import to_number, zh_to_int


@pytest.mark.parametrize(("word", "value"), [
    ("两", 2), ("俩", 2), ("十", 10), ("十五", 15), ("二十", 20), ("一百零五", 105), ("two", 2), ("twenty", 20),
    ("a couple of", 2), ("１０", 10), ("4", 4),
])
def test_number_words_read_in_both_languages(word, value):
    assert to_number(word) == value


def test_a_run_of_chinese_digits_is_not_a_number():
    assert zh_to_int("二三") is None
    assert to_number("banana") is None


@pytest.mark.parametrize(("text", "duration"), [
    ("a cat, 30 seconds", 20), ("a cat, 1 minute", 20), ("a cat, 2.4 seconds", 2), ("一只猫，半分钟", 20),
    ("a cat, 0 seconds", None), ("a 90s style sitcom", None), ("the 1980s", None), ("a ball drops at 5s", None),
])
def test_durations_are_clamped_to_1_to_20_seconds_and_moments_are_not_durations(text, duration):
    assert extract(text)[0].duration == duration


@pytest.mark.parametrize(("text", "variations"), [
    ("3 versions", 2), ("6 variations", 4), ("one version", 1), ("0 takes", None), ("五个版本", 4),
])
def test_variation_counts_round_down_to_1_2_or_4(text, variations):
    assert extract(text)[0].variations == variations


def test_when_a_setting_is_said_twice_the_later_one_wins():
    assert extract("vertical... no, square format")[0].aspect == "1:1"
    assert extract("1080p, actually 480p")[0].resolution == "480p"


def test_settings_inside_a_prompt_are_taken_out_and_chinese_joins_without_spaces():
    command = parse("一只猫，竖屏，在屋顶上，高清，睡觉")
    assert (command.prompt, command.aspect, command.resolution) == ("一只猫，在屋顶上，睡觉", "9:16", "720p")


def test_clip_references_are_normalised_to_ascii_hash_numbers():
    assert parse("blend ＃１２ and clip 3", has_focus=True).clips == ["#12", "#3"]
    assert parse("把第三个视频和第5个连起来").clips == ["#3", "#5"]
