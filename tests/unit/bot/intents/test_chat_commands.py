"""Whole-message chat commands read before parsing (bot.intents.chat_commands) and storyboard-draft talk
(bot.intents.drafts): the only code that reads the user's text besides the parser."""

from __future__ import annotations

import pytest

from bot.intents.chat_commands import (
    admin_command,
    clip_number,
    history_page,
    opened_clip,
    page_number,
    reply_to_clip,
    start,
)
from bot.intents.drafts import draft_command


def test_start_gives_the_rest_of_the_line_and_nothing_for_other_messages():
    assert start("/start") == ""
    assert start("/start@ReelBot a cat on a roof") == "a cat on a roof"
    assert start("start a video") is None


def test_an_admin_verb_is_read_with_its_arguments_and_bot_suffix():
    command = admin_command("/grant@ReelBot telegram:42 100 a gift")
    assert (command.verb, command.parts) == ("grant", ["telegram:42", "100", "a gift"])
    assert admin_command("/DISABLE").verb == "disable"
    assert admin_command("grant me a video") is None


@pytest.mark.parametrize("text, clip", [("#12", 12), ("12", 12), ("/open 7", 7), ("/reply 3", 3), ("#12 blue", None)])
def test_a_clip_number_alone_opens_that_clip(text, clip):
    assert opened_clip(text) == clip


def test_reply_names_the_clip_and_the_message_to_it():
    assert reply_to_clip("/reply 12 make it blue") == (12, "make it blue")
    assert reply_to_clip("/reply #4 loop it") == (4, "loop it")
    assert reply_to_clip("reply 4 loop it") is None


@pytest.mark.parametrize("text, page", [("/history 2", 2), ("history page 3", 3), ("历史第2页", 2), ("history", None)])
def test_history_pages_in_english_and_chinese(text, page):
    assert history_page(text) == page


def test_a_commands_clip_reference_is_a_clip_number():
    assert clip_number("#12") == 12 and clip_number(" 7 ") == 7 and clip_number("current") is None


def test_a_history_command_without_a_page_number_is_the_first_page():
    assert page_number(None) == 1 and page_number("page 4") == 4 and page_number("1234567") == 1


@pytest.mark.parametrize("text, at, prompt", [
    ("add a card at 3s: a tree grows tall", 3.0, "a tree grows tall"),
    ("在4秒处添加卡片：一棵大树长高", 4.0, "一棵大树长高"),
])
def test_adding_one_card_to_the_draft_in_english_and_chinese(text, at, prompt):
    command = draft_command(text, has_draft=False)
    assert (command.kind, command.at, command.prompt) == ("add", at, prompt)


def test_a_whole_storyboard_in_one_message_is_not_draft_talk():
    assert draft_command("storyboard: 0s: a seed", has_draft=True) is None
    assert draft_command("0s: a seed / 5s: a tree", has_draft=True) is None


def test_render_counts_only_while_a_draft_exists_but_show_and_clear_always_do():
    assert draft_command("render", has_draft=False) is None
    assert draft_command("render it", has_draft=True).kind == "render"
    assert draft_command("显示分镜", has_draft=False).kind == "show"
    assert draft_command("clear the storyboard", has_draft=False).kind == "clear"
