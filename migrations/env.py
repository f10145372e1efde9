"""Alembic environment: one linear history for every table, on SQLite (batch mode) and PostgreSQL.

The URL comes from, in order: a connection handed over in ``config.attributes["connection"]``, a URL in
``config.attributes["url"]`` (reelbot.migrate), ``sqlalchemy.url`` in alembic.ini, then ``REELBOT_DATABASE_URL``
(reelbot's own default). Async URLs are swapped for their synchronous driver: migrations need no event loop.
"""

from __future__ import annotations

from logging.config import fileConfig

from alembic import context
from sqlalchemy import Connection, create_engine, pool, text
from sqlmodel.sql.sqltypes import AutoString, UTCDateTime

import bot.models  # noqa: F401  (registers the bot's tables on the metadata)
import engine.queue.models  # noqa: F401  (registers the Job table)
from engine.db import metadata, sync_url

config = context.config
if config.config_file_name is not None and config.attributes.get("configure_logger", True):
    fileConfig(config.config_file_name, disable_existing_loggers=False)

#: Any 64-bit number of our own: concurrent ``upgrade`` runs on PostgreSQL queue on it instead of colliding.
PG_MIGRATION_LOCK_ID = 0x7265656C626F74  # "reelbot"


def _database_url() -> str:
    url = config.attributes.get("url") or config.get_main_option("sqlalchemy.url")
    if not url:
        from reelbot.config import load_settings

        url = load_settings().database_url
    return sync_url(url)


def _render_item(type_: str, obj: object, autogen_context) -> str | bool:
    """Write SQLModel's column types as plain SQLAlchemy ones, so revisions don't depend on SQLModel internals."""
    if type_ != "type":
        return False
    if isinstance(obj, AutoString):
        return f"sa.String(length={obj.length})" if obj.length else "sa.String()"
    if isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def _configure(connection: Connection | None = None, url: str | None = None) -> None:
    dialect = connection.dialect.name if connection is not None else url.split(":", 1)[0].split("+", 1)[0]
    context.configure(
        connection=connection,
        url=url,
        target_metadata=metadata,
        render_as_batch=dialect == "sqlite",  # SQLite alters tables by copying them
        compare_type=True,
        render_item=_render_item,
        literal_binds=connection is None,
        dialect_opts={"paramstyle": "named"} if connection is None else {},
    )


def run_migrations_offline() -> None:
    """``alembic upgrade --sql``: print the SQL instead of running it."""
    _configure(url=_database_url())
    with context.begin_transaction():
        context.run_migrations()


def _run(connection: Connection) -> None:
    _configure(connection)
    with context.begin_transaction():
        if connection.dialect.name == "postgresql":
            # Held until commit; the version table is read after it, so a waiting process sees our result.
            connection.execute(text("SELECT pg_advisory_xact_lock(:id)"), {"id": PG_MIGRATION_LOCK_ID})
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = create_engine(_database_url(), poolclass=pool.NullPool)
    try:
        with engine.connect() as connection:
            _run(connection)
    finally:
        engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
