"""The console adapter driven as a script (stdin not a terminal), as `make chat` users pipe into it."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from adapters.console.app import ConsoleChat
from engine.media import probe


@pytest.fixture
async def console_service(service_for, tiny_model_dir):
    return await service_for(tiny_model_dir)


@pytest.mark.timeout(600)
async def test_a_scripted_chat_makes_a_clip_then_loops_it_and_prints_each_path(console_service, tmp_path):
    stdout = io.StringIO()
    chat = ConsoleChat(console_service, user="zoe", out_dir=tmp_path / "out", stdout=stdout, interactive=False)
    await chat.run(io.StringIO("a paper boat on a pond, 1:1, 5 s\nloop it\nbalance\n"))

    lines = stdout.getvalue().splitlines()
    paths = [Path(line) for line in lines if line.endswith(".mp4")]
    assert [path.name for path in paths] == ["clip-1.mp4", "clip-2.mp4"]
    assert all(path.parent == tmp_path / "out" and path.exists() for path in paths)
    info = probe(paths[0])
    assert (info.width, info.height) == (480, 480)
    assert any("loop of #1" in line for line in lines)
    assert lines[-1] == "Your balance: 160 credits."  # 200 welcome - 2 x (4 credits x 5 s square)
