"""Training batches drawn fresh from the toy world: every step sees new clips (no dataset on disk)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from toyworld.captions import LANGUAGES, training_caption
from toyworld.renderer import Renderer
from toyworld.scene import Scene, sample_scene
from toyworld.world import ASPECTS, BASE_RADIUS, SIZES

#: How often each aspect is drawn: the square is the cheapest and the one evaluated most.
ASPECT_WEIGHTS = (0.5, 0.25, 0.25)


@dataclass(frozen=True)
class Batch:
    """Clips of one aspect: video in [-1, 1] (B, 3, T, H, W), object coverage (B, T, H, W), captions."""

    video: torch.Tensor
    alpha: torch.Tensor
    captions: list[str]
    scenes: list[Scene]


def pick_aspect(rng: np.random.Generator) -> str:
    return ASPECTS[rng.choice(len(ASPECTS), p=ASPECT_WEIGHTS)]


def clips_per_batch(aspect: str, square_batch: int) -> int:
    """Batch size that keeps the token count of a batch about constant across aspects."""
    width, height = SIZES[aspect]
    return max(1, round(square_batch * 64 * 64 / (width * height)))


def make_batch(
    rng: np.random.Generator, aspect: str, size: int, *, caption_drop: float = 0.1, partial: float = 0.1,
    radius: float = BASE_RADIUS, renderer: Renderer | None = None,
) -> Batch:
    """``size`` random clips of ``aspect`` with objects of ``radius``, captioned half in English, half in Chinese."""
    scenes = [sample_scene(rng, aspect=aspect, radius=radius) for _ in range(size)]
    frames, alphas = zip(*(renderer or Renderer()).clips(scenes))
    captions = [
        training_caption(scene, LANGUAGES[rng.integers(2)], rng, drop=caption_drop, partial=partial)
        for scene in scenes
    ]
    video = torch.from_numpy(np.stack(frames)).permute(0, 4, 1, 2, 3).float().div_(127.5).sub_(1.0)
    return Batch(video=video, alpha=torch.from_numpy(np.stack(alphas)), captions=captions, scenes=scenes)
