"""Account and chat requests in everyday words, and scenes that merely contain their words."""

from __future__ import annotations

import pytest

from bot.intents import parse_strict
from bot.intents.utility import classify


@pytest.mark.parametrize(("text", "action"), [
    ("how many credits are left on my account?", "balance"), ("do I still have credits", "balance"),
    ("我还有积分吗", "balance"), ("show me everything I've created", "history"), ("what did I make last week?", "history"),
    ("我以前生成过哪些视频", "history"), ("where can I buy credits?", "buy"), ("I'd like to pay for a credit pack", "buy"),
    ("怎么充值", "buy"), ("never mind, stop it", "cancel"), ("别生成了", "cancel"), ("what are my current settings", "settings"),
    ("查看我的默认设置", "settings"), ("how does this bot work?", "help"), ("我不会用", "help"),
])
def test_everyday_requests_are_understood(text, action):
    assert classify(text) == action
    assert parse_strict(text, has_focus=True).action == action


@pytest.mark.parametrize("text", [
    "a knight cancelling a duel at dawn", "an old man counting his credits in a bank", "a history teacher at a blackboard",
    "a stop sign in the snow", "一个人在银行查询余额", "how a flower opens in spring",
])
def test_a_scene_containing_request_words_stays_a_scene(text):
    assert classify(text) is None
    assert parse_strict(text).action == "generate"


def test_a_request_with_a_number_is_never_a_utility():
    assert classify("buy 3 credits") is None


def test_defaults_said_in_everyday_words_are_settings():
    command = parse_strict("always use vertical from now on")
    assert (command.action, command.aspect) == ("settings", "9:16")
