"""The opt-in speed options under ``[engine]`` on each family's tiny pipeline: they load, render, and keep the
progress total exact (a cache skips work inside a step, never a step)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from engine.errors import ModelLoadError
from engine.options import EngineOptions
from engine.specs import Generate, Settings


@pytest.fixture(scope="module")
def models(tiny_model_dir, tmp_path_factory) -> dict[str, Path]:
    """The tiny LTX and LTX-2 pipelines, each with MagCache ratios in its profile (calibration stand-in: 1.0)."""
    from engine.tiny import write_tiny_pipeline

    folder = tmp_path_factory.mktemp("speed")
    dirs = {"ltx": Path(shutil.copytree(tiny_model_dir, folder / "ltx")),
            "ltx2": write_tiny_pipeline(folder / "ltx2", family="ltx2")}
    for directory in dirs.values():
        profile = json.loads((directory / "reelbot.json").read_text())
        (directory / "reelbot.json").write_text(json.dumps({**profile, "mag_ratios": [1.0] * 2}))
    return dirs


@pytest.mark.parametrize(("family", "option"), [
    ("ltx2", {"first_block_cache": 0.2}),
    ("ltx", {"mag_cache": 0.06}),
    ("ltx", {"layerwise_casting": True}), ("ltx2", {"layerwise_casting": True}),
])
def test_each_speed_option_renders_and_keeps_the_progress_total(models, tmp_path, family, option):
    from engine.runner import Engine

    engine = Engine.load(str(models[family]), device="cpu", media_dir=tmp_path, options=EngineOptions(**option))
    spec = Generate(prompt="a red fox", settings=Settings(duration_s=1, fps=8, seed=1))
    steps: list[tuple[int, int]] = []
    (clips,) = engine.run([spec], on_step=lambda step, total: steps.append((step, total)))
    assert Path(clips[0].path).stat().st_size > 0
    assert steps == [(i, engine.total_steps(spec)) for i in range(1, engine.total_steps(spec) + 1)]


def test_two_caches_at_once_or_mag_cache_without_ratios_are_refused_at_load(tiny_model_dir, models, tmp_path):
    from engine.runner import Engine

    with pytest.raises(ModelLoadError, match="choose one cache"):
        Engine.load(str(models["ltx"]), device="cpu", media_dir=tmp_path,
                    options=EngineOptions(first_block_cache=0.1, mag_cache=0.1))
    with pytest.raises(ModelLoadError, match="two blocks"):  # the tiny LTX has one: nothing to skip after it
        Engine.load(str(models["ltx"]), device="cpu", media_dir=tmp_path, options=EngineOptions(first_block_cache=0.1))
    with pytest.raises(ModelLoadError, match="mag_ratios"):
        Engine.load(str(tiny_model_dir), device="cpu", media_dir=tmp_path, options=EngineOptions(mag_cache=0.1))
    with pytest.raises(ModelLoadError, match="losing the sound"):
        Engine.load(str(models["ltx2"]), device="cpu", media_dir=tmp_path, options=EngineOptions(mag_cache=0.1))
