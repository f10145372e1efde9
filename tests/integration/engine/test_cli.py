"""``reelbot model tiny`` and ``reelbot render`` as a user runs them: real processes, real files, no network."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from engine.media import probe

REELBOT = Path(sys.executable).with_name("reelbot")


def reelbot(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "REELBOT_MEDIA_DIR": str(cwd / "media")}
    return subprocess.run([str(REELBOT), *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=180)


def refused_in_one_line(result: subprocess.CompletedProcess) -> str:
    """A refusal: non-zero exit, one ``reelbot render:`` line on stderr, no traceback."""
    assert result.returncode != 0
    assert "Traceback" not in result.stderr + result.stdout
    lines = [line for line in result.stderr.splitlines() if line.startswith("reelbot render:")]
    assert len(lines) == 1, result.stderr
    return lines[0]


def test_model_tiny_writes_a_pipeline_that_from_pretrained_loads(tmp_path):
    from diffusers import LTXConditionPipeline

    result = reelbot("model", "tiny", str(tmp_path / "tiny"), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    pipe = LTXConditionPipeline.from_pretrained(tmp_path / "tiny")
    assert pipe.transformer.config.num_layers >= 1
    assert pipe.tokenizer("a red fox").input_ids


def test_render_generate_writes_one_file_per_variation_at_the_exact_size_and_length(tiny_model_dir, tmp_path):
    result = reelbot(
        "render", "generate", "-o", "out.mp4", "--prompt", "a fox in the snow", "--aspect", "9:16",
        "--duration", "2", "--variations", "2", "--model", str(tiny_model_dir), "--seed", "3", cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in tmp_path.glob("*.mp4")) == ["out-1.mp4", "out-2.mp4"]
    for name, seed in (("out-1.mp4", 3), ("out-2.mp4", 4)):
        info = probe(tmp_path / name)
        assert (info.width, info.height, info.frames, info.fps) == (480, 854, 48, 24)
        assert (info.codec, info.pix_fmt) == ("h264", "yuv420p")
        assert f"{name}  480x854  48 frames @ 24 fps" in result.stdout and f"seed {seed}" in result.stdout


def test_render_recut_keeps_a_second_and_fills_the_rest(tiny_model_dir, tmp_path, make_clip):
    source = make_clip(seconds=2, fps=8)
    result = reelbot(
        "render", "recut", "-o", "cut.mp4", "--source", str(source), "--keep-seconds", "1", "--prompt", "a dragon",
        "--duration", "2", "--fps", "8", "--model", str(tiny_model_dir), "--seed", "1", cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    info = probe(tmp_path / "cut.mp4")
    assert (info.width, info.height, info.frames, info.fps) == (854, 480, 16, 8)


def test_a_text_file_given_as_the_image_to_animate_is_refused_in_one_line(tiny_model_dir, tmp_path):
    (tmp_path / "photo.jpg").write_text("not a picture\n")
    result = reelbot(
        "render", "animate", "-o", "a.mp4", "--image", "photo.jpg", "--prompt", "it moves", "--duration", "1",
        "--model", str(tiny_model_dir), cwd=tmp_path,
    )
    assert "not an image" in refused_in_one_line(result)
    assert not (tmp_path / "a.mp4").exists()


@pytest.mark.parametrize(
    ("keep", "duration", "words"),
    [("3", "5", "only 2 s long"), ("5", "5", "must be shorter than the clip's duration")],
    ids=["longer than the source", "as long as the output"],
)
def test_keeping_more_seconds_than_there_are_is_refused_in_one_line(
    tiny_model_dir, tmp_path, make_clip, keep, duration, words
):
    source = make_clip(seconds=2, fps=8)
    result = reelbot(
        "render", "recut", "-o", "cut.mp4", "--source", str(source), "--keep-seconds", keep, "--prompt", "a dragon",
        "--duration", duration, "--fps", "8", "--model", str(tiny_model_dir), cwd=tmp_path,
    )
    assert words in refused_in_one_line(result)
    assert not (tmp_path / "cut.mp4").exists()
