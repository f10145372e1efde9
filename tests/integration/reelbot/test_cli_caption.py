"""``reelbot caption`` as a user runs it: a real process, the embedded captioner, real image files."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image, ImageDraw

REELBOT = Path(sys.executable).with_name("reelbot")

pytestmark = pytest.mark.slow  # each call starts a process that imports torch and transformers


def reelbot(*args: str, cwd: Path, stdin: str | None = None, **env: str) -> subprocess.CompletedProcess:
    environment = {**os.environ, "HF_HUB_OFFLINE": "1", **env}
    return subprocess.run([str(REELBOT), "caption", *args], cwd=cwd, env=environment, input=stdin,
                          capture_output=True, text=True, timeout=180)


@pytest.fixture(scope="module")
def disc(tmp_path_factory) -> Path:
    """A plain red disc on blue, drawn with Pillow (not a toy-world frame)."""
    path = tmp_path_factory.mktemp("images") / "disc.png"
    image = Image.new("RGB", (300, 200), (0, 0, 255))
    ImageDraw.Draw(image).ellipse([100, 50, 200, 150], fill=(255, 0, 0))
    image.save(path)
    return path


def test_a_red_disc_on_blue_is_captioned_red_on_blue_in_english_and_chinese(disc, tmp_path):
    english = reelbot(str(disc), cwd=tmp_path)
    assert english.returncode == 0, english.stderr
    words = english.stdout.strip().split(" on ")
    assert "red" in words[0] and "blue" in words[1], english.stdout
    chinese = reelbot(str(disc), "--lang", "zh", "--json", cwd=tmp_path)
    payload = json.loads(chinese.stdout)
    assert payload["lang"] == "zh" and payload["image"] == str(disc)
    assert payload["caption"].startswith("蓝色背景") and "红色" in payload["caption"], payload


def test_lines_caption_many_files_and_refuse_a_bad_one_in_the_users_language(disc, tmp_path):
    bad = tmp_path / "notes.jpg"
    bad.write_text("not a picture")
    result = reelbot("--lines", "--json", "--lang", "zh", cwd=tmp_path, stdin=f"{disc}\n{bad}\n{disc}\n")
    assert result.returncode == 1
    assert "Traceback" not in result.stdout + result.stderr
    answers = [json.loads(line) for line in result.stdout.splitlines()]
    assert [a.get("error") for a in answers] == [None, "unreadable_image", None]
    assert answers[1]["message"] == "这不是可读取的图片"
    assert answers[0]["caption"] == answers[2]["caption"]


def test_reelbot_captioner_names_the_model_and_a_missing_one_is_one_line(disc, tmp_path):
    result = reelbot(str(disc), cwd=tmp_path, REELBOT_CAPTIONER=str(tmp_path / "nowhere"))
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith("reelbot: could not load the captioner"), result.stderr


def test_no_image_and_no_lines_is_a_usage_error(tmp_path):
    result = reelbot(cwd=tmp_path)
    assert result.returncode == 2 and "give an IMAGE" in result.stderr
