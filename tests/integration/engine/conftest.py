"""The tiny LTX pipeline, built once per test session, saved and loaded back with ``from_pretrained``."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")


@pytest.fixture(scope="session")
def engine(tiny_model_dir, tmp_path_factory):
    from engine.runner import Engine

    return Engine.load(str(tiny_model_dir), device="cpu", media_dir=tmp_path_factory.mktemp("media"))


def smooth_clip(path: Path, *, seconds: float, size=(96, 64), fps=24, hue=0.0) -> Path:
    """A clip of slowly moving colour gradients: easy to compare after resizing and encoding."""
    from engine.media import encode_mp4

    width, height = size
    count = round(seconds * fps)
    y, x = np.mgrid[0:height, 0:width].astype(np.float32)
    frames = []
    for index in range(count):
        phase = hue + index / max(count, 1)
        red = 127 + 100 * np.sin(x / width * 3 + phase * 6)
        green = 127 + 100 * np.cos(y / height * 3 + phase * 4)
        blue = np.full_like(x, 60 + 150 * (phase % 1.0))
        frames.append(np.stack([red, green, blue], axis=-1))
    return encode_mp4(np.clip(np.stack(frames), 0, 255).astype(np.uint8), path, fps)


@pytest.fixture
def make_clip(tmp_path):
    def make(name: str = "source.mp4", **kwargs) -> Path:
        return smooth_clip(tmp_path / name, **kwargs)

    return make
