"""The held-out set (bench/parse_heldout.jsonl): the rules alone reach issue 18's targets in both languages."""

from __future__ import annotations

from bench.bench_parse import ACTION_TARGET, SLOT_TARGET, accuracy, load_heldout, slot_errors


def test_the_held_out_set_is_large_bilingual_and_covers_every_action():
    from bot.commands import ACTIONS

    rows = load_heldout()
    assert len(rows) >= 400
    assert sum(r["lang"] == "en" for r in rows) >= 180 and sum(r["lang"] == "zh" for r in rows) >= 180
    assert {r["action"] for r in rows} == set(ACTIONS)
    assert {r["context"]["has_focus"] for r in rows} == {True, False}


def test_the_rules_reach_the_targets_in_both_languages():
    result = accuracy()
    for lang, scores in result["per_language"].items():
        assert scores["action"] >= ACTION_TARGET, (lang, result["misses"])
        assert scores["slots"] >= SLOT_TARGET, (lang, result["misses"])


def test_a_slot_is_wrong_when_a_setting_differs_or_filler_stays_in_the_prompt():
    row = {"slots": {"aspect": "9:16", "resolution": None, "duration": None, "variations": None, "keep_seconds": None,
                     "audio": None, "clips": []}, "prompt": {"has": ["fox"], "lacks": ["please"]}}
    command = {"aspect": "9:16", "resolution": None, "duration": None, "variations": None, "keep_seconds": None,
               "audio": None, "clips": [], "prompt": "a fox please"}
    assert slot_errors(row, command) == ["prompt"]
    assert slot_errors(row, {**command, "prompt": "a fox", "aspect": "16:9"}) == ["aspect"]
