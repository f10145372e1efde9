"""A real bot service for console chats: its own SQLite database and media folder, the model given."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture
async def service_for(tmp_path):
    """Starts a service on the model directory given (settings may be overridden); closes them all at the end."""
    from reelbot.app import build_service
    from reelbot.config import load_settings

    services = []

    async def start(model: Path, **overrides):
        settings = load_settings(**{
            "database_url": f"sqlite+aiosqlite:///{tmp_path / 'chat.db'}", "model": str(model), "device": "cpu",
            "media_dir": tmp_path / "media",
            "credits": {"daily_free": 0},  # no midnight top-up racing the balances the tests check
            **overrides,
        })
        services.append(await build_service(settings))
        return services[-1]

    try:
        yield start
    finally:
        for service in services:
            await service.close()
