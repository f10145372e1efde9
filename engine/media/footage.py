"""One rendered video and its sound: what an operation hands the encoder."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from engine.media.audio import Sound


@dataclass(frozen=True)
class Footage:
    """Frames ``uint8 (F, H, W, 3)`` and, when the clip has sound, its :class:`Sound` (same duration)."""

    frames: np.ndarray
    sound: Sound | None = None
