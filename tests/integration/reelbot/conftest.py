"""The queue's fixtures (a migrated SQLite database, the tiny pipeline's engine factory) for the composition root."""

from tests.integration.queue.conftest import sqlite_db, tiny_engine_factory  # noqa: F401  (fixtures)
