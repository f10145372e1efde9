"""Credit metrics: counted once per committed ledger move, never for a replayed key or a refused reservation."""

from __future__ import annotations

from datetime import date

import pytest
from prometheus_client import REGISTRY

from bot.credits import Ledger
from bot.errors import InsufficientCredits
from bot.users import get_or_create_user


def _value(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


async def test_grants_count_by_kind_and_settled_credits_count_as_spent_once(sessions):
    ledger = Ledger(sessions)
    async with sessions() as session:
        user = await get_or_create_user(session, "telegram", "metrics-1", display_name="Ada")
        await session.commit()
    granted = _value("reelbot_credits_granted_total", kind="admin")
    daily = _value("reelbot_credits_granted_total", kind="daily")
    spent = _value("reelbot_credits_spent_total")

    # Given an admin grant, replayed: counted once
    await ledger.grant(user.id, 100, key="metrics:grant", kind="admin")
    await ledger.grant(user.id, 100, key="metrics:grant", kind="admin")
    assert _value("reelbot_credits_granted_total", kind="admin") == granted + 100
    # A daily top-up counts what it actually added (up to the cap)
    await ledger.grant_daily(user.id, day=date(2026, 12, 2), amount=50, cap=120)
    assert _value("reelbot_credits_granted_total", kind="daily") == daily + 20
    # When 40 are reserved and settled for one of two parts: 20 spent, 20 returned; a replay changes nothing
    await ledger.reserve(user.id, 40, key="metrics:job")
    assert _value("reelbot_credits_spent_total") == spent  # a reservation is not spending yet
    await ledger.settle("metrics:job", delivered=1, total=2)
    await ledger.settle("metrics:job", delivered=1, total=2)
    assert _value("reelbot_credits_spent_total") == spent + 20
    # A refunded reservation and a refused one spend nothing
    await ledger.reserve(user.id, 10, key="metrics:refunded")
    await ledger.refund("metrics:refunded")
    with pytest.raises(InsufficientCredits):
        await ledger.reserve(user.id, 10_000, key="metrics:too-much")
    assert _value("reelbot_credits_spent_total") == spent + 20
    assert await ledger.balance(user.id) == await ledger.ledger_sum(user.id) == 100
