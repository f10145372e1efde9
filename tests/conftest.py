"""Shared fixtures: real databases and Redis on 127.0.0.1, made fresh for each test that asks."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest

PG_HOST, PG_PORT, PG_USER = "127.0.0.1", 5432, "postgres"
REDIS_URL = os.environ.get("REELBOT_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def _unavailable(service: str, error: Exception) -> None:
    """Skip when a service is truly unreachable; under CI (REELBOT_REQUIRE_SERVICES=1) fail instead."""
    message = f"{service} unreachable: {error}"
    if os.environ.get("REELBOT_REQUIRE_SERVICES") == "1":
        pytest.fail(message)
    pytest.skip(message)


def _pg_admin():
    import psycopg

    return psycopg.connect(host=PG_HOST, port=PG_PORT, user=PG_USER, dbname="test", autocommit=True, connect_timeout=3)


@pytest.fixture(scope="session")
def tiny_model_dir(tmp_path_factory):
    """The tiny random-weight LTX pipeline, written once per session and loaded with ``from_pretrained``."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from engine.tiny import write_tiny_pipeline

    return write_tiny_pipeline(tmp_path_factory.mktemp("models") / "tiny")


@pytest.fixture(scope="session")
def tiny_captioner_dir(tmp_path_factory):
    """A random-weight captioner of the embedded architecture that never stops before it wrote words (its special
    tokens suppressed): untrained, it might end at once, which would hide whether a caption reached the user."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from transformers import AutoTokenizer, GenerationConfig

    from toyworld.captioner.model import write_tiny_captioner

    directory = write_tiny_captioner(tmp_path_factory.mktemp("captioners") / "tiny")
    generation = GenerationConfig.from_pretrained(directory)
    generation.suppress_tokens = AutoTokenizer.from_pretrained(directory).all_special_ids
    generation.save_pretrained(directory)
    return directory


@pytest.fixture
def sqlite_url(tmp_path) -> str:
    return f"sqlite+aiosqlite:///{tmp_path / 'reelbot.db'}"


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A new, empty PostgreSQL database, dropped afterwards."""
    try:
        admin = _pg_admin()
    except Exception as exc:  # noqa: BLE001  (any connection failure means "not reachable")
        _unavailable("PostgreSQL at 127.0.0.1:5432", exc)
    name = f"reelbot_{uuid.uuid4().hex[:12]}"
    with admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"postgresql+asyncpg://{PG_USER}@{PG_HOST}:{PG_PORT}/{name}"
    finally:
        with _pg_admin() as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=["sqlite", "postgres"])
def database_url(request) -> str:
    """Runs the test once on SQLite and once on PostgreSQL."""
    fixture = "sqlite_url" if request.param == "sqlite" else "postgres_url"
    return request.getfixturevalue(fixture)


@pytest.fixture
def redis_url() -> Iterator[str]:
    """The machine's Redis, on a database number the tests own, emptied before and after."""
    import redis

    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=3)
    try:
        client.ping()
    except Exception as exc:  # noqa: BLE001
        _unavailable("Redis at 127.0.0.1:6379", exc)
    client.flushdb()
    try:
        yield REDIS_URL
    finally:
        client.flushdb()
        client.close()
