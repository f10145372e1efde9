"""The fair order as a pure function: priority first, then round-robin by least recently served, FIFO within."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from engine.queue.fairness import Waiting, batch_prefix, fair_order, positions

T0 = datetime(2026, 1, 1, tzinfo=UTC)


def jobs(*owners: str, priority: int = 0, key: str = "k", start: int = 1) -> list[Waiting]:
    return [Waiting(id=start + i, owner=owner, priority=priority, batch_key=key) for i, owner in enumerate(owners)]


def test_owners_take_turns_and_a_hog_does_not_block_a_newcomer():
    order = fair_order(jobs("hog", "hog", "hog", "ann", "bob"), {})
    assert [job.owner for job in order] == ["hog", "ann", "bob", "hog", "hog"]


def test_the_least_recently_served_owner_goes_first():
    served = {("hog", 0): T0 + timedelta(seconds=2), ("ann", 0): T0}
    order = fair_order(jobs("hog", "ann", "bob"), served)
    assert [job.owner for job in order] == ["bob", "ann", "hog"]  # never served, then longest ago


def test_a_lower_priority_number_always_runs_first():
    order = fair_order(jobs("ann", priority=1) + jobs("bob", "bob", priority=0, start=10), {})
    assert [(job.owner, job.priority) for job in order] == [("bob", 0), ("bob", 0), ("ann", 1)]


def test_a_batch_is_a_compatible_prefix_of_the_fair_order():
    order = fair_order(jobs("a", "b") + jobs("c", key="other", start=3) + jobs("d", start=4), {})
    assert [job.owner for job in batch_prefix(order, 4)] == ["a", "b"]  # "d" may not overtake "c"
    assert [job.owner for job in batch_prefix(order, 1)] == ["a"]
    assert positions(order) == {1: 1, 2: 2, 3: 3, 4: 4}
