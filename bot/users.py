"""People and their platform identities (``telegram:123`` -> one User row, created on first contact), and the chats
they write in."""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import select

from bot.errors import BotError
from bot.models import Chat, PlatformIdentity, User

#: Platforms a user key may name.
PLATFORMS = ("telegram", "discord", "console")


class BadUserKey(BotError, ValueError):
    """A user key that is not ``platform:id`` with a known platform."""


def parse_user_key(user_key: str) -> tuple[str, str]:
    """``"telegram:123"`` -> ``("telegram", "123")``; anything else raises :class:`BadUserKey`."""
    platform, sep, external_id = user_key.strip().partition(":")
    platform = platform.lower()
    if not sep or not external_id or platform not in PLATFORMS:
        raise BadUserKey(f"{user_key!r} is not a user: use platform:id with platform one of {', '.join(PLATFORMS)}")
    return platform, external_id


def user_key(platform: str, external_id: str | int) -> str:
    return f"{platform}:{external_id}"


async def get_or_create_user(
    session: AsyncSession,
    platform: str,
    external_id: str | int,
    *,
    display_name: str = "",
    language: str | None = None,
) -> User:
    """The user behind ``platform:external_id``, created (with the identity) if this is their first contact.

    Race-safe: two first messages at once both try to insert the identity; the unique constraint lets one
    win, and the loser's savepoint is rolled back and the winner's user returned. The caller commits.
    """
    external_id = str(external_id)
    existing = await _lookup(session, platform, external_id)
    if existing is not None:
        return existing
    try:
        async with session.begin_nested():
            user = User(display_name=display_name[:200], **({"language": language} if language else {}))
            session.add(user)
            await session.flush()
            session.add(PlatformIdentity(platform=platform, external_id=external_id, user_id=user.id))
            await session.flush()
        return user
    except IntegrityError:
        winner = await _lookup(session, platform, external_id)
        if winner is None:  # the conflict was something else: let it be seen
            raise
        return winner


async def get_or_create_chat(session: AsyncSession, platform: str, external_id: str | int, *, is_group: bool) -> Chat:
    """The conversation place ``platform:external_id``, created on its first message. The caller commits."""
    statement = select(Chat).where(Chat.platform == platform, Chat.external_id == str(external_id))
    chat = (await session.execute(statement)).scalars().first()
    if chat is None:
        chat = Chat(platform=platform, external_id=str(external_id), is_group=is_group)
        session.add(chat)
        await session.flush()
    return chat


async def find_user(session: AsyncSession, user_key: str) -> User | None:
    """The user for a key such as ``"telegram:123"``, or ``None`` if they never wrote to us."""
    platform, external_id = parse_user_key(user_key)
    return await _lookup(session, platform, external_id)


async def _lookup(session: AsyncSession, platform: str, external_id: str) -> User | None:
    statement = (
        select(User)
        .join(PlatformIdentity, PlatformIdentity.user_id == User.id)
        .where(PlatformIdentity.platform == platform, PlatformIdentity.external_id == external_id)
    )
    return (await session.execute(statement)).scalars().first()
