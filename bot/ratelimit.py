"""Per-user message rate limits, beside the queue's limits on jobs: a flood of messages is answered once, then
ignored until the user slows down, so it costs neither database writes nor parser time.

A sliding window per user (``[limits] messages_per_minute``), held in memory: the limit protects this process,
and one bot process serves every platform. A user over the limit gets one "please wait" per window, not one per
message (answering each would let them make the bot flood the chat).
"""

from __future__ import annotations

import math
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

from bot.metrics import RATE_LIMITED

#: The window the limit counts messages in.
WINDOW_S = 60.0
#: Users tracked at most; the idlest are dropped first (a forgotten window only forgives, never punishes).
MAX_TRACKED_USERS = 100_000


@dataclass(frozen=True)
class Verdict:
    """``allowed``; otherwise ``wait_s`` until the next message is allowed, and ``tell`` the first time only."""

    allowed: bool
    wait_s: int = 0
    tell: bool = False


class RateLimiter:
    def __init__(self, per_minute: int, *, clock: Callable[[], float] = time.monotonic) -> None:
        self.per_minute = per_minute
        self._clock = clock
        self._seen: dict[str, deque[float]] = {}
        self._told: dict[str, float] = {}

    def hit(self, user_key: str) -> Verdict:
        """Count one message from ``user_key`` and say whether it may be handled."""
        if self.per_minute <= 0:
            return Verdict(allowed=True)
        now = self._clock()
        times = self._seen.pop(user_key, None) or deque()
        self._seen[user_key] = times  # most recently active last, so the oldest are dropped first
        while times and now - times[0] >= WINDOW_S:
            times.popleft()
        if len(times) < self.per_minute:
            times.append(now)
            self._told.pop(user_key, None)
            self._forget_idle()
            return Verdict(allowed=True)
        RATE_LIMITED.inc()
        wait_s = max(1, math.ceil(WINDOW_S - (now - times[0])))
        told_at = self._told.get(user_key)
        tell = told_at is None or now - told_at >= WINDOW_S
        if tell:
            self._told[user_key] = now
        return Verdict(allowed=False, wait_s=wait_s, tell=tell)

    def _forget_idle(self) -> None:
        while len(self._seen) > MAX_TRACKED_USERS:
            oldest = next(iter(self._seen))
            del self._seen[oldest]
            self._told.pop(oldest, None)
