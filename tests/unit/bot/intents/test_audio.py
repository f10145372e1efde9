"""The sound slot (#17): said anywhere, both languages, taken out of the prompt."""

from __future__ import annotations

import pytest

from bot.intents import parse_strict


@pytest.mark.parametrize(("text", "audio", "prompt"), [
    ("a dog barking, no sound", False, "a dog barking"),
    ("a dog barking without audio", False, "a dog barking"),
    ("silent, a dog barking", False, "a dog barking"),
    ("a dog barking with sound", True, "a dog barking"),
    ("一只狗在叫，静音", False, "一只狗在叫"),
    ("一只狗在叫，不要声音", False, "一只狗在叫"),
    ("一只狗在叫，有声音", True, "一只狗在叫"),
    ("a silent forest at dawn", None, "a silent forest at dawn"),
    ("a dog barking", None, "a dog barking"),
])
def test_sound_is_read_anywhere_and_removed_from_the_prompt(text, audio, prompt):
    command = parse_strict(text)
    assert (command.audio, command.prompt) == (audio, prompt)


def test_an_edit_can_ask_for_sound():
    command = parse_strict("do it again with sound", has_focus=True)
    assert (command.action, command.audio, command.prompt) == ("remix", True, None)
