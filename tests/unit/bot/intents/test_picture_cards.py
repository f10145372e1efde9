"""Photos sent to a storyboard draft, and changing a card's words, read in English and Chinese."""

from __future__ import annotations

import pytest

from bot.intents.drafts import DraftCommand, draft_command, picture_card


@pytest.mark.parametrize(("caption", "expected"), [
    ("", (None, "")),
    ("at 5s", (5.0, "")),
    ("2.5 seconds", (2.5, "")),
    ("第5秒", (5.0, "")),
    ("在第三秒", (3.0, "")),
    ("at 5s: a red kite", (5.0, "a red kite")),
    ("a red kite at 4s", (4.0, "a red kite")),
    ("a red kite over the beach", (None, "a red kite over the beach")),
    ("第3秒：一只红色风筝", (3.0, "一只红色风筝")),
])
def test_a_photo_caption_gives_the_card_time_and_words(caption, expected):
    assert picture_card(caption) == expected


@pytest.mark.parametrize(("text", "number", "prompt"), [
    ("card 2: a red kite over the beach", 2, "a red kite over the beach"),
    ("change card 2 to a red kite", 2, "a red kite"),
    ("Card #1 - sunset", 1, "sunset"),
    ("卡片2：海滩上的红色风筝", 2, "海滩上的红色风筝"),
    ("把第二张卡片改成海滩上的红色风筝", 2, "海滩上的红色风筝"),
    ("第3张卡片：风筝", 3, "风筝"),
])
def test_card_n_with_words_changes_that_card_while_a_draft_is_open(text, number, prompt):
    assert draft_command(text, has_draft=True) == DraftCommand("edit", number=number, prompt=prompt)


def test_card_words_without_a_draft_or_without_a_number_are_not_an_edit():
    assert draft_command("card 2: a red kite", has_draft=False) is None
    assert draft_command("card game at the beach", has_draft=True) is None
