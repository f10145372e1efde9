"""Image to card text: the captioner a storyboard image card gets its words from.

``caption_image(image, lang)`` is the one-call API (the default captioner, loaded once and kept warm);
``load_captioner`` loads any transformers image-to-text model; ``CaptionJobs`` runs captions as small jobs of
their own on one worker thread beside the video model. Importing this package does not import torch.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

_LAZY = {
    "Caption": "engine.captioner.model",
    "Captioner": "engine.captioner.model",
    "EMBEDDED_CAPTIONER_DIR": "engine.captioner.loading",
    "load_captioner": "engine.captioner.loading",
    "caption_image": "engine.captioner.default",
    "default_captioner": "engine.captioner.default",
    "CaptionRequest": "engine.captioner.jobs",
    "CaptionResult": "engine.captioner.jobs",
    "CaptionJobs": "engine.captioner.jobs",
    "run_caption": "engine.captioner.jobs",
}

__all__ = sorted(_LAZY)

if TYPE_CHECKING:  # pragma: no cover  (names for type checkers; the package loads them lazily)
    from engine.captioner.default import caption_image, default_captioner  # noqa: F401
    from engine.captioner.jobs import CaptionJobs, CaptionRequest, CaptionResult, run_caption  # noqa: F401
    from engine.captioner.loading import EMBEDDED_CAPTIONER_DIR, load_captioner  # noqa: F401
    from engine.captioner.model import Caption, Captioner  # noqa: F401


def __getattr__(name: str) -> Any:
    if name not in _LAZY:
        raise AttributeError(f"module 'engine.captioner' has no attribute {name!r}")
    value = getattr(importlib.import_module(_LAZY[name]), name)
    globals()[name] = value
    return value
