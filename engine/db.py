"""Database plumbing shared by every part: the async engine, sessions, and SQLite's concurrency settings.

It lives in ``engine`` because the job queue keeps its truth in the database and ``engine`` is the bottom
layer: ``bot`` may import it, never the reverse.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import MetaData, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine
from sqlmodel import SQLModel

from engine.errors import ReelbotError

#: Alembic needs named constraints to alter them later (SQLite batch mode above all).
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
SQLModel.metadata.naming_convention = NAMING_CONVENTION
metadata: MetaData = SQLModel.metadata

#: Milliseconds a SQLite writer waits for the lock before giving up.
SQLITE_BUSY_TIMEOUT_MS = 30_000

#: The drivers accepted in a URL per backend (``None``: the bare ``sqlite:///`` / ``postgresql://`` form).
ACCEPTED_DRIVERS = {"sqlite": (None, "pysqlite", "aiosqlite"), "postgresql": (None, "asyncpg", "psycopg")}
#: The driver asyncio code reaches each backend through (bot, queue, CLI).
ASYNC_DRIVERS = {"sqlite": "sqlite+aiosqlite", "postgresql": "postgresql+asyncpg"}
#: The driver synchronous code reaches each backend through (Alembic, worker threads).
SYNC_DRIVERS = {"sqlite": "sqlite", "postgresql": "postgresql+psycopg"}
#: Other names for a backend that well-known tools write (Heroku, libpq, dj-database-url: ``postgres://``).
BACKEND_ALIASES = {"postgres": "postgresql"}
#: The URL forms an operator may write, for error messages.
ACCEPTED_FORMS = "sqlite:///, sqlite+aiosqlite:///, postgresql://, postgresql+asyncpg:// or postgresql+psycopg://"


class BadDatabaseURL(ReelbotError, ValueError):
    """A database URL reelbot cannot use; the message says which forms work."""


def async_url(url: str | URL) -> str:
    """``url`` in any accepted form, through the asyncio driver (raises :class:`BadDatabaseURL`)."""
    return _with_driver(url, ASYNC_DRIVERS)


def sync_url(url: str | URL) -> str:
    """The same database through a synchronous driver (Alembic, the worker threads)."""
    return _with_driver(url, SYNC_DRIVERS)


def _with_driver(url: str | URL, drivers: dict[str, str]) -> str:
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise BadDatabaseURL(f"not a database URL; use {ACCEPTED_FORMS}") from None
    backend, _, driver = parsed.drivername.partition("+")
    backend, driver = BACKEND_ALIASES.get(backend, backend), driver or None
    if driver not in ACCEPTED_DRIVERS.get(backend, ()):
        raise BadDatabaseURL(f"unsupported database {parsed.drivername!r}; use {ACCEPTED_FORMS}")
    if backend == "sqlite" and (parsed.host or parsed.port):
        raise BadDatabaseURL("a SQLite URL names a file, not a host: sqlite:///relative/path.db or sqlite:////abs.db")
    return parsed.set(drivername=drivers[backend]).render_as_string(hide_password=False)


def make_engine(url: str, **kwargs) -> AsyncEngine:
    """An async engine for ``url`` (any accepted form); SQLite files get WAL, a busy timeout and their folder."""
    url = async_url(url)
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        kwargs.setdefault("connect_args", {"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000})
        engine = create_async_engine(url, **kwargs)
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        event.listen(engine.sync_engine, "begin", _sqlite_begin_immediate)
        return engine
    kwargs.setdefault("pool_pre_ping", True)
    return create_async_engine(url, **kwargs)


def make_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False)


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    # aiosqlite/pysqlite open transactions lazily; take control so BEGIN IMMEDIATE below is ours.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _sqlite_begin_immediate(connection) -> None:
    # Writers queue on the lock at BEGIN instead of failing with "database is locked" on upgrade from read.
    connection.exec_driver_sql("BEGIN IMMEDIATE")
