"""The one order in which queued jobs start: strict priority across tiers, round-robin between owners inside one.

Both the worker's claim and the bot's "you are number N" use :func:`fair_order`, so a shown position is the
order that will happen (unless new jobs or cancellations change it).

The rule, applied one start at a time:
1. Among queued jobs, only the lowest ``priority`` number is eligible.
2. Among the owners with eligible jobs, the one served least recently in that priority goes next (never served
   counts as longest ago; ties go to the owner whose oldest waiting job is older).
3. That owner's oldest queued job starts (FIFO within an owner).

Bound this gives (and tests check): *while owner U has a job waiting in a tier, any other owner V of the same
tier starts at most one job before U's next job starts.* Jobs of a higher-priority tier may go first, and jobs
already running are not counted. A batch is always a prefix of this order (see :func:`batch_prefix`), so
batching starts exactly the jobs one-at-a-time scheduling would start, in the same order.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime


@dataclass(frozen=True)
class Waiting:
    """A queued job as far as ordering cares."""

    id: int
    owner: str
    priority: int
    batch_key: str = ""


def fair_order(waiting: Iterable[Waiting], last_served: Mapping[tuple[str, int], datetime | None]) -> list[Waiting]:
    """Every queued job, in the order the scheduler will start them (first = next).

    ``last_served`` maps ``(owner, priority)`` to when that owner last had a job start in that priority.
    """
    lanes: dict[int, dict[str, deque[Waiting]]] = {}
    for job in sorted(waiting, key=lambda job: job.id):
        lanes.setdefault(job.priority, {}).setdefault(job.owner, deque()).append(job)
    order: list[Waiting] = []
    for priority in sorted(lanes):
        owners = lanes[priority]
        # Serving an owner makes it the most recently served, so every round visits owners in the same order.
        turn = sorted(owners, key=lambda owner: _turn_key(last_served.get((owner, priority)), owners[owner][0].id))
        while turn:
            for owner in turn:
                order.append(owners[owner].popleft())
            turn = [owner for owner in turn if owners[owner]]
    return order


def batch_prefix(order: Sequence[Waiting], max_batch: int) -> list[Waiting]:
    """The next jobs to start together: the head and the compatible jobs right behind it, up to ``max_batch``.

    Only a prefix is taken (the first incompatible job ends the batch), so batching never lets a job overtake
    one that the fair order puts ahead of it.
    """
    if not order:
        return []
    head = order[0]
    batch = [head]
    for job in order[1:max_batch]:
        if not head.batch_key or job.batch_key != head.batch_key:
            break
        batch.append(job)
    return batch


def positions(order: Sequence[Waiting]) -> dict[int, int]:
    """Job id -> 1-based place in ``order``."""
    return {job.id: index for index, job in enumerate(order, start=1)}


def _turn_key(served: datetime | None, first_id: int) -> tuple[int, float, int]:
    if served is None:
        return (0, 0.0, first_id)
    if served.tzinfo is None:  # SQLite returns naive UTC
        served = served.replace(tzinfo=UTC)
    return (1, served.timestamp(), first_id)
