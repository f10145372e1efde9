"""Random grant/reserve/settle/refund/daily sequences, replays included, never break the ledger's invariants.

A plain-Python model predicts every balance; after each step the database must agree with it, the balance must
be >= 0 and equal to the sum of the user's ledger. Runs on SQLite (one migrated file, fresh users per example).
"""

from __future__ import annotations

import asyncio
import itertools
from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule, run_state_machine_as_test

from bot.credits import Ledger, LedgerError
from bot.errors import InsufficientCredits
from bot.users import get_or_create_user
from engine.db import make_engine, make_sessionmaker
from reelbot.migrate import upgrade_database

USERS = 2
KEYS = st.integers(min_value=0, max_value=5)  # a small key space makes replays and collisions common
DAY0 = date(2025, 1, 1)


class LedgerMachine(RuleBasedStateMachine):
    """The model: balances per user, which grant keys belong to whom, reservations and whether released."""

    loop: asyncio.AbstractEventLoop
    ledger: Ledger
    sessions = None
    examples = itertools.count()

    def __init__(self) -> None:
        super().__init__()
        self.prefix = f"ex{next(self.examples)}"
        self.user_ids = [self.run(self._new_user(n)) for n in range(USERS)]
        self.balance = {user_id: 0 for user_id in self.user_ids}
        self.key_owner: dict[str, tuple[int, str]] = {}  # key -> (user, kind)
        self.held: dict[str, int] = {}  # reservation key -> amount
        self.released: set[str] = set()
        self.daily_done: set[tuple[int, date]] = set()

    def run(self, coroutine):
        return self.loop.run_until_complete(coroutine)

    async def _new_user(self, n: int) -> int:
        async with self.sessions() as session:
            user = await get_or_create_user(session, "console", f"{self.prefix}-{n}")
            await session.commit()
            return user.id

    def key(self, letter: str, number: int) -> str:
        return f"{self.prefix}:{letter}{number}"

    def expect_ledger_error(self, coroutine) -> None:
        with pytest.raises(LedgerError):
            self.run(coroutine)

    @rule(who=st.integers(0, USERS - 1), amount=st.integers(1, 120), number=KEYS)
    def grant(self, who, amount, number):
        user_id, key = self.user_ids[who], self.key("g", number)
        owner = self.key_owner.get(key)
        if owner is not None and owner != (user_id, "admin"):
            self.expect_ledger_error(self.ledger.grant(user_id, amount, key=key, kind="admin"))
            return
        result = self.run(self.ledger.grant(user_id, amount, key=key, kind="admin"))
        if owner is None:
            self.key_owner[key] = (user_id, "admin")
            self.balance[user_id] += amount
        assert result == self.balance[user_id]

    @rule(who=st.integers(0, USERS - 1), amount=st.integers(0, 150), number=KEYS)
    def reserve(self, who, amount, number):
        user_id, key = self.user_ids[who], self.key("r", number)
        owner = self.key_owner.get(key)
        if owner is not None and owner[0] != user_id:
            self.expect_ledger_error(self.ledger.reserve(user_id, amount, key=key))
            return
        if owner is None and self.balance[user_id] < amount:
            with pytest.raises(InsufficientCredits) as refused:
                self.run(self.ledger.reserve(user_id, amount, key=key))
            assert refused.value.params == {"balance": self.balance[user_id], "price": amount}
            return
        result = self.run(self.ledger.reserve(user_id, amount, key=key))
        if owner is None:
            self.key_owner[key] = (user_id, "reserve")
            self.held[key] = amount
            self.balance[user_id] -= amount
        assert result == self.balance[user_id]

    @precondition(lambda self: self.held)
    @rule(data=st.data(), total=st.sampled_from([1, 2, 4]))
    def settle(self, data, total):
        key = data.draw(st.sampled_from(sorted(self.held)))
        delivered = data.draw(st.integers(0, total))
        user_id = self.key_owner[key][0]
        result = self.run(self.ledger.settle(key, delivered=delivered, total=total))
        if key not in self.released:
            self.released.add(key)
            held = self.held[key]
            self.balance[user_id] += held - held * delivered // total
        assert result == self.balance[user_id]

    @precondition(lambda self: self.held)
    @rule(data=st.data())
    def refund(self, data):
        key = data.draw(st.sampled_from(sorted(self.held)))
        user_id = self.key_owner[key][0]
        result = self.run(self.ledger.refund(key))
        if key not in self.released:
            self.released.add(key)
            self.balance[user_id] += self.held[key]
        assert result == self.balance[user_id]

    @rule(number=KEYS)
    def release_unknown_reservation(self, number):
        key = self.key("r", number)
        if key not in self.held:
            self.expect_ledger_error(self.ledger.refund(key))

    @rule(who=st.integers(0, USERS - 1), offset=st.integers(0, 2), amount=st.integers(0, 100), cap=st.integers(0, 300))
    def grant_daily(self, who, offset, amount, cap):
        user_id, day = self.user_ids[who], DAY0 + timedelta(days=offset)
        result = self.run(self.ledger.grant_daily(user_id, day=day, amount=amount, cap=cap))
        if (user_id, day) not in self.daily_done:
            self.daily_done.add((user_id, day))
            self.balance[user_id] += max(0, min(amount, cap - self.balance[user_id]))
        assert result == self.balance[user_id]

    @invariant()
    def balances_match_the_model_and_the_ledger(self):
        for user_id in self.user_ids:
            balance = self.run(self.ledger.balance(user_id))
            assert balance == self.balance[user_id]
            assert balance >= 0
            assert self.run(self.ledger.ledger_sum(user_id)) == balance


def test_random_ledger_operations_with_replays_never_break_the_invariants(sqlite_url):
    upgrade_database(sqlite_url)
    loop = asyncio.new_event_loop()
    engine = make_engine(sqlite_url)
    try:
        LedgerMachine.loop = loop
        LedgerMachine.sessions = make_sessionmaker(engine)
        LedgerMachine.ledger = Ledger(LedgerMachine.sessions)
        run_state_machine_as_test(
            LedgerMachine,
            settings=settings(
                max_examples=30,
                stateful_step_count=25,
                deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
            ),
        )
    finally:
        loop.run_until_complete(engine.dispose())
        loop.close()
