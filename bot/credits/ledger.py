"""The credit ledger: grant, reserve, settle, refund, each idempotent by key.

Invariants, always: a user's balance is never negative, and ``User.balance`` equals the sum of their
``CreditEntry.amount``. Every operation writes its ledger line and moves the balance in one transaction, and
the balance moves by a conditional UPDATE (``... WHERE balance >= :x``), so concurrent reservations cannot
overdraw on SQLite or PostgreSQL.

Keys: the caller names each operation (``job:42``, ``daily:7:2025-01-31``, ``stars:<charge id>``). Replaying a
key changes nothing and returns the current balance. A reservation is released exactly once, by ``settle`` or
by ``refund``: both write the line ``<key>:release``, and the unique key makes them mutually exclusive.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date

from sqlalchemy import func, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlmodel import select

from bot.errors import BotError, InsufficientCredits
from bot.metrics import credits_moved
from bot.models import CreditEntry, User

#: Ledger line kinds written by the ledger itself; grants use any other kind (daily, purchase, admin...).
RESERVE, SETTLE, REFUND = "reserve", "settle", "refund"
RESERVED_KINDS = (RESERVE, SETTLE, REFUND)
#: The grant kinds reelbot uses.
DAILY, PURCHASE, ADMIN, WELCOME = "daily", "purchase", "admin", "welcome"
#: A purchase refunded by an admin takes its credits back (as far as they are unspent).
TAKE_BACK = "take_back"
#: Suffix of the one line that releases a reservation (settle or refund, whichever comes first).
RELEASE_SUFFIX = ":release"
#: How many times an operation is retried after losing a race on its own key.
_RACE_RETRIES = 3
#: ``session.info`` key of the credit moves a transaction made, counted in the metrics once it commits.
_MOVES = "reelbot.credit_moves"


class LedgerError(BotError):
    """A programming or data error: an unknown user or reservation, a key reused for something else."""


def daily_key(user_id: int, day: date) -> str:
    return f"daily:{user_id}:{day.isoformat()}"


def release_key(reservation_key: str) -> str:
    return reservation_key + RELEASE_SUFFIX


class Ledger:
    """Credit operations on top of an ``async_sessionmaker``; each call is its own transaction."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    # -- reading -------------------------------------------------------------------------------------------

    async def balance(self, user_id: int) -> int:
        async with self._sessions() as session:
            return (await _user(session, user_id)).balance

    async def entries(self, user_id: int, *, limit: int | None = None) -> list[CreditEntry]:
        """The user's ledger, newest first."""
        async with self._sessions() as session:
            statement = select(CreditEntry).where(CreditEntry.user_id == user_id).order_by(CreditEntry.id.desc())
            if limit is not None:
                statement = statement.limit(limit)
            return list((await session.execute(statement)).scalars())

    async def ledger_sum(self, user_id: int) -> int:
        """The sum of the user's ledger lines; always equal to their balance (tests and audits check it)."""
        async with self._sessions() as session:
            statement = select(func.coalesce(func.sum(CreditEntry.amount), 0)).where(CreditEntry.user_id == user_id)
            return int((await session.execute(statement)).scalar_one())

    async def reservation(self, key: str) -> CreditEntry | None:
        """The reservation line written under ``key``, if any."""
        async with self._sessions() as session:
            return await _entry(session, key)

    # -- writing -------------------------------------------------------------------------------------------

    async def grant(self, user_id: int, amount: int, *, key: str, kind: str, reason: str = "") -> int:
        """Add ``amount`` credits (daily, purchase, admin, welcome...); returns the new balance."""
        if amount <= 0:
            raise LedgerError(f"a grant must be positive, got {amount}")
        if kind in RESERVED_KINDS or not 0 < len(kind) <= 16:
            raise LedgerError(f"{kind!r} is not a grant kind")

        async def apply(session: AsyncSession) -> int:
            await _lock_user(session, user_id)
            await _write(session, user_id, amount, key=key, kind=kind, reason=reason)
            _note(session, "granted", kind, amount)
            return await _add(session, user_id, amount)

        return await self._once(key, user_id, kind, apply)

    async def grant_daily(self, user_id: int, *, day: date, amount: int, cap: int) -> int:
        """Top the balance up by at most ``amount``, never above ``cap``; once per user per day.

        A day whose grant came to nothing (the balance was already at the cap) is still recorded, with a zero
        line, so that running the daily job twice on the same day changes nothing.
        """
        if amount < 0 or cap < 0:
            raise LedgerError(f"daily grant amount and cap must be >= 0, got {amount} and {cap}")
        key = daily_key(user_id, day)

        async def apply(session: AsyncSession) -> int:
            user = await _lock_user(session, user_id)
            top_up = max(0, min(amount, cap - user.balance))
            await _write(session, user_id, top_up, key=key, kind=DAILY, reason=f"daily free credits {day.isoformat()}")
            _note(session, "granted", DAILY, top_up)
            return await _add(session, user_id, top_up)

        return await self._once(key, user_id, DAILY, apply)

    async def reserve(self, user_id: int, amount: int, *, key: str, job_id: int | None = None) -> int:
        """Hold ``amount`` credits for a job; raises :class:`InsufficientCredits` (nothing written) if short."""
        if amount < 0:
            raise LedgerError(f"a reservation cannot be negative, got {amount}")

        async def apply(session: AsyncSession) -> int:
            user = await _lock_user(session, user_id)
            await _write(session, user_id, -amount, key=key, kind=RESERVE, job_id=job_id)
            taken = await session.execute(
                update(User)
                .where(User.id == user_id, User.balance >= amount)
                .values(balance=User.balance - amount)
                .returning(User.balance)
                .execution_options(synchronize_session=False)
            )
            remaining = taken.scalar_one_or_none()
            if remaining is None:
                raise InsufficientCredits(balance=user.balance, price=amount)  # rolls the ledger line back
            return int(remaining)

        return await self._once(key, user_id, RESERVE, apply)

    async def settle(self, key: str, *, delivered: int, total: int) -> int:
        """Charge a reservation for the ``delivered`` of ``total`` parts; the rest goes back to the user."""
        if total < 1 or not 0 <= delivered <= total:
            raise LedgerError(f"cannot settle {delivered} delivered of {total}")
        return await self._release(key, SETTLE, lambda held: held - held * delivered // total)

    async def refund(self, key: str) -> int:
        """Give a whole reservation back (the job failed, was cancelled, or timed out)."""
        return await self._release(key, REFUND, lambda held: held)

    async def take_back(self, user_id: int, amount: int, *, key: str, reason: str = "") -> int:
        """Remove up to ``amount`` credits (a refunded purchase) without going below zero; once per key.

        Returns the credits actually taken: what was already spent stays spent rather than making the balance
        negative.
        """
        if amount < 0:
            raise LedgerError(f"cannot take back a negative amount, got {amount}")

        async def apply(session: AsyncSession) -> int:
            user = await _lock_user(session, user_id)
            taken = min(amount, user.balance)
            await _write(session, user_id, -taken, key=key, kind=TAKE_BACK, reason=reason)
            return await _add(session, user_id, -taken)

        await self._once(key, user_id, TAKE_BACK, apply)
        async with self._sessions() as session:
            entry = await _entry(session, key)
        return -entry.amount if entry is not None else 0

    # -- the machinery -------------------------------------------------------------------------------------

    async def _release(self, key: str, kind: str, returned: Callable[[int], int]) -> int:
        async with self._sessions() as session:
            held = await _entry(session, key)
        if held is None or held.kind != RESERVE:
            raise LedgerError(f"no reservation under key {key!r}")
        amount = returned(-held.amount)

        async def apply(session: AsyncSession) -> int:
            await _lock_user(session, held.user_id)
            await _write(session, held.user_id, amount, key=release_key(key), kind=kind, job_id=held.job_id)
            if kind == SETTLE:
                _note(session, "spent", "", -held.amount - amount)
            return await _add(session, held.user_id, amount)

        # Either release kind on the key counts as "already released".
        return await self._once(release_key(key), held.user_id, (SETTLE, REFUND), apply)

    async def _once(
        self,
        key: str,
        user_id: int,
        kinds: str | tuple[str, ...],
        apply: Callable[[AsyncSession], Awaitable[int]],
    ) -> int:
        """Run ``apply`` in a transaction unless ``key`` was already used; a replay returns the balance."""
        kinds = (kinds,) if isinstance(kinds, str) else kinds
        for _ in range(_RACE_RETRIES):
            async with self._sessions() as session:
                existing = await _entry(session, key)
                if existing is not None:
                    _check_replay(existing, user_id, kinds)
                    return (await _user(session, existing.user_id)).balance
            try:
                async with self._sessions() as session, session.begin():
                    balance = await apply(session)
            except IntegrityError:
                # Lost a race on the same key (PostgreSQL): the loop now finds the winner's line.
                continue
            credits_moved(session.info.pop(_MOVES, []))
            return balance
        raise LedgerError(f"could not apply the operation with key {key!r}")


def _check_replay(existing: CreditEntry, user_id: int, kinds: tuple[str, ...]) -> None:
    if existing.user_id != user_id or existing.kind not in kinds:
        raise LedgerError(
            f"key {existing.idempotency_key!r} was used for a {existing.kind} of user {existing.user_id}, "
            f"not a {'/'.join(kinds)} of user {user_id}"
        )


def _note(session: AsyncSession, direction: str, kind: str, amount: int) -> None:
    """Remember a credit move for the metrics; counted only if the transaction commits."""
    session.info.setdefault(_MOVES, []).append((direction, kind, amount))


async def _entry(session: AsyncSession, key: str) -> CreditEntry | None:
    statement = select(CreditEntry).where(CreditEntry.idempotency_key == key)
    return (await session.execute(statement)).scalars().first()


async def _user(session: AsyncSession, user_id: int) -> User:
    user = await session.get(User, user_id)
    if user is None:
        raise LedgerError(f"no user with id {user_id}")
    return user


async def _lock_user(session: AsyncSession, user_id: int) -> User:
    """The user row, locked until commit (PostgreSQL; SQLite's BEGIN IMMEDIATE already serialises writers)."""
    statement = select(User).where(User.id == user_id).with_for_update()
    user = (await session.execute(statement)).scalars().first()
    if user is None:
        raise LedgerError(f"no user with id {user_id}")
    return user


async def _write(
    session: AsyncSession,
    user_id: int,
    amount: int,
    *,
    key: str,
    kind: str,
    reason: str = "",
    job_id: int | None = None,
) -> None:
    session.add(
        CreditEntry(user_id=user_id, amount=amount, kind=kind, reason=reason[:500], idempotency_key=key, job_id=job_id)
    )
    await session.flush()  # the unique key claims the operation before the balance moves


async def _add(session: AsyncSession, user_id: int, amount: int) -> int:
    """Move the balance by ``amount`` (>= 0) and return the new value."""
    statement = (
        update(User)
        .where(User.id == user_id)
        .values(balance=User.balance + amount)
        .returning(User.balance)
        .execution_options(synchronize_session=False)
    )
    return int((await session.execute(statement)).scalar_one())
