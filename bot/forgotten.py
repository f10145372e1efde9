"""What is left of a person who asked to be forgotten: a one-way hash of each platform identity, nothing else.

It exists for one rule alone: an account that was forgotten and writes again starts afresh, but gets no
welcome credits a second time. The hash is scrypt over ``platform:external_id`` (slow on purpose, so the table
cannot be reversed by hashing every possible id cheaply); it is computed off the event loop, and only when an
unknown identity writes while someone has been forgotten.
"""

from __future__ import annotations

import asyncio
import hashlib

from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import select

from bot.models import ForgottenIdentity

#: A fixed salt: the hash must be reproducible from the identity alone (there is nothing else left to key it).
_SALT = b"reelbot/forgotten-identity/v1"
#: scrypt cost: 4 MiB and some tens of milliseconds of one core per hash (measured 80-150 ms on a loaded
#: 2-core machine), paid at a first contact and once per forgotten identity.
_SCRYPT_N, _SCRYPT_R, _SCRYPT_P = 2**12, 8, 1


def identity_hash(platform: str, external_id: str | int) -> str:
    """The hex scrypt digest of ``platform:external_id``."""
    identity = f"{platform.lower()}:{external_id}".encode()
    digest = hashlib.scrypt(identity, salt=_SALT, n=_SCRYPT_N, r=_SCRYPT_R, p=_SCRYPT_P, dklen=32)
    return digest.hex()


async def was_forgotten(session: AsyncSession, platform: str, external_id: str | int) -> bool:
    """Whether this identity belonged to a user who was forgotten (so it gets no second welcome grant)."""
    if (await session.execute(select(ForgottenIdentity.id).limit(1))).first() is None:
        return False  # nobody was ever forgotten: no hash to compute
    wanted = await asyncio.to_thread(identity_hash, platform, external_id)
    statement = select(ForgottenIdentity.id).where(ForgottenIdentity.identity_hash == wanted)
    return (await session.execute(statement)).first() is not None
