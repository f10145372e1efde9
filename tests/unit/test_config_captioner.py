"""REELBOT_CAPTIONER: the image-to-text model for storyboard image cards, the embedded one unless set."""

from __future__ import annotations

import os

import pytest

from reelbot.config import load_settings


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch, tmp_path):
    for name in list(os.environ):
        if name.startswith(("REELBOT_", "TELEGRAM_", "DISCORD_")):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("REELBOT_CONFIG", str(tmp_path / "absent.toml"))


def test_the_captioner_is_the_embedded_one_by_default():
    assert load_settings().captioner == "embedded"


def test_reelbot_captioner_names_a_directory_or_hub_id(monkeypatch):
    monkeypatch.setenv("REELBOT_CAPTIONER", "Salesforce/blip-image-captioning-base")
    assert load_settings().captioner == "Salesforce/blip-image-captioning-base"
    assert load_settings().masked()["captioner"] == "Salesforce/blip-image-captioning-base"
