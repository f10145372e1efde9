"""Short write transactions on the bot's tables; keep them short: SQLite serialises writers."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

Sessions = async_sessionmaker[AsyncSession]


@asynccontextmanager
async def transaction(sessions: Sessions) -> AsyncIterator[AsyncSession]:
    """A session inside one committed transaction (rolled back if the block raises)."""
    async with sessions() as session:
        async with session.begin():
            yield session
