"""The two-button question (new video or change #12) and the chat remembering its answer."""

from __future__ import annotations

from bot import ambiguity
from bot.intents import parse
from bot.models import Chat

UNSURE = "harbour lights"


def _chat() -> Chat:
    return Chat(id=1, platform="console", external_id="c1", state={})


def test_an_unsure_choice_between_a_new_clip_and_an_edit_needs_the_question():
    command = parse(UNSURE, has_focus=True)
    assert ambiguity.needs_choice(command, focus_clip_id=12)
    assert not ambiguity.needs_choice(command, focus_clip_id=None)
    assert not ambiguity.needs_choice(parse("make it snow", has_focus=True), focus_clip_id=12)
    assert not ambiguity.needs_choice(parse("what have I made?", has_focus=True), focus_clip_id=12)


def test_the_question_names_the_clip_in_both_languages_and_its_buttons_carry_a_short_payload():
    chat = _chat()
    question, (new, edit) = ambiguity.ask(chat, 7, UNSURE, 12, "zh")
    assert "#12" in question and "新视频" in new.label and "#12" in edit.label
    assert new.payload.startswith("intent:new:") and edit.payload.startswith("intent:edit:")
    assert len(new.payload.encode()) <= 64
    question, (new, _) = ambiguity.ask(_chat(), 7, UNSURE, 12, "en")
    assert question == "Should I make a new video, or change #12?" and new.label == "New video"


def test_pressing_new_video_makes_a_new_clip_and_is_remembered():
    chat = _chat()
    _, (new, _) = ambiguity.ask(chat, 7, UNSURE, 12, "en")
    choice, message, clip = ambiguity.answer(chat, 7, new.payload.split(":", 1)[1])
    command = ambiguity.resolve(message, choice, clip)
    assert (command.action, command.prompt, command.clips) == ("generate", UNSURE, [])
    assert ambiguity.remembered(chat) == "new"


def test_pressing_change_remixes_that_clip_and_is_remembered():
    chat = _chat()
    _, (_, edit) = ambiguity.ask(chat, 7, UNSURE + ", vertical", 12, "en")
    choice, message, clip = ambiguity.answer(chat, 7, edit.payload.split(":", 1)[1])
    command = ambiguity.resolve(message, choice, clip)
    assert (command.action, command.prompt, command.clips, command.aspect) == ("remix", UNSURE, ["#12"], "9:16")
    assert not command.unsure
    assert ambiguity.remembered(chat) == "edit"


def test_a_question_is_answered_once_only_by_its_asker_and_a_newer_one_replaces_it():
    chat = _chat()
    _, (old, _) = ambiguity.ask(chat, 7, UNSURE, 12, "en")
    _, (new, _) = ambiguity.ask(chat, 7, "river mist", 12, "en")
    assert ambiguity.answer(chat, 7, old.payload.split(":", 1)[1]) is None
    assert ambiguity.answer(chat, 8, new.payload.split(":", 1)[1]) is None
    assert ambiguity.answer(chat, 7, new.payload.split(":", 1)[1])[1] == "river mist"
    assert ambiguity.answer(chat, 7, new.payload.split(":", 1)[1]) is None
