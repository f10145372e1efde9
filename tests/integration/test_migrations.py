"""The migrations and the SQLModel tables agree, and the history runs both ways, on SQLite and PostgreSQL."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine, inspect, pool
from sqlalchemy.engine import make_url

import bot.models  # noqa: F401  (tables on the metadata)
import engine.queue.models  # noqa: F401
from engine.db import metadata, sync_url
from reelbot.config import ConfigError, load_settings
from reelbot.migrate import current_revision, downgrade_database, ensure_database, head_revision, upgrade_database

REELBOT = str(Path(sys.executable).with_name("reelbot"))
TABLES = {"user", "platform_identity", "chat", "credit_entry", "job", "clip", "storyboard", "payment", "clip_message"}


def table_names(url: str) -> set[str]:
    engine = create_engine(sync_url(url), poolclass=pool.NullPool)
    try:
        with engine.connect() as connection:
            return set(inspect(connection).get_table_names()) - {"alembic_version"}
    finally:
        engine.dispose()


def schema_differences(url: str) -> list:
    engine = create_engine(sync_url(url), poolclass=pool.NullPool)
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            return compare_metadata(context, metadata)
    finally:
        engine.dispose()


def test_autogenerate_finds_no_difference_between_the_models_and_the_migrations(database_url):
    upgrade_database(database_url)

    assert schema_differences(database_url) == []
    assert TABLES <= table_names(database_url)


def test_upgrade_then_downgrade_to_base_then_upgrade_again_works(database_url):
    upgrade_database(database_url)
    assert current_revision(database_url) == head_revision()

    downgrade_database(database_url, "base")
    assert current_revision(database_url) is None
    assert table_names(database_url) == set()

    upgrade_database(database_url)
    assert current_revision(database_url) == head_revision()
    assert schema_differences(database_url) == []


def test_reelbot_db_upgrade_creates_the_schema_on_an_empty_database_from_any_directory(database_url, tmp_path):
    if make_url(database_url).get_backend_name() == "sqlite":
        database_url = f"sqlite+aiosqlite:///{tmp_path / 'fresh' / 'nested' / 'reelbot.db'}"
    env = {**os.environ, "REELBOT_DATABASE_URL": database_url, "REELBOT_CONFIG": str(tmp_path / "none.toml")}

    done = subprocess.run([REELBOT, "db", "upgrade"], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)

    assert done.returncode == 0, done.stderr
    assert f"is at revision {head_revision()}" in done.stdout
    assert TABLES <= table_names(database_url)
    again = subprocess.run([REELBOT, "db", "upgrade"], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    assert again.returncode == 0, again.stderr


def test_the_embedded_sqlite_database_is_migrated_on_start(tmp_path):
    url = f"sqlite+aiosqlite:///{tmp_path / 'data' / 'reelbot.db'}"

    ensure_database(load_settings(database_url=url))

    assert current_revision(url) == head_revision()


def test_postgresql_is_not_migrated_behind_the_operators_back(postgres_url):
    settings = load_settings(database_url=postgres_url)

    with pytest.raises(ConfigError, match="reelbot db upgrade"):
        ensure_database(settings)
    assert table_names(postgres_url) == set()

    upgrade_database(postgres_url)
    ensure_database(settings)  # now at head: nothing to say


def test_an_unreachable_database_is_one_line_naming_it_without_the_password(tmp_path):
    url = "postgresql+asyncpg://bot:hunter2@127.0.0.1:1/reelbot"
    env = {**os.environ, "REELBOT_DATABASE_URL": url, "REELBOT_CONFIG": str(tmp_path / "none.toml")}

    done = subprocess.run([REELBOT, "db", "upgrade"], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)

    assert done.returncode == 1
    [line] = done.stderr.strip().splitlines()
    assert line.startswith("reelbot: cannot use the database at REELBOT_DATABASE_URL (postgresql+asyncpg://bot:***@")
    assert "hunter2" not in line
