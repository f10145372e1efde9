"""Alembic migrations for every table (bot and engine). Applied by ``reelbot db upgrade`` (see reelbot.migrate)."""
