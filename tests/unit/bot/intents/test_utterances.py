"""The utterance table: what people say in English and Chinese, and the Command the bot must understand."""

from __future__ import annotations

import pytest

from bot.intents import parse_strict
from tests.unit.bot.intents.table import SETTINGS, Utterance, load

UTTERANCES = load()


def test_the_table_is_large_and_half_english_half_chinese():
    english = sum(u.lang == "en" for u in UTTERANCES)
    chinese = sum(u.lang == "zh" for u in UTTERANCES)
    assert len(UTTERANCES) >= 200
    assert english >= 100 and chinese >= 100


@pytest.mark.parametrize("utterance", UTTERANCES, ids=lambda u: u.id)
def test_each_utterance_is_understood(utterance: Utterance):
    command = parse_strict(utterance.text, **utterance.flags).to_json_dict()
    assert command["action"] == utterance.action
    for name in SETTINGS:
        assert command[name] == utterance.expected.get(name), name
    for name, value in utterance.expected.items():
        assert command[name] == value, name
