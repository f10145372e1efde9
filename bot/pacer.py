"""The one progress pacer: at most one edit of a progress board per interval, the latest text winning.

Platforms throttle edits and people can't read faster; pacing here, in the core, means no adapter paces again.
A final update (done, failed, cancelled) is never held back and drops whatever was waiting.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

from bot.messages import Outgoing

#: Seconds between two edits of one progress message.
PROGRESS_INTERVAL_S = 2.5


class ProgressPacer:
    """Holds back progress updates that come too fast; ``send(platform, out)`` publishes one."""

    def __init__(self, send: Callable[[str, Outgoing], None], interval_s: float = PROGRESS_INTERVAL_S) -> None:
        self._send = send
        self._interval_s = interval_s
        self._last_sent: dict[str, float] = {}
        self._waiting: dict[str, Outgoing] = {}
        self._timers: dict[str, asyncio.TimerHandle] = {}

    def shown(self, key: str) -> None:
        """The board was just shown by other means (the reply that queued the job): pace edits from now."""
        self._last_sent[key] = time.monotonic()

    def update(self, platform: str, out: Outgoing) -> None:
        """Show ``out`` now if the board's interval is over, else when it is (unless a newer update replaces it)."""
        key = out.progress_key or ""
        wait = self._last_sent.get(key, 0.0) + self._interval_s - time.monotonic()
        if wait <= 0:
            self._publish(platform, out)
            return
        self._waiting[key] = out
        if key not in self._timers:
            self._timers[key] = asyncio.get_running_loop().call_later(wait, self._flush, platform, key)

    def final(self, platform: str, out: Outgoing) -> None:
        """The board's last update: shown at once; nothing paced for it is shown after."""
        key = out.progress_key or ""
        timer = self._timers.pop(key, None)
        if timer is not None:
            timer.cancel()
        self._waiting.pop(key, None)
        self._last_sent.pop(key, None)
        self._send(platform, out)

    def close(self) -> None:
        for timer in self._timers.values():
            timer.cancel()
        self._timers.clear()
        self._waiting.clear()

    def _flush(self, platform: str, key: str) -> None:
        self._timers.pop(key, None)
        out = self._waiting.pop(key, None)
        if out is not None:
            self._publish(platform, out)

    def _publish(self, platform: str, out: Outgoing) -> None:
        self._last_sent[out.progress_key or ""] = time.monotonic()
        self._send(platform, out)
