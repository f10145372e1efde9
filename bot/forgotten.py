"""What is left of a person who asked to be forgotten: a one-way hash of each platform identity, nothing else.

It exists for one rule alone: an account that was forgotten and writes again starts afresh, but gets no
welcome credits a second time. The hash is scrypt over ``platform:external_id`` (slow on purpose, so the table
cannot be reversed by hashing every possible id cheaply); it is computed only when an unknown identity writes.
"""

from __future__ import annotations

import hashlib
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import Field, SQLModel, select

from engine.db import metadata as _metadata  # noqa: F401  (naming convention first)
from engine.queue.models import utcnow

#: A fixed salt: the hash must be reproducible from the identity alone (there is nothing else left to key it).
_SALT = b"reelbot/forgotten-identity/v1"
#: scrypt cost: about 30 ms and 16 MiB per hash, paid once per first contact and once per forgotten identity.
_SCRYPT_N, _SCRYPT_R, _SCRYPT_P = 2**14, 8, 1


class ForgottenIdentity(SQLModel, table=True):
    """A platform identity whose user was deleted; only its hash."""

    __tablename__ = "forgotten_identity"

    id: int | None = Field(default=None, primary_key=True)
    identity_hash: str = Field(max_length=64, unique=True)
    forgotten_at: datetime = Field(default_factory=utcnow)


def identity_hash(platform: str, external_id: str | int) -> str:
    """The hex scrypt digest of ``platform:external_id``."""
    identity = f"{platform.lower()}:{external_id}".encode()
    digest = hashlib.scrypt(identity, salt=_SALT, n=_SCRYPT_N, r=_SCRYPT_R, p=_SCRYPT_P, dklen=32)
    return digest.hex()


async def was_forgotten(session: AsyncSession, platform: str, external_id: str | int) -> bool:
    """Whether this identity belonged to a user who was forgotten (so it gets no second welcome grant)."""
    wanted = identity_hash(platform, external_id)
    statement = select(ForgottenIdentity.id).where(ForgottenIdentity.identity_hash == wanted)
    return (await session.execute(statement)).first() is not None
