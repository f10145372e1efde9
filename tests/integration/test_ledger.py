"""The credit ledger on real SQLite and PostgreSQL: idempotency, settle vs refund, and concurrent reservations."""

from __future__ import annotations

import asyncio
from datetime import date

import pytest
from sqlalchemy import func, select

from bot.credits import Ledger, LedgerError
from bot.errors import InsufficientCredits
from bot.models import User
from bot.users import BadUserKey, find_user, get_or_create_user


@pytest.fixture
def ledger(sessions) -> Ledger:
    return Ledger(sessions)


async def new_user(sessions, external_id: str = "1") -> int:
    async with sessions() as session:
        user = await get_or_create_user(session, "telegram", external_id, display_name="Ada")
        await session.commit()
        return user.id


async def assert_invariants(ledger: Ledger, user_id: int) -> None:
    balance = await ledger.balance(user_id)
    assert balance >= 0
    assert balance == await ledger.ledger_sum(user_id)


async def test_fifty_concurrent_reservations_of_30_against_100_let_exactly_three_through(sessions, ledger):
    user_id = await new_user(sessions)
    await ledger.grant(user_id, 100, key="seed", kind="admin")

    results = await asyncio.gather(
        *(ledger.reserve(user_id, 30, key=f"job:{n}", job_id=n) for n in range(50)), return_exceptions=True
    )

    succeeded = [result for result in results if isinstance(result, int)]
    refused = [result for result in results if isinstance(result, InsufficientCredits)]
    assert len(succeeded) == 3 and len(refused) == 47, [r for r in results if not isinstance(r, (int, InsufficientCredits))]
    assert sorted(succeeded) == [10, 40, 70]
    assert await ledger.balance(user_id) == 10
    await assert_invariants(ledger, user_id)
    assert len(await ledger.entries(user_id)) == 4


async def test_a_grant_replayed_with_the_same_key_counts_once(sessions, ledger):
    user_id = await new_user(sessions)

    assert await ledger.grant(user_id, 50, key="stars:abc", kind="purchase", reason="500 pack") == 50
    assert await ledger.grant(user_id, 50, key="stars:abc", kind="purchase", reason="500 pack") == 50

    assert [entry.amount for entry in await ledger.entries(user_id)] == [50]
    await assert_invariants(ledger, user_id)


async def test_a_short_balance_refuses_the_reservation_with_balance_and_price_and_writes_nothing(sessions, ledger):
    user_id = await new_user(sessions)
    await ledger.grant(user_id, 20, key="g", kind="admin")

    with pytest.raises(InsufficientCredits) as refused:
        await ledger.reserve(user_id, 25, key="job:1")

    assert refused.value.code == "insufficient_credits"
    assert refused.value.params == {"balance": 20, "price": 25}
    assert refused.value.missing == 5
    assert await ledger.reservation("job:1") is None
    assert await ledger.balance(user_id) == 20
    await assert_invariants(ledger, user_id)


async def test_settling_three_of_four_variations_charges_for_three(sessions, ledger):
    user_id = await new_user(sessions)
    await ledger.grant(user_id, 100, key="g", kind="admin")
    await ledger.reserve(user_id, 80, key="job:7", job_id=7)

    assert await ledger.settle("job:7", delivered=3, total=4) == 40
    assert await ledger.settle("job:7", delivered=3, total=4) == 40  # replay: no second give-back

    lines = [(entry.kind, entry.amount, entry.job_id) for entry in await ledger.entries(user_id)]
    assert lines == [("settle", 20, 7), ("reserve", -80, 7), ("admin", 100, None)]
    await assert_invariants(ledger, user_id)


async def test_settle_and_refund_of_one_reservation_exclude_each_other(sessions, ledger):
    user_id = await new_user(sessions)
    await ledger.grant(user_id, 100, key="g", kind="admin")
    await ledger.reserve(user_id, 40, key="job:1")
    await ledger.reserve(user_id, 40, key="job:2")

    assert await ledger.refund("job:1") == 60
    assert await ledger.settle("job:1", delivered=0, total=1) == 60  # already released by the refund
    assert await ledger.settle("job:2", delivered=1, total=1) == 60
    assert await ledger.refund("job:2") == 60  # already settled in full

    assert await ledger.balance(user_id) == 60
    await assert_invariants(ledger, user_id)


async def test_a_replayed_reservation_does_not_charge_again_even_when_the_balance_is_now_short(sessions, ledger):
    user_id = await new_user(sessions)
    await ledger.grant(user_id, 30, key="g", kind="admin")

    assert await ledger.reserve(user_id, 30, key="job:1") == 0
    assert await ledger.reserve(user_id, 30, key="job:1") == 0

    await assert_invariants(ledger, user_id)


async def test_a_key_reused_for_another_user_or_operation_is_refused(sessions, ledger):
    ada, bob = await new_user(sessions, "1"), await new_user(sessions, "2")
    await ledger.grant(ada, 10, key="shared", kind="admin")

    with pytest.raises(LedgerError):
        await ledger.grant(bob, 10, key="shared", kind="admin")
    with pytest.raises(LedgerError):
        await ledger.reserve(ada, 5, key="shared")
    with pytest.raises(LedgerError):
        await ledger.refund("shared")  # a grant is not a reservation
    with pytest.raises(LedgerError):
        await ledger.refund("never-reserved")

    assert await ledger.balance(bob) == 0


async def test_the_daily_grant_tops_up_to_the_cap_once_per_day(sessions, ledger):
    user_id = await new_user(sessions)
    await ledger.grant(user_id, 250, key="g", kind="admin")
    monday, tuesday = date(2025, 1, 6), date(2025, 1, 7)

    assert await ledger.grant_daily(user_id, day=monday, amount=100, cap=300) == 300
    await ledger.reserve(user_id, 200, key="job:1")
    assert await ledger.grant_daily(user_id, day=monday, amount=100, cap=300) == 100  # same day: nothing
    assert await ledger.grant_daily(user_id, day=tuesday, amount=100, cap=300) == 200

    dailies = [entry.amount for entry in await ledger.entries(user_id) if entry.kind == "daily"]
    assert dailies == [100, 50]
    await assert_invariants(ledger, user_id)


async def test_the_daily_grant_at_the_cap_records_the_day_without_credits(sessions, ledger):
    user_id = await new_user(sessions)
    await ledger.grant(user_id, 400, key="g", kind="admin")
    day = date(2025, 1, 6)

    assert await ledger.grant_daily(user_id, day=day, amount=100, cap=300) == 400
    await ledger.reserve(user_id, 350, key="job:1")
    assert await ledger.grant_daily(user_id, day=day, amount=100, cap=300) == 50

    await assert_invariants(ledger, user_id)


async def test_the_same_platform_identity_always_maps_to_one_user(sessions):
    async def first_contact() -> int:
        async with sessions() as session:
            user = await get_or_create_user(session, "discord", "456", display_name="Bo", language="zh")
            await session.commit()
            return user.id

    ids = await asyncio.gather(*(first_contact() for _ in range(8)))

    assert len(set(ids)) == 1
    async with sessions() as session:
        assert (await session.execute(select(func.count()).select_from(User))).scalar_one() == 1  # no orphans
        user = await find_user(session, "discord:456")
        assert user is not None and user.id == ids[0] and user.language == "zh"
        assert await find_user(session, "discord:999") is None
        assert await find_user(session, "telegram:456") is None
        with pytest.raises(BadUserKey):
            await find_user(session, "myspace:1")
