"""Fixtures for tests on a real, migrated database."""

from __future__ import annotations

import pytest

from engine.db import make_engine, make_sessionmaker
from reelbot.migrate import upgrade_database


@pytest.fixture
async def sessions(database_url):
    """Sessions on a database migrated to head (once on SQLite, once on PostgreSQL via ``database_url``)."""
    upgrade_database(database_url)
    engine = make_engine(database_url)
    try:
        yield make_sessionmaker(engine)
    finally:
        await engine.dispose()
