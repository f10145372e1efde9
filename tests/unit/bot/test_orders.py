"""From an understood Command to a validated job spec (bot.orders): defaults, sources, one word for duration."""

from __future__ import annotations

import pytest

from bot.commands import CardSpec, Command
from bot.errors import UserError
from bot.models import Clip
from bot.orders import build_order, cheaper, said_settings


def clip(**fields) -> Clip:
    base = {"id": 9, "user_id": 1, "op": "generate", "prompt": "a red car on a road", "path": "/clips/9.mp4",
            "settings": {"aspect": "9:16", "resolution": "720p"}, "duration_s": 4.2}
    return Clip(**{**base, **fields})


def test_the_commands_duration_becomes_the_specs_duration_s_and_unsaid_settings_are_left_out():
    assert said_settings(Command(action="generate", duration=10, aspect="1:1")) == {"duration_s": 10, "aspect": "1:1"}
    assert said_settings(Command(action="generate")) == {}


def test_a_new_clip_takes_the_users_defaults_then_what_the_message_said():
    order = build_order(Command(action="generate", prompt="a cat", duration=3),
                        defaults={"aspect": "9:16", "duration_s": 10}, clips=[])
    assert order.clip_settings["aspect"] == "9:16" and order.clip_settings["duration_s"] == 3
    assert order.prompt == "a cat" and order.parents == []


def test_a_remix_keeps_its_sources_shape_and_describes_the_clip_asked_for():
    order = build_order(Command(action="remix", prompt="make it green", clips=["#9"]), defaults={}, clips=[clip()])
    assert order.op == "remix" and order.parents == [9]
    assert (order.clip_settings["aspect"], order.clip_settings["resolution"]) == ("9:16", "720p")
    assert order.clip_settings["duration_s"] == 5  # 4.2 s of source, whole seconds
    assert "green" in order.prompt and "make it" not in order.prompt


def test_an_edit_starts_from_the_prompt_the_model_was_given_so_the_chosen_background_stays():
    made = clip(prompt="a green square moving down", model_prompt="a green square moving down on a black background")
    remix = build_order(Command(action="remix", prompt="make it blue", clips=["#9"]), defaults={}, clips=[made])
    assert remix.spec.prompt == "a blue square moving down on a black background"
    extend = build_order(Command(action="extend", clips=["#9"]), defaults={}, clips=[made])
    assert extend.spec.prompt == made.model_prompt
    older = clip(prompt="a green square moving down")  # recorded before clips kept the model's prompt
    remix = build_order(Command(action="remix", prompt="make it blue", clips=["#9"]), defaults={}, clips=[older])
    assert remix.spec.prompt == "a blue square moving down"


def test_an_extend_without_a_length_adds_five_seconds_in_the_sources_shape():
    order = build_order(Command(action="extend", clips=["#9"]), defaults={"duration_s": 20}, clips=[clip()])
    assert order.clip_settings["duration_s"] == 5 and order.clip_settings["aspect"] == "9:16"


def test_a_storyboard_runs_five_seconds_past_its_last_card():
    cards = [CardSpec(at=0, prompt="a seed"), CardSpec(at=6, prompt="a tree")]
    order = build_order(Command(action="storyboard", cards=cards), defaults={}, clips=[])
    assert order.clip_settings["duration_s"] == 11


@pytest.mark.parametrize("command, code", [
    (Command(action="generate"), "need_prompt"),
    (Command(action="remix", prompt="blue"), "need_clip"),
    (Command(action="blend", clips=["#9"]), "need_two_clips"),
    (Command(action="recut", prompt="he jumps"), "need_clip"),
])
def test_what_cannot_be_made_is_refused_with_a_code_the_user_can_act_on(command, code):
    with pytest.raises(UserError) as refused:
        build_order(command, defaults={}, clips=[])
    assert refused.value.code == code


def test_cheaper_is_the_same_job_at_480p_one_version_at_most_five_seconds():
    order = build_order(Command(action="generate", prompt="a cat", resolution="1080p", variations=4, duration=15),
                        defaults={}, clips=[])
    cheap = cheaper(order)
    assert cheap.clip_settings == {**order.clip_settings, "resolution": "480p", "variations": 1, "duration_s": 5}
    assert cheap.prompt == order.prompt


def test_a_request_for_silence_reaches_the_spec_and_an_unspoken_one_is_left_to_the_model_family():
    silent = build_order(Command(action="generate", prompt="a dog barking", audio=False), defaults={}, clips=[])
    unspoken = build_order(Command(action="generate", prompt="a dog barking"), defaults={}, clips=[])
    remix = build_order(Command(action="remix", prompt="make it green", clips=["#9"], audio=True), defaults={},
                        clips=[clip()])

    assert silent.spec.audio is False
    assert unspoken.spec.audio is None
    assert remix.spec.audio is True
