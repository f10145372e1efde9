"""reelbot's video engine: typed job specs in, encoded clips out.

Importing ``engine`` (or ``engine.specs``/``engine.events``) never imports torch: the bot process uses the
specs without a model. The heavy parts load on first use of the names below.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

_LAZY = {
    "Engine": "engine.runner",
    "EngineOptions": "engine.options",
    "EngineError": "engine.errors",
    "MediaError": "engine.errors",
    "UnsupportedOperation": "engine.errors",
    "JobCancelled": "engine.errors",
    "ModelLoadError": "engine.errors",
    "RenderedClip": "engine.events",
    "JobEvent": "engine.events",
    "parse_spec": "engine.specs",
    "dump_spec": "engine.specs",
    "load_pipeline": "engine.loading",
    "write_tiny_pipeline": "engine.tiny",
    "LocalMediaStore": "engine.store",
}

__all__ = sorted(_LAZY)

if TYPE_CHECKING:  # pragma: no cover
    from engine.errors import EngineError, JobCancelled, MediaError, ModelLoadError, UnsupportedOperation
    from engine.events import JobEvent, RenderedClip
    from engine.loading import load_pipeline
    from engine.options import EngineOptions
    from engine.runner import Engine
    from engine.specs import dump_spec, parse_spec
    from engine.store import LocalMediaStore
    from engine.tiny import write_tiny_pipeline


def __getattr__(name: str) -> Any:
    if name not in _LAZY:
        raise AttributeError(f"module 'engine' has no attribute {name!r}")
    value = getattr(importlib.import_module(_LAZY[name]), name)
    globals()[name] = value
    return value
