"""``reelbot inspect`` on clips the engine made: what made them, read back from the file alone."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from engine.options import EngineOptions, MediaOptions
from engine.specs import Generate, Settings

REELBOT = Path(sys.executable).with_name("reelbot")


def _first_frame(path: str) -> np.ndarray:
    import av

    with av.open(path) as container:
        return next(container.decode(video=0)).to_ndarray(format="rgb24")


@pytest.mark.slow
def test_inspect_prints_the_model_seed_and_job_of_an_engine_clip_and_the_watermark_is_in_its_frames(
    tiny_model_dir, tmp_path
):
    from engine.runner import Engine

    # Given the same clip made twice by the tiny pipeline, once with a visible watermark
    spec = Generate(prompt="a red ball", settings=Settings(duration_s=1, seed=11))
    options = EngineOptions(num_inference_steps=1)
    plain = Engine.load(str(tiny_model_dir), device="cpu", options=options, media_dir=tmp_path / "a")
    marked = Engine.load(str(tiny_model_dir), device="cpu", options=options, media_dir=tmp_path / "b",
                         media=MediaOptions(watermark="made by reelbot", watermark_corner="top-left"))
    (plain_clip,) = plain.run([spec], metadata=[{"job_id": "12"}])[0]
    (marked_clip,) = marked.run([spec], metadata=[{"job_id": "13"}])[0]
    # Then the watermark changed the top-left corner and little else
    a, b = _first_frame(plain_clip.path).astype(int), _first_frame(marked_clip.path).astype(int)
    height, width = a.shape[:2]
    corner = np.abs(a - b)[: height // 3, : width // 2].mean()
    rest = np.abs(a - b)[height // 2:, width // 2:].mean()
    assert corner > 4 * max(rest, 0.5)
    # And `reelbot inspect` reads back what made each clip, as text and as JSON
    text = subprocess.run([str(REELBOT), "inspect", marked_clip.path], capture_output=True, text=True, timeout=120)
    assert text.returncode == 0, text.stderr
    lines = dict(line.split(None, 1) for line in text.stdout.splitlines())
    assert lines["tool"] == "reelbot" and lines["model"] == str(tiny_model_dir)
    assert lines["seed"] == "11" and lines["job"] == "13" and lines["variation"] == "0"
    assert lines["created"].endswith("Z") and lines["video"].startswith(f"{marked_clip.width}x{marked_clip.height}")
    as_json = subprocess.run([str(REELBOT), "inspect", "--json", plain_clip.path], capture_output=True, text=True,
                             timeout=120)
    report = json.loads(as_json.stdout)
    assert report["metadata"]["job_id"] == "12" and report["metadata"]["seed"] == "11"
    assert report["video"]["frames"] == plain_clip.num_frames


def test_inspect_refuses_a_file_that_is_not_a_video_in_one_line(tmp_path):
    junk = tmp_path / "junk.mp4"
    junk.write_bytes(b"not a video")
    done = subprocess.run([str(REELBOT), "inspect", str(junk)], capture_output=True, text=True, timeout=120)
    assert done.returncode != 0 and "Traceback" not in done.stderr
    assert done.stderr.strip().startswith("Error:") and "junk.mp4" in done.stderr
