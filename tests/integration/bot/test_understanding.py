"""Unsure messages in a conversation: the two-button question, each button doing what it says, the answer
remembered for the chat, and the optional language model answering first. Real service, SQLite, tiny model."""

from __future__ import annotations

import pytest

from tests.integration.bot.intents.test_llm import FakeModel, _tool_call

#: With a clip in focus, a short phrase that may be a new scene or a change: the rules are unsure.
UNSURE = "harbour lights"

pytestmark = [pytest.mark.slow, pytest.mark.timeout(600)]


def _clips(outs):
    return [out for out in outs if out.kind == "clip"]


def _question(outs):
    asked = [out for out in outs if out.kind == "text" and out.buttons]
    assert len(asked) == 1, outs
    return asked[0]


async def _first_clip(chat):
    await chat.say("a grey cat on a sofa, 1 s")
    clips = _clips(await chat.outcome())
    assert len(clips) == 1
    return clips[0]


async def test_change_remixes_the_clip_in_focus_and_the_chat_remembers_it(service, listen):
    alice = listen("alice")
    first = await _first_clip(alice)

    question = _question(await alice.say(UNSURE))
    assert f"#{first.clip_id}" in question.text
    new, change = question.buttons
    assert (new.label, change.label) == ("New video", f"Change #{first.clip_id}")

    queued = await alice.press(change.payload)
    assert queued[-1].kind == "progress"
    remix = _clips(await alice.outcome())[0]
    assert "remix" in remix.text and f"#{first.clip_id}" in remix.text

    again = await alice.say("river mist")  # unsure again: the remembered answer, no second question
    assert not any(out.buttons for out in again if out.kind == "text")
    assert again[-1].kind == "progress"
    second = _clips(await alice.outcome())[0]
    assert "remix" in second.text and f"#{remix.clip_id}" in second.text

    stale = await alice.press(change.payload)  # the question was answered already
    assert [out.kind for out in stale] == ["toast"]


async def test_new_video_makes_a_new_clip_from_the_words_as_written(service, listen):
    bob = listen("bob")
    await _first_clip(bob)
    question = _question(await bob.say("窗外的雨"))  # Chinese: the question and its buttons are Chinese
    assert "新视频" in question.buttons[0].label and "修改" in question.buttons[1].label

    assert (await bob.press(question.buttons[0].payload))[-1].kind == "progress"
    made = _clips(await bob.outcome())[0]
    assert "remix" not in made.text and "重制" not in made.text
    history = "\n".join(out.text for out in await bob.say("history") if out.kind == "text")
    assert f"#{made.clip_id}" in history and "窗外的雨" in history


@pytest.fixture
async def fake_model():
    model = FakeModel()
    await model.start()
    try:
        yield model
    finally:
        await model.stop()


@pytest.fixture
def bot_settings(bot_settings, fake_model):
    """REELBOT_LLM_URL points at the fake model in every test here. Until a test sets an answer it answers ``{}``,
    which is no Command: so the question tests also show that a useless model changes nothing."""
    return bot_settings.model_copy(update={"llm_url": fake_model.url, "llm_model": "tiny"})


async def test_the_language_model_decides_before_anyone_is_asked(service, listen, fake_model):
    dana = listen("dana")
    first = await _first_clip(dana)
    fake_model.answers(_tool_call({"action": "remix", "prompt": "harbour lights at night", "clips": ["current"]}))
    outs = await dana.say(UNSURE)
    assert outs[-1].kind == "progress" and not any(out.buttons for out in outs if out.kind == "text")
    remix = _clips(await dana.outcome())[0]
    assert "remix" in remix.text and f"#{first.clip_id}" in remix.text
    sent = fake_model.requests[0]["messages"][-1]["content"]
    assert "a grey cat on a sofa" in sent  # the clip in focus and its prompt went with the question
