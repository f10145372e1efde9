"""The process-wide default captioner: ``REELBOT_CAPTIONER`` (or ``embedded``), loaded on first use, kept warm."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import numpy as np
from PIL import Image

from engine.captioner.model import Captioner

_lock = threading.Lock()
_loaded: dict[tuple[str, str], Captioner] = {}


def default_captioner(model: str | None = None, device: str | None = None) -> Captioner:
    """The warm captioner for ``model`` (default ``REELBOT_CAPTIONER``) on ``device`` (default ``REELBOT_DEVICE``)."""
    from engine.captioner.loading import load_captioner

    model = model or os.environ.get("REELBOT_CAPTIONER") or "embedded"
    device = device or os.environ.get("REELBOT_DEVICE") or "auto"
    with _lock:
        if (model, device) not in _loaded:
            _loaded[(model, device)] = load_captioner(model, device)
        return _loaded[(model, device)]


def caption_image(image: Path | str | Image.Image | np.ndarray, lang: str = "en", *, model: str | None = None,
                  limits: object | None = None) -> str:
    """The card text for ``image`` (a file path, a PIL image or an H x W x 3 frame) in ``lang`` (``en``/``zh``).

    A path is decoded with the engine's upload checks, so a bad file raises :class:`MediaError` like everywhere
    else.
    """
    from engine.media.decode import load_image

    picture = load_image(image, limits) if isinstance(image, (str, Path)) else image
    return default_captioner(model).caption(picture, lang).text
