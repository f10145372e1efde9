"""Imports every sub-command module so that each registers itself on ``cli``."""

from __future__ import annotations

import importlib
import pkgutil

import reelbot.cli as _pkg

for _module in pkgutil.iter_modules(_pkg.__path__):
    if _module.name.startswith("cmd_"):
        importlib.import_module(f"reelbot.cli.{_module.name}")
