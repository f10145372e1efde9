"""``reelbot parse`` as people and tests call it: a real process, JSON on one line."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

REELBOT = [sys.executable, "-c", "from reelbot.cli import main; main()"]
ROOT = Path(__file__).resolve().parents[4]


def _run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*REELBOT, "parse", *args], input=stdin, capture_output=True, text=True, timeout=60,
                          cwd=ROOT, check=True, encoding="utf-8")


def test_parse_with_a_clip_in_focus_prints_a_remix_of_the_current_clip():
    result = _run("--context", "clip", "make it blue")
    lines = result.stdout.splitlines()
    assert len(lines) == 1
    command = json.loads(lines[0])
    assert command["action"] == "remix"
    assert command["clips"] == ["current"]
    assert command["prompt"] == "make it blue"


def test_parse_keeps_chinese_unescaped_and_reads_lines_from_stdin():
    result = _run("--lines", stdin="一只柯基在日落时冲浪，竖屏\n余额\n")
    first, second = (json.loads(line) for line in result.stdout.splitlines())
    assert "一只柯基" in result.stdout  # ensure_ascii=False
    assert (first["action"], first["prompt"], first["aspect"]) == ("generate", "一只柯基在日落时冲浪", "9:16")
    assert second["action"] == "balance"


def test_parse_with_an_image_animates_the_caption():
    command = json.loads(_run("--image", "the", "cat", "waves").stdout)
    assert (command["action"], command["prompt"]) == ("animate", "the cat waves")


def test_the_parse_path_imports_no_torch_diffusers_or_database():
    code = ("import sys; from bot.intents import parse; parse('a corgi, vertical'); "
            "print(sorted(m for m in ('torch', 'diffusers', 'sqlalchemy', 'sqlmodel') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, cwd=ROOT,
                         check=True)
    assert out.stdout.strip() == "[]"


def test_parse_prints_the_sound_asked_for_and_how_sure_it_is():
    command = json.loads(_run("a dog barking, no sound").stdout)
    assert (command["action"], command["prompt"], command["audio"]) == ("generate", "a dog barking", False)
    assert 0.0 <= command["confidence"] <= 1.0
