"""Encoded clips kept between transformer steps.

Encoding a batch with the VAE costs about as much as the transformer's own step on a CPU, so stage 2 draws its
batches from a pool of encoded clips and re-encodes only a few new clips per step: the pool turns over during
the run (fresh data) at a fraction of the cost. The pool is saved beside the checkpoint so a resumed run sees
exactly what an uninterrupted one would.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F

from toyworld.renderer import Renderer
from toyworld.scene import Scene, sample_scene
from toyworld.world import ASPECTS, BASE_RADIUS

#: Share of the pool per aspect, as in ``data.ASPECT_WEIGHTS``.
POOL_SHARES = {"1:1": 0.5, "16:9": 0.25, "9:16": 0.25}


@dataclass
class _Slots:
    latents: torch.Tensor  # (N, C, F, h, w) float16, normalised
    alpha: torch.Tensor  # (N, F, h, w) float16, object coverage at latent resolution
    scenes: list[Scene]


def encode_scenes(
    scenes: list[Scene],
    encode: Callable[[torch.Tensor], torch.Tensor],
    renderer: Renderer | None = None,
    frames: int | None = None,
):
    """Render and encode scenes of one aspect: normalised latents and the object's coverage per latent.

    ``frames`` keeps only each clip's first frames (``1 + 2k``): the causal encoder gives their latents the values
    the whole clip's first ``k + 1`` latent frames have, so a caller that cuts the latents anyway skips the rest.
    """
    clips, alphas = zip(*(renderer or Renderer()).clips(scenes))
    video = torch.from_numpy(np.stack(clips)[:, :frames]).permute(0, 4, 1, 2, 3).float().div_(127.5).sub_(1.0)
    with torch.no_grad():
        latents = encode(video)
    alpha = torch.from_numpy(np.stack(alphas)[:, :frames])[:, ::2].unsqueeze(1)
    alpha = F.adaptive_max_pool3d(alpha, latents.shape[2:]).squeeze(1)
    return latents, alpha.to(latents.device)


class LatentPool:
    """A fixed number of encoded clips per aspect, refreshed slot by slot in round-robin order."""

    def __init__(self, size: int, confusable: float = 0.0, long_moves: float = 0.0, radius: float = BASE_RADIUS):
        self.confusable = confusable
        self.long_moves = long_moves
        self.radius = radius
        self.sizes = {aspect: max(1, int(size * POOL_SHARES[aspect])) for aspect in ASPECTS}
        self.slots: dict[str, _Slots] = {}
        self.cursor = {aspect: 0 for aspect in ASPECTS}

    def fill(self, rng: np.random.Generator, encode, chunk: int = 32, renderer: Renderer | None = None) -> None:
        for aspect, count in self.sizes.items():
            scenes = [self._draw(rng, aspect) for _ in range(count)]
            parts = [encode_scenes(scenes[i : i + chunk], encode, renderer) for i in range(0, count, chunk)]
            self.slots[aspect] = _Slots(
                latents=torch.cat([p[0] for p in parts]).half(),
                alpha=torch.cat([p[1] for p in parts]).half(),
                scenes=scenes,
            )

    def _draw(self, rng: np.random.Generator, aspect: str) -> Scene:
        return sample_scene(rng, aspect=aspect, confusable=self.confusable, long_moves=self.long_moves,
                            radius=self.radius)

    def take(self, rng: np.random.Generator, aspect: str, n: int):
        """``n`` distinct clips of ``aspect``: float latents and coverage on the pool's device, and their scenes."""
        slots = self.slots[aspect]
        index = rng.choice(len(slots.scenes), size=min(n, len(slots.scenes)), replace=False)
        chosen = torch.from_numpy(index).to(slots.latents.device)
        return slots.latents[chosen].float(), slots.alpha[chosen].float(), [slots.scenes[i] for i in index]

    def to(self, device) -> LatentPool:
        """Keep the encoded clips on ``device`` (a GPU run samples its batches there)."""
        for slots in self.slots.values():
            slots.latents, slots.alpha = slots.latents.to(device), slots.alpha.to(device)
        return self

    def refresh(self, rng: np.random.Generator, aspect: str, n: int, encode, renderer: Renderer | None = None) -> None:
        """Replace the next ``n`` slots of ``aspect`` with newly drawn clips."""
        if n <= 0:
            return
        slots = self.slots[aspect]
        scenes = [self._draw(rng, aspect) for _ in range(n)]
        latents, alpha = encode_scenes(scenes, encode, renderer)
        for j, scene in enumerate(scenes):
            k = (self.cursor[aspect] + j) % len(slots.scenes)
            slots.latents[k], slots.alpha[k], slots.scenes[k] = latents[j].half(), alpha[j].half(), scene
        self.cursor[aspect] = (self.cursor[aspect] + n) % len(slots.scenes)

    def state_dict(self) -> dict:
        return {
            "sizes": self.sizes,
            "cursor": self.cursor,
            "slots": {a: {"latents": s.latents.cpu(), "alpha": s.alpha.cpu(), "scenes": [x.to_dict() for x in s.scenes]}
                      for a, s in self.slots.items()},
        }

    def load_state_dict(self, state: dict) -> None:
        self.sizes, self.cursor = state["sizes"], state["cursor"]
        self.slots = {
            a: _Slots(s["latents"], s["alpha"], [Scene(**x) for x in s["scenes"]]) for a, s in state["slots"].items()
        }
