"""Apply Alembic migrations from code: ``reelbot db upgrade``, start-up of the embedded SQLite, and tests.

The Alembic Config is built here rather than read from ``alembic.ini`` so that it works from any working
directory and from an installed package: the scripts are found next to the ``migrations`` package itself.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, pool
from sqlalchemy.engine import make_url

import migrations
from engine.db import sync_url
from reelbot.config import ConfigError, Settings

log = logging.getLogger(__name__)

#: The folder holding env.py, script.py.mako and versions/.
MIGRATIONS_DIR = Path(next(iter(migrations.__path__))).resolve()  # __path__: also right for an editable install


def alembic_config(url: str) -> Config:
    """An Alembic Config for ``url`` (async or sync driver; env.py swaps to the synchronous one)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    # Passed as an attribute, not a main option: configparser would choke on '%' in a password.
    config.attributes["url"] = url
    config.attributes["configure_logger"] = False
    return config


def upgrade_database(url: str, revision: str = "head") -> None:
    """Bring the database at ``url`` up to ``revision`` (creating a SQLite file and its folder if needed)."""
    with _sqlite_file_lock(url):
        command.upgrade(alembic_config(url), revision)


def downgrade_database(url: str, revision: str) -> None:
    """Step the database back to ``revision`` (``"base"`` drops every table)."""
    with _sqlite_file_lock(url):
        command.downgrade(alembic_config(url), revision)


def head_revision() -> str | None:
    """The newest revision in the scripts."""
    return ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()


def current_revision(url: str) -> str | None:
    """The revision the database at ``url`` is at (``None`` for an empty database)."""
    engine = create_engine(sync_url(url), poolclass=pool.NullPool)
    try:
        with engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()
    finally:
        engine.dispose()


def ensure_database(settings: Settings) -> None:
    """On start: migrate the embedded SQLite database; insist that PostgreSQL was upgraded by the operator.

    PostgreSQL is shared by several processes in production, so its schema changes are a deliberate step
    (``reelbot db upgrade``) rather than a side effect of whichever process starts first.
    """
    url = settings.database_url
    if make_url(url).get_backend_name() == "sqlite":
        upgrade_database(url)
        return
    try:
        current = current_revision(url)
    except Exception as exc:  # noqa: BLE001  (any driver error means "cannot reach it")
        raise ConfigError(unreachable(url, exc)) from None
    head = head_revision()
    if current != head:
        raise ConfigError(
            f"the database at REELBOT_DATABASE_URL ({_safe(url)}) is at revision {current or 'none'}, "
            f"reelbot needs {head}: run `reelbot db upgrade`"
        )


def unreachable(url: str, error: BaseException) -> str:
    """One line for an operator: which database (password hidden) and the driver's own first line."""
    cause = getattr(error, "orig", None) or error
    first_line = (str(cause).strip().splitlines() or [type(cause).__name__])[0][:300]
    return f"cannot use the database at REELBOT_DATABASE_URL ({_safe(url)}): {first_line}"


def _safe(url: str) -> str:
    return make_url(url).render_as_string(hide_password=True)


@contextlib.contextmanager
def _sqlite_file_lock(url: str) -> Iterator[None]:
    """Serialise migrations of one SQLite file across processes (the bot and a worker starting together).

    SQLite DDL is not transactional under Alembic, so two processes creating the same tables would collide;
    PostgreSQL is serialised by an advisory lock in env.py instead.
    """
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database or parsed.database == ":memory:":
        yield
        return
    path = Path(parsed.database)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ConfigError(f"cannot use the database at REELBOT_DATABASE_URL ({_safe(url)}): cannot create its "
                          f"folder {path.parent} ({exc.strerror or exc})") from None
    try:
        import fcntl
    except ImportError:  # Windows: a single local process is the norm there
        yield
        return
    with open(path.with_name(path.name + ".migrate-lock"), "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
