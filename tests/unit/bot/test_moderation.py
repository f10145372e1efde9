"""The block list refuses words and patterns in English and Chinese, whatever their case or width."""

from __future__ import annotations

import pytest

from bot.errors import UserError
from bot.metrics import PROMPTS_REFUSED
from bot.moderation import BlockList, ModerationOptions, Moderator

BLOCKS = BlockList(["gore", "血腥", "nazi salute"], [r"k[i1]ll\s+(him|her)", r"斩首"])


@pytest.mark.parametrize("text, found", [
    ("GORE everywhere", "gore"),
    ("ｇｏｒｅ in full-width letters", "gore"),
    ("a gore-fest", "gore"),
    ("很血腥的场面", "血腥"),
    ("a Nazi Salute at dawn", "nazi salute"),
    ("k1ll   him slowly", r"k[i1]ll\s+(him|her)"),
    ("古代斩首场景", "斩首"),
])
def test_a_blocked_word_or_pattern_is_found_in_either_language(text, found):
    assert BLOCKS.match(text) == found


@pytest.mark.parametrize("text", ["a gory sunset", "killing time in a cafe", "红色的气球", "a salute to the sun"])
def test_innocent_text_and_words_that_merely_contain_a_blocked_word_pass(text):
    assert BLOCKS.match(text) is None


async def test_the_moderator_refuses_with_a_user_error_and_counts_the_rule():
    moderator = Moderator(ModerationOptions(block_words=["gore"]))
    before = PROMPTS_REFUSED.labels("block_list")._value.get()

    with pytest.raises(UserError) as refused:
        await moderator.check("lots of gore", platform="console", user_key="console:alice")

    assert refused.value.code == "moderation_refused"
    assert PROMPTS_REFUSED.labels("block_list")._value.get() == before + 1
    await moderator.check("a red ball", platform="console", user_key="console:alice")  # allowed: no error


def test_a_pattern_that_is_not_a_regular_expression_is_a_configuration_error():
    with pytest.raises(ValueError, match="not a regular expression"):
        ModerationOptions(block_patterns=["(unclosed"])
