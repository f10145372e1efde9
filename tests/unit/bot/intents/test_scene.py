"""New scene or edit while a clip is in focus: an edit refers to the clip, a new scene is a full description."""

from __future__ import annotations

import pytest

from bot.commands import UNSURE_BELOW
from bot.intents import parse_strict
from bot.intents.scene import read, redo


@pytest.mark.parametrize("text", [
    "make a video of fog rolling over a harbour",
    "a fox trotting across a frozen river at dawn",
    "new clip: bees around a lavender bush",
    "something else: a tram climbing a steep street",
    "then, a lantern floating up into the night sky",
    "拍一段海鸥在码头上空盘旋的视频",
    "一群孩子在操场上踢足球",
    "换个主题：宇宙飞船降落在火星",
])
def test_a_full_description_with_a_clip_in_focus_is_a_new_clip(text):
    command = parse_strict(text, has_focus=True)
    assert command.action == "generate"
    assert command.clips == []
    assert command.confidence >= UNSURE_BELOW


@pytest.mark.parametrize(("text", "word"), [
    ("turn the lamp green", "green"), ("make him smile", "smile"), ("add falling leaves", "leaves"),
    ("less saturated", "saturated"), ("now as a pencil sketch", "pencil"), ("the same, but in the rain", "rain"),
    ("把天空换成极光", "极光"), ("让她转过身来", "转过身"), ("给小狗加一条围巾", "围巾"), ("画面再亮一点", "亮"),
])
def test_an_instruction_about_the_clip_is_a_remix_of_it(text, word):
    command = parse_strict(text, has_focus=True)
    assert command.action == "remix"
    assert command.clips == ["current"]
    assert word in command.prompt
    assert command.confidence >= UNSURE_BELOW


@pytest.mark.parametrize(("text", "prompt"), [
    ("could you do that again but in 1080p", None), ("try it again, but darker", "darker"),
    ("one more time with more rain", "more rain"), ("再来一次", None), ("重做一遍，暗一点", "暗一点"),
])
def test_a_redo_remixes_the_clip_and_keeps_only_the_change(text, prompt):
    command = parse_strict(text, has_focus=True)
    assert (command.action, command.prompt) == ("remix", prompt)


def test_a_redo_followed_by_a_new_description_is_a_new_clip():
    command = parse_strict("another one: a heron fishing in a pond", has_focus=True)
    assert (command.action, command.prompt) == ("generate", "a heron fishing in a pond")


def test_a_short_phrase_with_no_cue_is_decided_with_low_confidence():
    reading = read("harbour lights")
    assert reading.confidence < UNSURE_BELOW
    assert parse_strict("harbour lights", has_focus=True).unsure


def test_without_a_clip_in_focus_an_edit_like_sentence_is_generated_as_written():
    command = parse_strict("make the lamp green")
    assert command.action == "generate"


def test_redo_cuts_only_the_redo_words():
    assert redo("do it again, slower").replace("\x00", "") == ", slower"
    assert redo("a heron fishing") is None


def test_a_description_sent_as_a_reply_to_a_clip_becomes_that_clips_new_prompt():
    command = parse_strict("a blue square bouncing", has_focus=True, replied=True)
    assert (command.action, command.clips, command.prompt) == ("remix", ["current"], "a blue square bouncing")


def test_a_reply_that_asks_for_a_new_video_in_so_many_words_is_a_new_clip():
    command = parse_strict("make a new video of a kite over dunes", has_focus=True, replied=True)
    assert (command.action, command.prompt) == ("generate", "a kite over dunes")
