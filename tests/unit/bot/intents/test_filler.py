"""Politeness never reaches a prompt or an edit instruction."""

from __future__ import annotations

import pytest

from bot.intents import parse_strict
from bot.intents.filler import strip


@pytest.mark.parametrize(("text", "focus", "prompt"), [
    ("could you please make a cat sleeping on a radiator", False, "a cat sleeping on a radiator"),
    ("hey, can you show me a kettle boiling", False, "a kettle boiling"),
    ("can you make the kettle red please", True, "make the kettle red"),
    ("please zoom out, thanks", True, "zoom out"),
    ("麻烦帮我生成一段猫咪睡觉的视频", False, "猫咪睡觉"),
    ("请把水壶变成红色，谢谢", True, "把水壶变成红色"),
])
def test_filler_is_left_out_of_prompts_and_instructions(text, focus, prompt):
    assert parse_strict(text, has_focus=focus).prompt == prompt


def test_filler_keeps_the_marks_of_removed_settings_at_the_edges():
    stripped = strip("\x00\x00 please, a cat in \x00\x00\x00")
    assert stripped.startswith("\x00\x00") and stripped.endswith("a cat in \x00\x00\x00")
    assert "please" not in stripped


def test_a_huge_message_of_filler_stays_fast():
    assert strip("please " * 20_000).strip("\x00 ") == ""
