"""Sound through the whole chat: a model that makes sound delivers it, "no sound" delivers silence, and the console
says which (tiny LTX-2 pipeline, real core, real SQLite)."""

from __future__ import annotations

import io
from pathlib import Path

import av
import pytest

from adapters.console.app import ConsoleChat


@pytest.fixture(scope="module")
def ltx2_dir(tmp_path_factory) -> Path:
    from engine.tiny import write_tiny_pipeline

    return write_tiny_pipeline(tmp_path_factory.mktemp("models") / "tiny-ltx2", family="ltx2")


@pytest.fixture
async def sound_service(service_for, tmp_path, ltx2_dir):
    return await service_for(ltx2_dir, database_url=f"sqlite:///{tmp_path / 'chat.db'}")  # the plain spelling


def audio_streams(path: Path) -> int:
    with av.open(str(path)) as container:
        return len(container.streams.audio)


@pytest.mark.slow
@pytest.mark.timeout(600)
async def test_a_clip_with_sound_says_so_and_a_request_for_silence_gets_a_file_without_sound(sound_service, tmp_path):
    stdout = io.StringIO()
    chat = ConsoleChat(sound_service, user="ada", out_dir=tmp_path / "out", stdout=stdout, interactive=False)

    await chat.run(io.StringIO("a dog barking in a yard, 1:1, 1 s\na dog barking in a yard, 1:1, 1 s, no sound\n"))

    lines = stdout.getvalue().splitlines()
    paths = [Path(line) for line in lines if line.endswith(".mp4")]
    assert [path.name for path in paths] == ["clip-1.mp4", "clip-2.mp4"]
    assert [audio_streams(path) for path in paths] == [1, 0]
    notes = [line for line in lines if line in ("\u266a with sound", "(silent)")]
    assert notes == ["\u266a with sound", "(silent)"]
