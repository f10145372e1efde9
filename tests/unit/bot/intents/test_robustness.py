"""parse never raises, whatever arrives: arbitrary Unicode, huge prompts, emoji, markup, control characters."""

from __future__ import annotations

import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.commands import ACTIONS, Command
from bot.intents import parse, parse_strict

FLAGS = st.fixed_dictionaries({"has_focus": st.booleans(), "has_image": st.booleans(), "has_video": st.booleans()})
#: Fragments the readers look for, so that generated text often hits their patterns, not just random noise.
WORDS = st.sampled_from([
    "vertical", "9:16", "竖屏", "横屏", "square", "正方形", "720p", "HD", "高清", "全高清", "10s", "十五秒",
    "4 versions", "两个版本", "#12", "#", "clip 3", "第3个", "it", "这个", "keep the first 2 seconds", "保留前2秒",
    "continue", "接着拍", "loop", "做成循环", "blend", "连起来", "remix", "balance", "余额", "/video", "/recut",
    "@bot", "0s:", "第0秒：", "5s -", "0:05", "\n", " / ", ";", "，", "and", "in", "with", "的", "？", "😀",
    "<b>", "**", "\x00", "\u200b", "\ud7ff", "9999999999999", "１０秒", "⁹", "٣", "二十", "一百零五",
])
MIXED = st.lists(st.one_of(WORDS, st.text(max_size=12)), max_size=25).map(" ".join)


def _valid(command: Command) -> None:
    assert isinstance(command, Command)
    assert command.action in ACTIONS
    Command.model_validate(command.to_json_dict())
    assert command.prompt is None or command.prompt.strip()
    assert command.duration is None or 1 <= command.duration <= 20
    assert all(c == "current" or (c.startswith("#") and c[1:].isascii() and c[1:].isdigit()) for c in command.clips)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=st.text(), flags=FLAGS)
def test_any_unicode_text_gives_a_valid_command(text, flags):
    _valid(parse_strict(text, **flags))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=MIXED, flags=FLAGS)
def test_text_made_of_the_words_the_readers_look_for_gives_a_valid_command(text, flags):
    _valid(parse_strict(text, **flags))


HOSTILE = {
    "10,000-char prompt": "a corgi surfing at sunset with dramatic clouds " * 213,
    "10,000 Chinese chars": "一只柯基在日落时冲浪，" * 1000,
    "10,000 commas": "，" * 10_000,
    "10,000 的": "的" * 10_000,
    "10,000 bangs": "!" * 10_000,
    "10,000 digits": "9" * 10_000,
    "5,000 refs": "#1 " * 3_400,
    "cards": "0s: a\n5s: b\n" * 800,
    "settings soup": "vertical 720p 10s 4 versions " * 350,
    "markup": "<script>alert(1)</script>**bold** [link](http://x) `code` " * 180,
    "control chars": "".join(chr(i) for i in range(32)) * 300,
    "emoji": "😀🎬🦊❄️👨‍👩‍👧" * 1500,
    "surrogates and odd planes": "\ud800\udfff\U0010ffff\ufffe" * 2500,
}


@pytest.mark.parametrize("text", list(HOSTILE.values()), ids=list(HOSTILE))
@pytest.mark.parametrize("focus", [False, True])
def test_hostile_inputs_are_parsed_quickly(text, focus):
    started = time.thread_time()  # CPU time: other work on a shared machine does not count against us
    command = parse_strict(text, has_focus=focus)
    elapsed = time.thread_time() - started
    _valid(command)
    assert elapsed < 0.1, f"{elapsed * 1000:.0f} ms of CPU"


def test_a_10000_character_prompt_is_kept_whole():
    scene = ("a corgi surfing a giant wave at sunset while seagulls circle above " * 150)[:10_000].strip()
    command = parse(scene)
    assert command.action == "generate"
    assert command.prompt == scene


def test_non_strings_and_none_do_not_crash():
    assert parse(None).action == "help"
    assert parse(12345).action == "generate"
    assert parse("", has_image=True).action == "animate"
